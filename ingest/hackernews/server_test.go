package hackernews

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAlgolia answers search_by_date as HN Search documents it: hits
// newest first, filtered by query, tags and numericFilters, pages from 0,
// and no more than 1000 hits of one search however many match.
type fakeAlgolia struct {
	*httptest.Server
	t    *testing.T
	mu   sync.Mutex
	hits []fakeHit // newest first
	// script overrides answers in request order (ingesttest.Answer); a
	// nil entry serves the search.
	script []func(http.ResponseWriter)
	reqs   []string
}

type fakeHit struct {
	id      int
	at      int64
	comment bool
	words   string // what the search matches on
}

const paginationLimit = 1000

func newFakeAlgolia(t *testing.T, script ...func(http.ResponseWriter)) *fakeAlgolia {
	f := &fakeAlgolia{t: t, script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAlgolia) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.URL.RawQuery)
	var h func(http.ResponseWriter)
	if n := len(f.reqs); n <= len(f.script) {
		h = f.script[n-1]
	}
	f.mu.Unlock()
	if h != nil {
		h(w)
		return
	}
	if r.URL.Path != "/api/v1/search_by_date" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if q.Get("tags") != "(story,comment)" {
		f.t.Errorf("tags = %q, want (story,comment)", q.Get("tags"))
	}
	after, before := int64(0), int64(1<<62)
	for _, cond := range strings.Split(q.Get("numericFilters"), ",") {
		var err error
		switch {
		case strings.HasPrefix(cond, "created_at_i>"):
			after, err = strconv.ParseInt(strings.TrimPrefix(cond, "created_at_i>"), 10, 64)
		case strings.HasPrefix(cond, "created_at_i<"):
			before, err = strconv.ParseInt(strings.TrimPrefix(cond, "created_at_i<"), 10, 64)
		default:
			err = fmt.Errorf("unexpected filter")
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"message":"invalid numericFilters %q","status":400}`, cond)
			return
		}
	}
	hpp, _ := strconv.Atoi(q.Get("hitsPerPage"))
	page, _ := strconv.Atoi(q.Get("page"))
	f.mu.Lock()
	var match []fakeHit
	for _, h := range f.hits {
		if h.at > after && h.at < before && strings.Contains(h.words, strings.ToLower(q.Get("query"))) {
			match = append(match, h)
		}
	}
	f.mu.Unlock()
	served := min(len(match), paginationLimit)
	nbPages := (served + hpp - 1) / hpp
	lo, hi := min(page*hpp, served), min((page+1)*hpp, served)
	out := []any{}
	for _, h := range match[lo:hi] {
		out = append(out, hitJSON(h))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{
		"exhaustive": map[string]bool{"nbHits": true, "typo": true}, "exhaustiveNbHits": true, "exhaustiveTypo": true,
		"hits": out, "hitsPerPage": hpp, "nbHits": len(match), "nbPages": nbPages, "page": page,
		"params": r.URL.RawQuery, "processingTimeMS": 1, "query": q.Get("query"),
	})
}

func hitJSON(h fakeHit) map[string]any {
	id := strconv.Itoa(h.id)
	created := time.Unix(h.at, 0).UTC().Format(time.RFC3339)
	author := "user" + strconv.Itoa(h.id%7)
	if h.comment {
		return map[string]any{
			"_highlightResult": map[string]any{}, "_tags": []string{"comment", "author_" + author, "story_1"},
			"author": author, "comment_text": "<p>" + h.words + "</p>", "created_at": created, "created_at_i": h.at,
			"objectID": id, "parent_id": 1, "story_id": 1, "story_title": "A story", "story_url": nil, "updated_at": created,
		}
	}
	return map[string]any{
		"_highlightResult": map[string]any{}, "_tags": []string{"story", "author_" + author, "story_" + id},
		"author": author, "children": []int{}, "created_at": created, "created_at_i": h.at, "num_comments": h.id % 11,
		"objectID": id, "points": h.id % 13, "story_id": h.id, "title": h.words, "updated_at": created,
		"url": "https://example.com/" + id,
	}
}

// add puts n hits about words, step apart, the newest at newest; ids
// count up from first. It returns the ids, newest first.
func (f *fakeAlgolia) add(first, n int, newest time.Time, step time.Duration, words string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for i := range n {
		h := fakeHit{id: first + i, at: newest.Add(-time.Duration(i) * step).Unix(), comment: i%3 == 1, words: words}
		f.hits = append(f.hits, h)
		ids = append(ids, strconv.Itoa(h.id))
	}
	slices.SortStableFunc(f.hits, func(a, b fakeHit) int { return int(b.at - a.at) })
	return ids
}

func (f *fakeAlgolia) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}
