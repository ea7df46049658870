package mastodon

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeInstance answers as a Mastodon instance does, per the documented
// API: hashtag timelines and own statuses paged with max_id / since_id /
// min_id and a Link header, v2 search paged with max_id, account lookup,
// /api/v2/instance and the hashtag stream.
type fakeInstance struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	statuses []fstatus
	own      faccount
	token    string                                   // search answers only requests bearing it
	script   map[string][]func(w http.ResponseWriter) // per path: answers served before the real one
	requests []*url.URL
	conns    []*fakeConn
	opened   int
}

// fstatus is a status as the test describes it; statusJSON renders it in
// the documented Status shape.
type fstatus struct {
	ID        uint64
	Created   time.Time
	Tags      []string
	HTML      string
	ReplyTo   uint64
	Lang      string
	Acct      string // local "user" or remote "user@domain"
	Followers int
	Likes     int
	Boosts    int
	Replies   int
	CardURL   string
	Reblog    bool
}

type faccount struct {
	ID        string
	Acct      string
	Followers int
}

type fakeConn struct {
	tag    string
	events chan string
	drop   chan struct{}
}

func newFake(t *testing.T) *fakeInstance {
	t.Helper()
	f := &fakeInstance{t: t, script: map[string][]func(http.ResponseWriter){}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.dropStreams()
		f.srv.Close()
	})
	return f
}

func (f *fakeInstance) add(sts ...fstatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses = append(f.statuses, sts...)
}

// then queues answers for path, served before the normal one.
func (f *fakeInstance) then(path string, answers ...func(w http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], answers...)
}

func (f *fakeInstance) requestsTo(path string) []*url.URL {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*url.URL
	for _, u := range f.requests {
		if u.Path == path {
			out = append(out, u)
		}
	}
	return out
}

func (f *fakeInstance) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL)
	if answers := f.script[r.URL.Path]; len(answers) > 0 {
		f.script[r.URL.Path] = answers[1:]
		f.mu.Unlock()
		answers[0](w)
		return
	}
	f.mu.Unlock()
	q := r.URL.Query()
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/api/v1/timelines/tag/"):
		tag := strings.TrimPrefix(p, "/api/v1/timelines/tag/")
		f.page(w, r, func(s fstatus) bool { return slices.Contains(s.Tags, strings.ToLower(tag)) && !s.Reblog })
	case p == "/api/v2/search":
		f.search(w, r)
	case p == "/api/v1/accounts/lookup":
		f.mu.Lock()
		own := f.own
		f.mu.Unlock()
		if q.Get("acct") != own.Acct {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
			return
		}
		writeJSON(w, http.StatusOK, f.accountJSON(own.ID, own.Acct, own.Followers))
	case strings.HasPrefix(p, "/api/v1/accounts/") && strings.HasSuffix(p, "/statuses"):
		f.mu.Lock()
		own := f.own
		f.mu.Unlock()
		exclude := q.Get("exclude_reblogs") == "true"
		f.page(w, r, func(s fstatus) bool { return s.Acct == own.Acct && !(exclude && s.Reblog) })
	case p == "/api/v2/instance":
		writeJSON(w, http.StatusOK, map[string]any{
			"domain": "fake.example",
			"configuration": map[string]any{"urls": map[string]any{
				"streaming": strings.Replace(f.srv.URL, "http://", "ws://", 1),
			}},
		})
	case p == "/api/v1/streaming/hashtag":
		f.stream(w, r, q.Get("tag"))
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
	}
}

// page answers a timeline request the way Mastodon's paginated
// controllers do, Link header included.
func (f *fakeInstance) page(w http.ResponseWriter, r *http.Request, match func(fstatus) bool) {
	q := r.URL.Query()
	limit := 20
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 40)
	}
	maxID, _ := strconv.ParseUint(q.Get("max_id"), 10, 64)
	sinceID, _ := strconv.ParseUint(q.Get("since_id"), 10, 64)
	minID, hasMin := uint64(0), q.Has("min_id")
	if hasMin {
		minID, _ = strconv.ParseUint(q.Get("min_id"), 10, 64)
	}
	f.mu.Lock()
	var sel []fstatus
	for _, s := range f.statuses {
		if match(s) && (maxID == 0 || s.ID < maxID) && s.ID > sinceID && (!hasMin || s.ID > minID) {
			sel = append(sel, s)
		}
	}
	f.mu.Unlock()
	if hasMin {
		// min_id: the statuses immediately newer than it, still listed newest first.
		slices.SortFunc(sel, func(a, b fstatus) int { return cmpID(a.ID, b.ID) })
		sel = sel[:min(limit, len(sel))]
		slices.Reverse(sel)
	} else {
		slices.SortFunc(sel, func(a, b fstatus) int { return cmpID(b.ID, a.ID) })
		sel = sel[:min(limit, len(sel))]
	}
	if len(sel) > 0 {
		base := f.srv.URL + r.URL.Path
		keep := url.Values{}
		for _, k := range []string{"limit", "exclude_reblogs"} {
			if q.Has(k) {
				keep.Set(k, q.Get(k))
			}
		}
		next, prev := cloneValues(keep), cloneValues(keep)
		next.Set("max_id", strconv.FormatUint(sel[len(sel)-1].ID, 10))
		prev.Set("min_id", strconv.FormatUint(sel[0].ID, 10))
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next", <%s?%s>; rel="prev"`, base, next.Encode(), base, prev.Encode()))
	}
	out := make([]any, len(sel))
	for i, s := range sel {
		out[i] = f.statusJSON(s)
	}
	writeJSON(w, http.StatusOK, out)
}

// search answers /api/v2/search?type=statuses: newest first, max_id
// paging, and nothing for a request without the token (as instances
// without public full-text search answer).
func (f *fakeInstance) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	empty := map[string]any{"accounts": []any{}, "statuses": []any{}, "hashtags": []any{}}
	f.mu.Lock()
	token := f.token
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+token || q.Get("type") != "statuses" {
		writeJSON(w, http.StatusOK, empty)
		return
	}
	limit := 20
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 40)
	}
	maxID, _ := strconv.ParseUint(q.Get("max_id"), 10, 64)
	needle := strings.ToLower(q.Get("q"))
	f.mu.Lock()
	var sel []fstatus
	for _, s := range f.statuses {
		if strings.Contains(strings.ToLower(s.HTML), needle) && (maxID == 0 || s.ID < maxID) && !s.Reblog {
			sel = append(sel, s)
		}
	}
	f.mu.Unlock()
	slices.SortFunc(sel, func(a, b fstatus) int { return cmpID(b.ID, a.ID) })
	sel = sel[:min(limit, len(sel))]
	out := make([]any, len(sel))
	for i, s := range sel {
		out[i] = f.statusJSON(s)
	}
	empty["statuses"] = out
	writeJSON(w, http.StatusOK, empty)
}

// stream serves /api/v1/streaming/hashtag as server-sent events until the
// test drops it.
func (f *fakeInstance) stream(w http.ResponseWriter, r *http.Request, tag string) {
	c := &fakeConn{tag: tag, events: make(chan string, 16), drop: make(chan struct{})}
	f.mu.Lock()
	f.conns = append(f.conns, c)
	f.opened++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	fmt.Fprint(w, ":)\n")
	fl.Flush()
	for {
		select {
		case ev := <-c.events:
			fmt.Fprint(w, ev)
			fl.Flush()
		case <-c.drop:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// push sends an event to every open stream of tag.
func (f *fakeInstance) push(tag, name string, data string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		if c.tag == tag {
			c.events <- ":thump\n" + "event: " + name + "\n" + "data: " + data + "\n\n"
		}
	}
}

func (f *fakeInstance) pushStatus(tag string, s fstatus) {
	b, _ := json.Marshal(f.statusJSON(s))
	f.push(tag, "update", string(b))
}

func (f *fakeInstance) dropStreams() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		close(c.drop)
	}
	f.conns = nil
}

func (f *fakeInstance) streamsOpened() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opened
}

func (f *fakeInstance) host() string {
	u, _ := url.Parse(f.srv.URL)
	return u.Host
}

func (f *fakeInstance) accountJSON(id, acct string, followers int) map[string]any {
	user, _, _ := strings.Cut(acct, "@")
	return map[string]any{
		"id": id, "username": user, "acct": acct, "display_name": strings.ToUpper(user[:1]) + user[1:],
		"locked": false, "bot": false, "discoverable": true, "group": false,
		"created_at": "2022-01-01T00:00:00.000Z", "note": "<p>hi</p>",
		"url":    f.srv.URL + "/@" + acct,
		"avatar": f.srv.URL + "/avatars/original/missing.png", "avatar_static": f.srv.URL + "/avatars/original/missing.png",
		"header": f.srv.URL + "/headers/original/missing.png", "header_static": f.srv.URL + "/headers/original/missing.png",
		"followers_count": followers, "following_count": 12, "statuses_count": 345,
		"last_status_at": "2026-11-01", "emojis": []any{}, "fields": []any{},
	}
}

// statusJSON renders s in the documented Status entity shape.
func (f *fakeInstance) statusJSON(s fstatus) map[string]any {
	id := strconv.FormatUint(s.ID, 10)
	acct := s.Acct
	if acct == "" {
		acct = "someone"
	}
	var reply, replyAcct, lang, card, reblog any
	if s.ReplyTo != 0 {
		reply, replyAcct = strconv.FormatUint(s.ReplyTo, 10), "1234"
	}
	if s.Lang != "" {
		lang = s.Lang
	}
	if s.CardURL != "" {
		card = map[string]any{"url": s.CardURL, "title": "A page", "description": "", "type": "link",
			"author_name": "", "author_url": "", "provider_name": "", "provider_url": "", "html": "",
			"width": 0, "height": 0, "image": nil, "embed_url": "", "blurhash": nil}
	}
	tags := make([]any, len(s.Tags))
	for i, t := range s.Tags {
		tags[i] = map[string]any{"name": t, "url": f.srv.URL + "/tags/" + t}
	}
	html := s.HTML
	if html == "" {
		html = "<p>status " + id + "</p>"
	}
	st := map[string]any{
		"id": id, "created_at": s.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id": reply, "in_reply_to_account_id": replyAcct,
		"sensitive": false, "spoiler_text": "", "visibility": "public", "language": lang,
		"uri": f.srv.URL + "/users/" + acct + "/statuses/" + id, "url": f.srv.URL + "/@" + acct + "/" + id,
		"replies_count": s.Replies, "reblogs_count": s.Boosts, "favourites_count": s.Likes,
		"edited_at": nil, "favourited": false, "reblogged": false, "muted": false, "bookmarked": false,
		"content": html, "filtered": []any{}, "reblog": reblog,
		"application":       map[string]any{"name": "Web", "website": nil},
		"account":           f.accountJSON("4242", acct, s.Followers),
		"media_attachments": []any{}, "mentions": []any{}, "tags": tags, "emojis": []any{},
		"card": card, "poll": nil,
	}
	if s.Reblog {
		inner := maps.Clone(st)
		inner["id"] = "1" + id
		st["reblog"] = inner
	}
	return st
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
