package bluesky

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

// Without a session, search pages back through time with until (the
// public AppView refuses cursors then) until posts are older than the
// backfill window; authors' follower counts come from getProfiles.
func TestSearchBackfillWithoutSession(t *testing.T) {
	h := newHarness(t)
	h.fake.publicNoCursor = true
	in := postsFrom("a", t0, 250, "love my Acme rocket")
	// Twelve posts share one millisecond across a page boundary: paging
	// with until must neither lose nor repeat them.
	for i := 95; i < 107; i++ {
		in[i].Created, in[i].Indexed = in[95].Created, in[95].Created
	}
	old := postsFrom("o", t0.Add(-49*time.Hour), 5, "acme from long ago")
	h.fake.add(in...)
	h.fake.add(old...)
	h.fake.add(postsFrom("x", t0, 5, "globex only")...)
	rec := ingesttest.NewRecorder(t)
	stop := h.start(h.config(), rec).Stop
	ingesttest.WaitForEnvelopes(t, rec, 250, event.SchemaMention)
	n := len(h.fake.requestsTo("app.bsky.feed.searchPosts"))
	ingesttest.Eventually(t, "more polls", func() bool { return len(h.fake.requestsTo("app.bsky.feed.searchPosts")) > n+3 })
	stop()

	got := ingesttest.Distinct(rec.IDs(event.SchemaMention))
	var want []string
	for _, p := range in {
		want = append(want, mentionID(p))
	}
	slices.Sort(want)
	if len(rec.IDs(event.SchemaMention)) != len(got) || !slices.Equal(got, want) {
		t.Fatalf("published %d (%d distinct), want exactly the %d in the window", len(rec.IDs(event.SchemaMention)), len(got), len(want))
	}
	var untils int
	for _, r := range h.fake.requestsTo("app.bsky.feed.searchPosts") {
		if r.query.Has("cursor") || r.auth != "" {
			t.Errorf("unauthenticated search sent cursor or auth: %v %q", r.query, r.auth)
		}
		if r.query.Get("sort") != "latest" || r.query.Get("limit") != "100" || !r.query.Has("since") {
			t.Errorf("search params %v", r.query)
		}
		if r.query.Has("until") {
			untils++
		}
	}
	if untils < 2 {
		t.Errorf("want paging with until, got %d such requests", untils)
	}
	for _, e := range rec.Envelopes(event.SchemaMention) {
		var m event.Mention
		if err := e.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if m.Author.Followers == 0 || !strings.HasPrefix(m.Author.ID, "did:plc:author") {
			t.Fatalf("author %+v: want the follower count looked up", m.Author)
		}
	}
	if len(h.fake.requestsTo("app.bsky.actor.getProfiles")) != 1 {
		t.Errorf("getProfiles called %d times, want once for 7 authors (cached after)", len(h.fake.requestsTo("app.bsky.actor.getProfiles")))
	}
}

// With identifier and app password, the collector logs in, pages with the
// cursor through the PDS, and refreshes the session when the access token
// expires mid-way.
func TestSearchWithSession(t *testing.T) {
	h := newHarness(t)
	h.fake.requireAuth = true
	h.fake.tokenUses = 2
	in := postsFrom("a", t0, 230, "acme launch")
	h.fake.add(in...)
	cfg := h.login(h.config())
	no := false
	cfg.AuthorFollowers = &no
	rec := ingesttest.NewRecorder(t)
	stop := h.start(cfg, rec).Stop
	ingesttest.WaitForEnvelopes(t, rec, 230, event.SchemaMention)
	stop()
	if ids := rec.IDs(event.SchemaMention); len(ingesttest.Distinct(ids)) != 230 || len(ids) != 230 {
		t.Errorf("published %d (%d distinct), want 230", len(ids), len(ingesttest.Distinct(ids)))
	}
	sessions, refreshes := h.fake.counts()
	if sessions != 1 || refreshes < 1 {
		t.Errorf("sessions %d, refreshes %d: want one login and refreshes after that", sessions, refreshes)
	}
	var cursors int
	for _, r := range h.fake.requestsTo("app.bsky.feed.searchPosts") {
		if !strings.HasPrefix(r.auth, "Bearer acc-") {
			t.Errorf("search without the access token: %q", r.auth)
		}
		if r.query.Has("cursor") {
			cursors++
		}
	}
	if cursors < 2 {
		t.Errorf("want cursor paging, got %d requests with a cursor", cursors)
	}
	if got := h.Errors("bsky-test"); got != 0 {
		t.Errorf("source errors = %v, want 0 (an expired token is routine)", got)
	}
}

// A refused login fails the polls and is counted, without crashing, and
// is not retried at every poll: Bluesky allows few logins a day.
func TestLoginRefused(t *testing.T) {
	h := newHarness(t)
	h.fake.add(postsFrom("a", t0, 3, "acme")...)
	cfg := h.login(h.config())
	cfg.AppPassword = "wrong-password"
	rec := ingesttest.NewRecorder(t)
	stop := h.start(cfg, rec).Stop
	ingesttest.Eventually(t, "two failed polls", func() bool { return h.Errors("bsky-test") >= 2 })
	stop()
	if len(rec.IDs(event.SchemaMention)) != 0 || len(rec.Rejects()) != 0 {
		t.Errorf("published %d, rejected %d: want nothing", len(rec.IDs(event.SchemaMention)), len(rec.Rejects()))
	}
	if n := len(h.fake.requestsTo("com.atproto.server.createSession")); n != 1 {
		t.Errorf("tried to log in %d times, want once within the hold", n)
	}
}

// A post maps to a mention as the brief says.
func TestPostToMention(t *testing.T) {
	h := newHarness(t)
	raw, err := os.ReadFile("testdata/post_reply.json")
	if err != nil {
		t.Fatal(err)
	}
	h.fake.profiles["did:plc:rina4rina4rina4rina4rin"] = fprofile{DID: "did:plc:rina4rina4rina4rina4rin", Handle: "rina.bsky.social", Followers: 1520}
	h.fake.then("app.bsky.feed.searchPosts", ingesttest.Answer(http.StatusOK, `{"hitsTotal":1,"posts":[`+string(raw)+`]}`))
	rec := ingesttest.NewRecorder(t)
	stop := h.start(h.config(), rec).Stop
	ingesttest.Eventually(t, "the mention", func() bool { return len(rec.IDs(event.SchemaMention)) == 1 })
	stop()
	var m event.Mention
	env := rec.Envelopes(event.SchemaMention)[0]
	if err := env.Decode(&m); err != nil {
		t.Fatal(err)
	}
	uri := "at://did:plc:rina4rina4rina4rina4rin/app.bsky.feed.post/3m6xqk2zab22c"
	want := event.Mention{
		Network: "bluesky", NativeID: uri, Kind: event.KindReply,
		URL:      "https://bsky.app/profile/rina.bsky.social/post/3m6xqk2zab22c",
		Author:   event.Author{ID: "did:plc:rina4rina4rina4rina4rin", Handle: "rina.bsky.social", Name: "Rina 🌻", Followers: 1520},
		Text:     "#acme meu pedido não chegou e o suporte não responde acme.example/help…",
		Lang:     "pt",
		ParentID: "at://did:plc:acmeacmeacmeacme/app.bsky.feed.post/3m6xqj7aaaa2c",
		Likes:    4, Shares: 5, Comments: 1,
		CreatedAt: time.Date(2026, 11, 20, 11, 58, 3, 120_000_000, time.UTC),
	}
	if m != want {
		t.Errorf("mention =\n%+v\nwant\n%+v", m, want)
	}
	if env.ID != "bluesky:"+uri || env.Source != "bsky-test" {
		t.Errorf("envelope id %q source %q", env.ID, env.Source)
	}
}

// Failures the fetch client or the collector must absorb.
func TestFailuresAreAbsorbed(t *testing.T) {
	truncated := `{"posts":[{"uri":"at://did:plc:x/app.bsky.feed.post/1","cid":"b","author":{"did":"did:plc:x","han`
	noURI := `{"cid":"b","author":{"did":"did:plc:x","handle":"x.test"},"record":{"text":"acme","createdAt":"2026-11-20T11:00:00Z"},"indexedAt":"2026-11-20T11:00:00Z"}`
	// rejected is the one dead letter of a case: the raw body, under a
	// key naming the request.
	rejected := func(class, body string) []ingesttest.WantReject {
		return []ingesttest.WantReject{{Source: "bsky-test", Class: class, Body: body, Key: "searchPosts"}}
	}
	tests := []struct {
		name        string
		first       func(w http.ResponseWriter)
		wantErrors  float64
		wantRejects []ingesttest.WantReject
	}{
		{name: "429 with Retry-After", first: ingesttest.Answer(http.StatusTooManyRequests, `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`,
			"Retry-After", "1", "RateLimit-Limit", "3000", "RateLimit-Remaining", "0")},
		{name: "500 then success", first: ingesttest.Answer(http.StatusInternalServerError, `{"error":"InternalServerError","message":"Internal Server Error"}`)},
		{name: "malformed body", first: ingesttest.Answer(http.StatusOK, truncated), wantErrors: 1, wantRejects: rejected("malformed", truncated)},
		{name: "post without uri", first: ingesttest.Answer(http.StatusOK, `{"posts":[`+noURI+`]}`), wantRejects: rejected("invalid", noURI)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.add(postsFrom("a", t0, 5, "acme")...)
			h.fake.then("app.bsky.feed.searchPosts", tt.first)
			rec := ingesttest.NewRecorder(t)
			stop := h.start(h.config(), rec).Stop
			ingesttest.WaitForEnvelopes(t, rec, 5, event.SchemaMention)
			stop()
			if n := len(rec.IDs(event.SchemaMention)); n != 5 {
				t.Errorf("published %d mentions, want 5", n)
			}
			if got := h.Errors("bsky-test"); got != tt.wantErrors {
				t.Errorf("source errors = %v, want %v", got, tt.wantErrors)
			}
			ingesttest.CheckRejects(t, rec.Rejects(), tt.wantRejects...)
		})
	}
}

// A restarted source resumes from the checkpoint: new posts are published
// once, a post indexed late (made before the newest post already
// collected) is still found, and nothing is repeated.
func TestRestartResumesFromCheckpoint(t *testing.T) {
	h := newHarness(t)
	first := postsFrom("a", t0, 40, "acme")
	h.fake.add(first...)
	rec1 := ingesttest.NewRecorder(t)
	stop := h.start(h.config(), rec1).Stop
	ingesttest.WaitForEnvelopes(t, rec1, 40, event.SchemaMention)
	// Stopping mid-poll would rightly publish again what the poll had
	// published before its checkpoint: stop once the checkpoint is saved.
	ingesttest.WaitForCheckpoint(t, h.Store, "bsky-test/search:acme")
	stop()

	later := postsFrom("b", t0.Add(3*time.Hour), 130, "acme")
	late := fpost{Rkey: "late1", Author: first[0].Author, Text: "acme, indexed late", Created: t0.Add(-2 * time.Minute), Indexed: t0.Add(3 * time.Hour)}
	h.fake.add(later...)
	h.fake.add(late)
	rec2 := ingesttest.NewRecorder(t)
	stop = h.start(h.config(), rec2).Stop
	ingesttest.WaitForEnvelopes(t, rec2, 131, event.SchemaMention)
	n := len(h.fake.requestsTo("app.bsky.feed.searchPosts"))
	ingesttest.Eventually(t, "more polls", func() bool { return len(h.fake.requestsTo("app.bsky.feed.searchPosts")) > n+3 })
	stop()

	all := append(rec1.IDs(event.SchemaMention), rec2.IDs(event.SchemaMention)...)
	ingesttest.NoDuplicates(t, all)
	for _, p := range append(append(first, later...), late) {
		if !slices.Contains(all, mentionID(p)) {
			t.Errorf("%s never published", p.uri())
		}
	}
	if got := len(rec2.IDs(event.SchemaMention)); got != 131 {
		t.Errorf("second run published %d, want the 131 new", got)
	}
	raw, _, _ := h.Store.Load(t.Context(), "bsky-test/search:acme")
	var c cursorValue
	if err := json.Unmarshal(raw, &c); err != nil || !c.Newest.Equal(later[0].sortAt()) {
		t.Errorf("checkpoint %s, want newest %v", raw, later[0].sortAt())
	}
}

// The own account gives an audience snapshot and metrics for each own
// post in the window: reposts of others are left out, a pinned old post
// does not stop paging, and the campaign comes from the config or the
// first link (facet, else link card).
func TestOwnAccount(t *testing.T) {
	tests := []struct {
		name     string
		campaign string
		want     map[string]string // rkey → campaign
	}{
		{name: "campaign from links", want: map[string]string{"p1": "launch-q4", "p2": "black-friday", "p3": "", "p5": ""}},
		{name: "campaign from config", campaign: "always-on", want: map[string]string{"p1": "always-on", "p2": "always-on", "p3": "always-on", "p5": "always-on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			me := fprofile{DID: "did:plc:acmeacmeacmeacme", Handle: "acme.test", Name: "Acme", Followers: 9876}
			other := fprofile{DID: "did:plc:other", Handle: "other.test"}
			mk := func(rkey string, who fprofile, ago time.Duration) fpost {
				c := t0.Add(-ago)
				return fpost{Rkey: rkey, Author: who, Text: "post " + rkey, Created: c, Indexed: c, Likes: 10, Reposts: 2, Quotes: 1, Replies: 3}
			}
			p1 := mk("p1", me, time.Hour)
			p1.Link = "https://acme.example/r?utm_source=bluesky&utm_campaign=launch-q4"
			p2 := mk("p2", me, 2*time.Hour)
			p2.External = "https://acme.example/sale?utm_campaign=black-friday"
			h.fake.profiles[me.DID] = me
			h.fake.feed = []fitem{
				{post: mk("pinned", me, 90*24*time.Hour), reason: "pin"},
				{post: p1},
				{post: mk("boost", other, 90*time.Minute), reason: "repost"},
				{post: p2},
				{post: mk("p3", me, 3*time.Hour)},
			}
			for i := range 100 {
				h.fake.feed = append(h.fake.feed, fitem{post: mk("filler"+string(rune('a'+i%26))+string(rune('a'+i/26)), other, 4*time.Hour), reason: "repost"})
			}
			h.fake.feed = append(h.fake.feed, fitem{post: mk("p5", me, 29*24*time.Hour)}, fitem{post: mk("p6", me, 31*24*time.Hour)}, fitem{post: mk("p7", me, 32*24*time.Hour)})
			cfg := h.config()
			cfg.Queries = nil
			cfg.Actor = "acme.test"
			cfg.Campaign = tt.campaign
			cfg.Interval = time.Hour
			rec := ingesttest.NewRecorder(t)
			stop := h.start(cfg, rec).Stop
			ingesttest.WaitForEnvelopes(t, rec, 1, event.SchemaAudience)
			stop()
			var a event.AudienceSnapshot
			if err := rec.Envelopes(event.SchemaAudience)[0].Decode(&a); err != nil {
				t.Fatal(err)
			}
			if a.Followers != 9876 || a.Account != "acme.test" || a.Network != "bluesky" || !a.ObservedAt.Equal(t0) {
				t.Errorf("audience = %+v", a)
			}
			got := map[string]string{}
			for _, e := range rec.Envelopes(event.SchemaPostMetrics) {
				var pm event.PostMetrics
				if err := e.Decode(&pm); err != nil {
					t.Fatal(err)
				}
				rkey := pm.PostID[strings.LastIndex(pm.PostID, "/")+1:]
				got[rkey] = pm.Campaign
				if pm.Likes != 10 || pm.Shares != 3 || pm.Comments != 3 || pm.Account != "acme.test" ||
					pm.URL != "https://bsky.app/profile/acme.test/post/"+rkey || !pm.ObservedAt.Equal(t0) {
					t.Errorf("post metrics = %+v", pm)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("metrics for %v, want %v", got, tt.want)
			}
			for k, c := range tt.want {
				if got[k] != c {
					t.Errorf("%s campaign = %q, want %q", k, got[k], c)
				}
			}
			if n := len(h.fake.requestsTo("app.bsky.feed.getAuthorFeed")); n != 2 {
				t.Errorf("getAuthorFeed called %d times, want 2 pages", n)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Name: "b", Queries: []string{"acme"}}
	tests := []struct {
		name string
		edit func(c *Config)
		keys []string
	}{
		{"valid", func(c *Config) {}, nil},
		{"valid with everything", func(c *Config) {
			c.BaseURL, c.PDSURL, c.Identifier, c.AppPassword, c.Actor = "https://api.example", "https://pds.example", "acme.bsky.social", "xxxx-xxxx-xxxx-xxxx", "did:plc:abc123"
		}, nil},
		{"no name", func(c *Config) { c.Name = "" }, []string{"name"}},
		{"bad base url", func(c *Config) { c.BaseURL = "public.api.bsky.app" }, []string{"base_url"}},
		{"bad pds url", func(c *Config) { c.PDSURL = "https://bsky.social/?a=b" }, []string{"pds_url"}},
		{"identifier without password", func(c *Config) { c.Identifier = "acme.bsky.social" }, []string{"app_password"}},
		{"password without identifier", func(c *Config) { c.AppPassword = "x" }, []string{"identifier"}},
		{"identifier with @", func(c *Config) { c.Identifier, c.AppPassword = "@acme.bsky.social", "x" }, []string{"identifier"}},
		{"empty query", func(c *Config) { c.Queries = []string{"acme", ""} }, []string{"queries[1]"}},
		{"bad actor", func(c *Config) { c.Actor = "@acme" }, []string{"actor"}},
		{"actor handle", func(c *Config) { c.Queries = nil; c.Actor = "acme.bsky.social" }, nil},
		{"nothing to collect", func(c *Config) { c.Queries = nil }, []string{"queries"}},
		{"negatives", func(c *Config) { c.Interval, c.RequestsPerMinute, c.Backfill, c.PostsWindow = -1, -1, -1, -1 },
			[]string{"interval", "requests_per_minute", "backfill", "posts_window"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			c.Queries = slices.Clone(ok.Queries)
			tt.edit(&c)
			var keys []string
			for _, p := range c.Validate() {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("problem %s has no fix", p.Key)
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("problems at %v, want %v", keys, tt.keys)
			}
			if _, err := New(c, newHarness(t).Deps()); (err == nil) != (len(tt.keys) == 0) {
				t.Errorf("New error %v, want one exactly when Validate finds problems", err)
			}
		})
	}
}
