package reddit

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeReddit answers as Reddit's OAuth API documents: the client
// credentials token endpoint, search, by_id and comments, in Reddit's
// Listing shape, paging with after/before fullnames.
type fakeReddit struct {
	t        *testing.T
	srv      *httptest.Server
	id, pass string
	pageSize int

	mu       sync.Mutex
	posts    []*fakePost
	tokens   map[string]bool
	issued   int
	faults   []fault
	requests map[string]int // by endpoint: token, search, by_id, comments
	agents   map[string]bool
	queries  []string // raw query strings of search requests
}

type fakePost struct {
	id, sub, title, selftext, author string
	created                          int64
	score                            int
	comments                         []*fakeComment
	more                             bool // add a "more" stub to the tree
}

type fakeComment struct {
	id, parent, body, author string
	created                  int64
	score                    int
}

// fault answers one request to an endpoint instead of the API.
type fault struct {
	endpoint string
	answer   func(w http.ResponseWriter)
}

func newFakeReddit(t *testing.T) *fakeReddit {
	f := &fakeReddit{t: t, id: "app-id", pass: "app-secret", pageSize: 3,
		tokens: map[string]bool{}, requests: map[string]int{}, agents: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeReddit) addPost(p *fakePost) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts = append(f.posts, p)
}

func (f *fakeReddit) addComment(postID string, c *fakeComment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if p.id == postID {
			p.comments = append(p.comments, c)
			return
		}
	}
	f.t.Fatalf("no post %s", postID)
}

func (f *fakeReddit) inject(fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fs...)
}

// revoke makes every issued token invalid, as when it expires early.
func (f *fakeReddit) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

func (f *fakeReddit) count(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[endpoint]
}

func endpointOf(path string) string {
	switch {
	case path == "/api/v1/access_token":
		return "token"
	case strings.HasSuffix(path, "/search"):
		return "search"
	case strings.HasPrefix(path, "/by_id/"):
		return "by_id"
	case strings.HasPrefix(path, "/comments/"):
		return "comments"
	}
	return "other"
}

func (f *fakeReddit) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ep := endpointOf(r.URL.Path)
	f.requests[ep]++
	f.agents[r.Header.Get("User-Agent")] = true
	for i, fl := range f.faults {
		if fl.endpoint == ep {
			f.faults = slices.Delete(f.faults, i, i+1)
			fl.answer(w)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if ep == "token" {
		f.token(w, r)
		return
	}
	// Every OAuth API answer carries the documented rate-limit headers.
	w.Header().Set("X-Ratelimit-Used", strconv.Itoa(f.requests[ep]))
	w.Header().Set("X-Ratelimit-Remaining", "596.0")
	w.Header().Set("X-Ratelimit-Reset", "412")
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "bearer ") || !f.tokens[strings.TrimPrefix(auth, "bearer ")] {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message": "Unauthorized", "error": 401}`))
		return
	}
	if r.URL.Query().Get("raw_json") != "1" {
		f.t.Errorf("%s without raw_json=1", r.URL)
	}
	switch ep {
	case "search":
		f.search(w, r)
	case "by_id":
		f.byID(w, r)
	case "comments":
		f.commentsOf(w, r)
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message": "Not Found", "error": 404}`))
	}
}

func (f *fakeReddit) token(w http.ResponseWriter, r *http.Request) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(f.id+":"+f.pass))
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != want {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message": "Unauthorized", "error": 401}`))
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		w.Write([]byte(`{"error": "unsupported_grant_type"}`))
		return
	}
	f.issued++
	tok := fmt.Sprintf("tok-%d", f.issued)
	f.tokens[tok] = true
	fmt.Fprintf(w, `{"access_token": %q, "token_type": "bearer", "expires_in": 86400, "scope": "*"}`, tok)
}

func (f *fakeReddit) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.queries = append(f.queries, r.URL.RawQuery)
	if q.Get("sort") != "new" || q.Get("type") != "link" || q.Get("limit") != "100" {
		f.t.Errorf("search %s: want sort=new, type=link, limit=100", r.URL.RawQuery)
	}
	var subs []string
	if rest, ok := strings.CutPrefix(r.URL.Path, "/r/"); ok {
		subs = strings.Split(strings.TrimSuffix(rest, "/search"), "+")
		if q.Get("restrict_sr") != "1" {
			f.t.Errorf("search in %v without restrict_sr", subs)
		}
	}
	term := strings.ToLower(q.Get("q"))
	var hits []*fakePost
	for _, p := range f.posts {
		if (len(subs) == 0 || slices.Contains(subs, p.sub)) &&
			strings.Contains(strings.ToLower(p.title+" "+p.selftext), term) {
			hits = append(hits, p)
		}
	}
	// sort=new: newest first; the id breaks ties as Reddit's does.
	slices.SortFunc(hits, func(a, b *fakePost) int {
		return cmp.Or(cmp.Compare(b.created, a.created), cmp.Compare(b.id, a.id))
	})
	start := 0
	if after := q.Get("after"); after != "" {
		i := slices.IndexFunc(hits, func(p *fakePost) bool { return "t3_"+p.id == after })
		if i < 0 {
			hits = nil // a vanished anchor gives an empty page, as on Reddit
		}
		start = i + 1
	}
	end := min(start+f.pageSize, len(hits))
	page := hits[min(start, end):end]
	children := make([]any, len(page))
	for i, p := range page {
		children[i] = p.thing()
	}
	var after any
	if end < len(hits) {
		after = "t3_" + page[len(page)-1].id
	}
	writeJSON(w, listingOf(children, after))
}

func (f *fakeReddit) byID(w http.ResponseWriter, r *http.Request) {
	names := strings.Split(strings.TrimPrefix(r.URL.Path, "/by_id/"), ",")
	if len(names) > 100 {
		f.t.Errorf("by_id with %d names, Reddit allows 100", len(names))
	}
	var children []any
	for _, n := range names {
		for _, p := range f.posts {
			if "t3_"+p.id == n {
				children = append(children, p.thing())
			}
		}
	}
	writeJSON(w, listingOf(children, nil))
}

func (f *fakeReddit) commentsOf(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/comments/")
	i := slices.IndexFunc(f.posts, func(p *fakePost) bool { return p.id == id })
	if i < 0 {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message": "Not Found", "error": 404}`))
		return
	}
	p := f.posts[i]
	tree := p.tree("t3_" + p.id)
	if p.more {
		tree = append(tree, map[string]any{"kind": "more", "data": map[string]any{
			"count": 7, "name": "t1_zzmore", "id": "zzmore", "parent_id": "t3_" + p.id, "depth": 0,
			"children": []string{"zzm1", "zzm2"}}})
	}
	writeJSON(w, []any{listingOf([]any{p.thing()}, nil), listingOf(tree, nil)})
}

// tree renders the comments under parent, newest first (sort=new), each
// with its replies as a nested Listing or "" when it has none.
func (p *fakePost) tree(parent string) []any {
	var kids []*fakeComment
	for _, c := range p.comments {
		if c.parent == parent {
			kids = append(kids, c)
		}
	}
	slices.SortFunc(kids, func(a, b *fakeComment) int { return cmp.Compare(b.created, a.created) })
	out := make([]any, len(kids))
	for i, c := range kids {
		var replies any = ""
		if sub := p.tree("t1_" + c.id); len(sub) > 0 {
			replies = listingOf(sub, nil)
		}
		out[i] = map[string]any{"kind": "t1", "data": map[string]any{
			"id": c.id, "name": "t1_" + c.id, "parent_id": c.parent, "link_id": "t3_" + p.id,
			"body": c.body, "author": c.author, "author_fullname": "t2_" + c.author,
			"created": float64(c.created), "created_utc": float64(c.created),
			"score": c.score, "ups": c.score, "subreddit": p.sub, "subreddit_name_prefixed": "r/" + p.sub,
			"subreddit_id": "t5_" + p.sub, "permalink": fmt.Sprintf("/r/%s/comments/%s/x/%s/", p.sub, p.id, c.id),
			"replies": replies, "depth": 0, "stickied": false, "edited": false,
		}}
	}
	return out
}

func (p *fakePost) thing() map[string]any {
	return map[string]any{"kind": "t3", "data": map[string]any{
		"id": p.id, "name": "t3_" + p.id, "title": p.title, "selftext": p.selftext,
		"author": p.author, "author_fullname": "t2_" + p.author,
		"subreddit": p.sub, "subreddit_name_prefixed": "r/" + p.sub, "subreddit_id": "t5_" + p.sub,
		"created": float64(p.created), "created_utc": float64(p.created),
		"score": p.score, "ups": p.score, "upvote_ratio": 0.93, "num_comments": len(p.comments),
		"permalink": fmt.Sprintf("/r/%s/comments/%s/x/", p.sub, p.id),
		"url":       fmt.Sprintf("https://www.reddit.com/r/%s/comments/%s/x/", p.sub, p.id),
		"is_self":   p.selftext != "", "over_18": false, "domain": "self." + p.sub,
	}}
}

func listingOf(children []any, after any) map[string]any {
	if children == nil {
		children = []any{}
	}
	return map[string]any{"kind": "Listing", "data": map[string]any{
		"after": after, "before": nil, "dist": len(children), "modhash": "", "geo_filter": "", "children": children}}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Write(b)
}
