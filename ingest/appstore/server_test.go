package appstore

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeApple serves the customer-reviews feed as Apple documents it: 50
// reviews a page, newest first, feed.entry an array (an object for one
// review), no entry past the last page, 400 past page 10.
type fakeApple struct {
	*httptest.Server
	mu      sync.Mutex
	reviews map[string][]fakeReview // by country, newest first
	// script overrides answers in request order (ingesttest.Answer); a
	// nil entry serves the feed.
	script []func(http.ResponseWriter)
	reqs   []string
}

type fakeReview struct {
	id     string
	at     time.Time
	rating int
}

var feedPath = regexp.MustCompile(`^/([a-z]{2})/rss/customerreviews/page=([0-9]+)/id=([0-9]+)/sortby=mostrecent/json$`)

func newFakeApple(t *testing.T, script ...func(http.ResponseWriter)) *fakeApple {
	f := &fakeApple{reviews: map[string][]fakeReview{}, script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeApple) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.URL.Path)
	var h func(http.ResponseWriter)
	if n := len(f.reqs); n <= len(f.script) {
		h = f.script[n-1]
	}
	f.mu.Unlock()
	if h != nil {
		h(w)
		return
	}
	m := feedPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r)
		return
	}
	n, _ := strconv.Atoi(m[2])
	if n < 1 || n > 10 {
		http.Error(w, "CustomerReviews RSS page depth is limited to 10", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	all := f.reviews[m[1]]
	lo, hi := min((n-1)*50, len(all)), min(n*50, len(all))
	page := all[lo:hi]
	f.mu.Unlock()
	feed := map[string]any{
		"author":  map[string]any{"name": lbl("iTunes Store"), "uri": lbl("http://www.apple.com/" + m[1] + "/itunes/")},
		"updated": lbl(testNow.Format(time.RFC3339)),
		"title":   lbl("iTunes Store: Customer Reviews"),
		"id":      lbl("https://itunes.apple.com" + r.URL.Path),
	}
	var entries []any
	for _, rv := range page {
		entries = append(entries, entryJSON(m[1], m[3], rv))
	}
	switch len(entries) {
	case 0:
	case 1:
		feed["entry"] = entries[0]
	default:
		feed["entry"] = entries
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{"feed": feed})
}

func lbl(s string) map[string]string { return map[string]string{"label": s} }

func entryJSON(cc, app string, r fakeReview) map[string]any {
	return map[string]any{
		"author":         map[string]any{"uri": lbl("https://itunes.apple.com/" + cc + "/reviews/id9" + r.id), "name": lbl("user " + r.id), "label": ""},
		"updated":        lbl(r.at.In(time.FixedZone("PDT", -7*3600)).Format(time.RFC3339)),
		"im:rating":      lbl(strconv.Itoa(r.rating)),
		"im:version":     lbl("3.0.1"),
		"id":             lbl(r.id),
		"title":          lbl("Review " + r.id),
		"content":        map[string]any{"label": "Acme review number " + r.id, "attributes": map[string]string{"type": "text"}},
		"link":           map[string]any{"attributes": map[string]string{"rel": "related", "href": "https://itunes.apple.com/" + cc + "/review?id=" + app + "&type=Purple%20Software"}},
		"im:voteSum":     lbl("0"),
		"im:contentType": map[string]any{"attributes": map[string]string{"term": "Application", "label": "Application"}},
		"im:voteCount":   lbl("0"),
	}
}

// add puts n reviews, one an hour, newer than any the country has, on top;
// ids count up from next.
func (f *fakeApple) add(cc string, next, n int, newest time.Time) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var fresh []fakeReview
	var ids []string
	for i := n - 1; i >= 0; i-- {
		id := strconv.Itoa(next + i)
		fresh = append(fresh, fakeReview{id: id, at: newest.Add(-time.Duration(n-1-i) * time.Hour), rating: 1 + i%5})
		ids = append(ids, id)
	}
	f.reviews[cc] = append(fresh, f.reviews[cc]...)
	return ids
}

func (f *fakeApple) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}
