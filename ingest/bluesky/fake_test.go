package bluesky

import (
	"encoding/json"
	"fmt"
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

// fakeBsky answers as the Bluesky AppView and a PDS do, per the lexicons:
// searchPosts (sort=latest, since/until, cursor), getAuthorFeed,
// getProfile(s), and createSession/refreshSession with access tokens that
// expire (400 ExpiredToken) after a number of uses.
type fakeBsky struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	posts    []fpost
	feed     []fitem // the own author feed, newest first as given
	profiles map[string]fprofile
	// requireAuth makes searchPosts refuse requests without a session;
	// publicNoCursor makes it refuse a cursor without one, as the public
	// AppView does.
	requireAuth, publicNoCursor bool
	password                    string
	tokenUses                   int // requests an access token is good for
	access                      map[string]int
	refresh                     map[string]bool
	issued                      int
	sessions, refreshes         int
	script                      map[string][]func(w http.ResponseWriter)
	requests                    []request
}

type request struct {
	method string
	auth   string
	query  url.Values
}

type fprofile struct {
	DID, Handle, Name string
	Followers         int
}

type fpost struct {
	Rkey        string
	Author      fprofile
	Text        string
	Created     time.Time
	Indexed     time.Time
	Langs       []string
	ReplyParent string
	Likes       int
	Reposts     int
	Replies     int
	Quotes      int
	Link        string // a link facet over the end of the text
	External    string // a link card
}

type fitem struct {
	post   fpost
	reason string // "", "repost" or "pin"
}

func (p fpost) uri() string { return "at://" + p.Author.DID + "/app.bsky.feed.post/" + p.Rkey }

func (p fpost) sortAt() time.Time {
	if p.Indexed.Before(p.Created) {
		return p.Indexed
	}
	return p.Created
}

func newFake(t *testing.T) *fakeBsky {
	t.Helper()
	f := &fakeBsky{t: t, profiles: map[string]fprofile{}, access: map[string]int{}, refresh: map[string]bool{},
		script: map[string][]func(http.ResponseWriter){}, password: "app-pass-1234", tokenUses: 1000}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBsky) add(ps ...fpost) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range ps {
		f.posts = append(f.posts, p)
		f.profiles[p.Author.DID] = p.Author
	}
}

func (f *fakeBsky) then(method string, answers ...func(w http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[method] = append(f.script[method], answers...)
}

func (f *fakeBsky) requestsTo(method string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.requests {
		if r.method == method {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeBsky) counts() (sessions, refreshes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions, f.refreshes
}

func xrpcErr(w http.ResponseWriter, code int, name, msg string) {
	writeJSON(w, code, map[string]string{"error": name, "message": msg})
}

func (f *fakeBsky) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, request{method: method, auth: r.Header.Get("Authorization"), query: r.URL.Query()})
	if answers := f.script[method]; len(answers) > 0 {
		f.script[method] = answers[1:]
		f.mu.Unlock()
		answers[0](w)
		return
	}
	f.mu.Unlock()
	switch method {
	case "com.atproto.server.createSession":
		f.createSession(w, r)
		return
	case "com.atproto.server.refreshSession":
		f.refreshSession(w, r)
		return
	}
	authed, ok := f.checkAccess(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	switch method {
	case "app.bsky.feed.searchPosts":
		f.search(w, q, authed)
	case "app.bsky.actor.getProfile":
		p, ok := f.profile(q.Get("actor"))
		if !ok {
			xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
			return
		}
		writeJSON(w, http.StatusOK, detailedJSON(p))
	case "app.bsky.actor.getProfiles":
		var out []any
		for _, a := range q["actors"] {
			if p, ok := f.profile(a); ok {
				out = append(out, detailedJSON(p))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"profiles": out})
	case "app.bsky.feed.getAuthorFeed":
		f.authorFeed(w, q)
	default:
		xrpcErr(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
}

// checkAccess validates a bearer access token, spending one of its uses.
func (f *fakeBsky) checkAccess(w http.ResponseWriter, r *http.Request) (authed, ok bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return false, true
	}
	tok := strings.TrimPrefix(h, "Bearer ")
	f.mu.Lock()
	defer f.mu.Unlock()
	left, known := f.access[tok]
	switch {
	case !known:
		xrpcErr(w, http.StatusUnauthorized, "InvalidToken", "Token could not be verified")
		return false, false
	case left <= 0:
		xrpcErr(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
		return false, false
	}
	f.access[tok] = left - 1
	return true, true
}

func (f *fakeBsky) issue() map[string]any {
	f.issued++
	acc, ref := fmt.Sprintf("acc-%d", f.issued), fmt.Sprintf("ref-%d", f.issued)
	f.access[acc] = f.tokenUses
	f.refresh[ref] = true
	return map[string]any{
		"accessJwt": acc, "refreshJwt": ref, "handle": "acme.test", "did": "did:plc:acmeacmeacmeacme",
		"didDoc": map[string]any{
			"@context": []string{"https://www.w3.org/ns/did/v1"},
			"id":       "did:plc:acmeacmeacmeacme",
			"service":  []any{map[string]any{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": f.srv.URL}},
		},
		"active": true,
	}
}

func (f *fakeBsky) createSession(w http.ResponseWriter, r *http.Request) {
	var in struct{ Identifier, Password string }
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "bad input")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.Identifier != "acme.test" || in.Password != f.password {
		xrpcErr(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
		return
	}
	f.sessions++
	writeJSON(w, http.StatusOK, f.issue())
}

func (f *fakeBsky) refreshSession(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method != http.MethodPost || !f.refresh[tok] {
		xrpcErr(w, http.StatusBadRequest, "ExpiredToken", "Token has been revoked")
		return
	}
	delete(f.refresh, tok)
	f.refreshes++
	writeJSON(w, http.StatusOK, f.issue())
}

func (f *fakeBsky) profile(actor string) (fprofile, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.profiles {
		if p.DID == actor || p.Handle == actor {
			return p, true
		}
	}
	return fprofile{}, false
}

func (f *fakeBsky) search(w http.ResponseWriter, q url.Values, authed bool) {
	f.mu.Lock()
	requireAuth, noCursor := f.requireAuth, f.publicNoCursor
	f.mu.Unlock()
	if requireAuth && !authed {
		xrpcErr(w, http.StatusForbidden, "AuthRequired", "Authentication required")
		return
	}
	if noCursor && !authed && q.Has("cursor") {
		xrpcErr(w, http.StatusForbidden, "Forbidden", "Pagination requires authentication")
		return
	}
	if q.Get("q") == "" {
		xrpcErr(w, http.StatusBadRequest, "BadQueryString", "q is required")
		return
	}
	since, until, err := window(q)
	if err != nil {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	needle := strings.ToLower(q.Get("q"))
	f.mu.Lock()
	var hits []fpost
	for _, p := range f.posts {
		t := p.sortAt()
		if strings.Contains(strings.ToLower(p.Text), needle) && (since.IsZero() || !t.Before(since)) && (until.IsZero() || t.Before(until)) {
			hits = append(hits, p)
		}
	}
	f.mu.Unlock()
	sortLatest(hits)
	page, cursor := paginate(hits, q)
	out := make([]any, len(page))
	for i, p := range page {
		out[i] = postJSON(p)
	}
	body := map[string]any{"hitsTotal": len(hits), "posts": out}
	if cursor != "" {
		body["cursor"] = cursor
	}
	writeJSON(w, http.StatusOK, body)
}

func (f *fakeBsky) authorFeed(w http.ResponseWriter, q url.Values) {
	f.mu.Lock()
	feed := slices.Clone(f.feed)
	f.mu.Unlock()
	page, cursor := paginate(feed, q)
	out := make([]any, len(page))
	for i, it := range page {
		item := map[string]any{"post": postJSON(it.post)}
		switch it.reason {
		case "repost":
			item["reason"] = map[string]any{"$type": "app.bsky.feed.defs#reasonRepost",
				"by": basicJSON(fprofile{DID: "did:plc:acmeacmeacmeacme", Handle: "acme.test"}), "indexedAt": it.post.Indexed.Format(time.RFC3339Nano)}
		case "pin":
			item["reason"] = map[string]any{"$type": "app.bsky.feed.defs#reasonPin"}
		}
		out[i] = item
	}
	body := map[string]any{"feed": out}
	if cursor != "" {
		body["cursor"] = cursor
	}
	writeJSON(w, http.StatusOK, body)
}

func window(q url.Values) (since, until time.Time, err error) {
	if s := q.Get("since"); s != "" {
		if since, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return since, until, fmt.Errorf("since: %w", err)
		}
	}
	if s := q.Get("until"); s != "" {
		if until, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return since, until, fmt.Errorf("until: %w", err)
		}
	}
	return since, until, nil
}

func sortLatest(ps []fpost) {
	slices.SortStableFunc(ps, func(a, b fpost) int {
		if c := b.sortAt().Compare(a.sortAt()); c != 0 {
			return c
		}
		return strings.Compare(b.uri(), a.uri())
	})
}

// paginate serves limit items from the offset the cursor names.
func paginate[T any](items []T, q url.Values) ([]T, string) {
	limit := 25
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 100)
	}
	off, _ := strconv.Atoi(q.Get("cursor"))
	off = min(off, len(items))
	end := min(off+limit, len(items))
	cursor := ""
	if end < len(items) {
		cursor = strconv.Itoa(end)
	}
	return items[off:end], cursor
}

func basicJSON(p fprofile) map[string]any {
	return map[string]any{
		"did": p.DID, "handle": p.Handle, "displayName": p.Name,
		"avatar": "https://cdn.bsky.app/img/avatar/plain/" + p.DID + "/bafkrei@jpeg", "labels": []any{},
		"createdAt": "2023-05-01T00:00:00.000Z",
	}
}

func detailedJSON(p fprofile) map[string]any {
	m := basicJSON(p)
	m["followersCount"] = p.Followers
	m["followsCount"] = 99
	m["postsCount"] = 1234
	m["description"] = "an account"
	m["indexedAt"] = "2024-01-01T00:00:00.000Z"
	return m
}

// postJSON renders p in the app.bsky.feed.defs#postView shape.
func postJSON(p fpost) map[string]any {
	rec := map[string]any{"$type": "app.bsky.feed.post", "text": p.Text, "createdAt": p.Created.Format("2006-01-02T15:04:05.000Z")}
	if len(p.Langs) > 0 {
		rec["langs"] = p.Langs
	}
	if p.ReplyParent != "" {
		ref := map[string]any{"uri": p.ReplyParent, "cid": "bafyreiparent"}
		rec["reply"] = map[string]any{"root": ref, "parent": ref}
	}
	if p.Link != "" {
		end := len(p.Text)
		rec["facets"] = []any{map[string]any{
			"index":    map[string]any{"byteStart": max(0, end-10), "byteEnd": end},
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#link", "uri": p.Link}},
		}}
	}
	view := map[string]any{
		"uri": p.uri(), "cid": "bafyrei" + p.Rkey, "author": basicJSON(p.Author), "record": rec,
		"replyCount": p.Replies, "repostCount": p.Reposts, "likeCount": p.Likes, "quoteCount": p.Quotes,
		"indexedAt": p.Indexed.Format("2006-01-02T15:04:05.000Z"), "viewer": map[string]any{}, "labels": []any{},
	}
	if p.External != "" {
		rec["embed"] = map[string]any{"$type": "app.bsky.embed.external",
			"external": map[string]any{"uri": p.External, "title": "A page", "description": ""}}
		view["embed"] = map[string]any{"$type": "app.bsky.embed.external#view",
			"external": map[string]any{"uri": p.External, "title": "A page", "description": ""}}
	}
	return view
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
