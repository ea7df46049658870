package mastodon

import (
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }

const idBase = 115_000_000_000_000_000

// A first run pages back through the hashtag timeline, following the Link
// header, until statuses are older than the backfill window.
func TestHashtagBackfillPagesToTheWindow(t *testing.T) {
	h := newHarness(t)
	// 100 statuses one minute apart: with a 48h window all are in it, and
	// 100 over pages of 40 means three pages.
	sts := statusesFrom(idBase, t0, 100, "acme")
	old := statusesFrom(idBase-1_000_000, t0.Add(-50*time.Hour), 5, "acme")
	other := statusesFrom(idBase+500, t0, 3, "globex")
	h.fake.add(sts...)
	h.fake.add(old...)
	h.fake.add(other...)
	rec := ingesttest.NewRecorder(t)
	stop := h.start(h.config(), rec).Stop
	ingesttest.WaitForEnvelopes(t, rec, 100, event.SchemaMention)
	stop()

	got := rec.IDs(event.SchemaMention)
	want := make([]string, 0, len(sts))
	for _, s := range sts {
		want = append(want, mentionID(h.fake, s.ID))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("published %d mentions, want exactly the %d in the window (first diff: %v)", len(got), len(want), firstDiff(got, want))
	}
	// The first run paged with max_id taken from the Link header's next.
	var maxIDs int
	for _, u := range h.fake.requestsTo("/api/v1/timelines/tag/acme") {
		if u.Query().Has("max_id") {
			maxIDs++
		}
	}
	if maxIDs < 2 {
		t.Errorf("want at least 2 requests paging back with max_id, got %d", maxIDs)
	}
	// The cursor is the newest status.
	raw, ok, _ := h.Store.Load(t.Context(), "masto-test/tag:acme")
	if !ok || !strings.Contains(string(raw), uitoa(sts[0].ID)) {
		t.Errorf("checkpoint = %s, want newest id %d", raw, sts[0].ID)
	}
}

// A status maps to a mention as the brief says: plain text from HTML,
// reply kind and parent, language, author, counters, URL and id.
func TestStatusToMention(t *testing.T) {
	h := newHarness(t)
	raw, err := os.ReadFile("testdata/status_reply.json")
	if err != nil {
		t.Fatal(err)
	}
	h.fake.then("/api/v1/timelines/tag/acme", ingesttest.Answer(http.StatusOK, "["+string(raw)+"]"))
	rec := ingesttest.NewRecorder(t)
	stop := h.start(h.config(), rec).Stop
	ingesttest.Eventually(t, "the mention", func() bool { return len(rec.IDs(event.SchemaMention)) == 1 })
	stop()
	var m event.Mention
	if err := rec.Envelopes(event.SchemaMention)[0].Decode(&m); err != nil {
		t.Fatal(err)
	}
	want := event.Mention{
		Network: "mastodon", NativeID: h.fake.host() + "/115300000000000001", Kind: event.KindReply,
		URL: "https://mastodon.example/@rina/115300000000000001",
		Author: event.Author{ID: "rina@" + strings.Split(h.fake.host(), ":")[0], Handle: "@rina@" + strings.Split(h.fake.host(), ":")[0],
			Name: "Rina 🌻", Followers: 1520},
		Text:     "@acmehq my order never arrived & support is silent 😡\n\n#acme https://acme.example/help?utm_campaign=care\n\nSecond\nline",
		Lang:     "en",
		ParentID: h.fake.host() + "/115299999999999999",
		Likes:    4, Shares: 2, Comments: 1,
		CreatedAt: time.Date(2026, 11, 20, 11, 58, 3, 120_000_000, time.UTC),
	}
	if m != want {
		t.Errorf("mention =\n%+v\nwant\n%+v", m, want)
	}
	if id := rec.IDs(event.SchemaMention)[0]; id != "mastodon:"+h.fake.host()+"/115300000000000001" {
		t.Errorf("event id %q", id)
	}
}

// Failures the fetch client or the collector must absorb: a 429 with
// Retry-After, a 500, a body that is not JSON (dead-lettered and counted)
// and a status without an id (dead-lettered, the rest published).
func TestFailuresAreAbsorbed(t *testing.T) {
	truncated := `[{"id":"115000000000001000","created_at":"2026-11-20T11:59:00.000Z","content":"<p>cut he`
	// rejected is the one dead letter of a case: the raw body, under a
	// key naming the request.
	rejected := func(class, body string) []ingesttest.WantReject {
		return []ingesttest.WantReject{{Source: "masto-test", Class: class, Body: body, Key: "/api/v1/timelines/tag/acme"}}
	}
	tests := []struct {
		name        string
		first       func(w http.ResponseWriter)
		wantErrors  float64
		wantRejects []ingesttest.WantReject
	}{
		{name: "429 with Retry-After", first: ingesttest.Answer(http.StatusTooManyRequests, `{"error":"Too many requests"}`, "Retry-After", "1")},
		{name: "500 then success", first: ingesttest.Answer(http.StatusInternalServerError, `{"error":"oops"}`)},
		{name: "malformed body", first: ingesttest.Answer(http.StatusOK, truncated), wantErrors: 1, wantRejects: rejected("malformed", truncated)},
		{name: "error object instead of a list", first: ingesttest.Answer(http.StatusOK, `{"error":"This method requires an authenticated user"}`),
			wantErrors: 1, wantRejects: rejected("malformed", `{"error":"This method requires an authenticated user"}`)},
		{name: "status without id", first: ingesttest.Answer(http.StatusOK, `[{"created_at":"2026-11-20T11:59:00.000Z","content":"x","account":{"acct":"a"}}]`),
			wantRejects: rejected("invalid", `{"created_at":"2026-11-20T11:59:00.000Z","content":"x","account":{"acct":"a"}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			sts := statusesFrom(idBase, t0, 5, "acme")
			h.fake.add(sts...)
			h.fake.then("/api/v1/timelines/tag/acme", tt.first)
			rec := ingesttest.NewRecorder(t)
			stop := h.start(h.config(), rec).Stop
			ingesttest.WaitForEnvelopes(t, rec, 5, event.SchemaMention)
			stop()
			if n := len(rec.IDs(event.SchemaMention)); n != 5 {
				t.Errorf("published %d mentions, want 5", n)
			}
			if got := h.Errors("masto-test"); got != tt.wantErrors {
				t.Errorf("source errors = %v, want %v", got, tt.wantErrors)
			}
			ingesttest.CheckRejects(t, rec.Rejects(), tt.wantRejects...)
		})
	}
}

// A restarted source resumes from the checkpoint: it publishes what is
// new, pages forward with min_id, and repeats nothing.
func TestRestartResumesFromCheckpoint(t *testing.T) {
	h := newHarness(t)
	first := statusesFrom(idBase, t0, 50, "acme")
	h.fake.add(first...)
	rec1 := ingesttest.NewRecorder(t)
	stop := h.start(h.config(), rec1).Stop
	ingesttest.WaitForEnvelopes(t, rec1, 50, event.SchemaMention)
	// Stopping mid-poll would rightly publish again what the backfill had
	// published before its checkpoint: stop once the checkpoint is saved.
	ingesttest.WaitForCheckpoint(t, h.Store, "masto-test/tag:acme")
	stop()

	// 85 new statuses while the collector was down: three pages forward.
	later := statusesFrom(idBase+1_000_000, t0.Add(90*time.Minute), 85, "acme")
	h.fake.add(later...)
	before := len(h.fake.requestsTo("/api/v1/timelines/tag/acme"))
	rec2 := ingesttest.NewRecorder(t)
	stop = h.start(h.config(), rec2).Stop
	ingesttest.WaitForEnvelopes(t, rec2, 85, event.SchemaMention)
	// Let it poll again: the next polls must find nothing new.
	ingesttest.Eventually(t, "another poll", func() bool { return len(h.fake.requestsTo("/api/v1/timelines/tag/acme")) > before+5 })
	stop()

	all := append(rec1.IDs(event.SchemaMention), rec2.IDs(event.SchemaMention)...)
	ingesttest.NoDuplicates(t, all)
	for _, s := range append(first, later...) {
		if !slices.Contains(all, mentionID(h.fake, s.ID)) {
			t.Errorf("status %d never published", s.ID)
		}
	}
	if len(rec2.IDs(event.SchemaMention)) != 85 {
		t.Errorf("second run published %d, want the 85 new", len(rec2.IDs(event.SchemaMention)))
	}
	reqs := h.fake.requestsTo("/api/v1/timelines/tag/acme")[before:]
	if got := reqs[0].Query().Get("min_id"); got != uitoa(first[0].ID) {
		t.Errorf("second run's first request min_id = %q, want the checkpointed %d", got, first[0].ID)
	}
}

// Full-text search needs the token, pages back with max_id, and on later
// polls stops at the cursor.
func TestSearch(t *testing.T) {
	h := newHarness(t)
	h.fake.token = "s3cret"
	match := statusesFrom(idBase, t0, 70, "misc")
	for i := range match {
		match[i].HTML = "<p>I love Acme rockets " + uitoa(uint64(i)) + "</p>"
	}
	noise := statusesFrom(idBase+7, t0, 10, "misc")
	h.fake.add(match...)
	h.fake.add(noise...)
	cfg := h.config()
	cfg.Hashtags = nil
	cfg.Queries = []string{"acme rockets"}
	cfg.AccessToken = "s3cret"
	rec := ingesttest.NewRecorder(t)
	stop := h.start(cfg, rec).Stop
	ingesttest.WaitForEnvelopes(t, rec, 70, event.SchemaMention)
	fresh := statusesFrom(idBase+2_000_000, t0.Add(time.Hour), 3, "misc")
	for i := range fresh {
		fresh[i].HTML = "<p>acme rockets again</p>"
	}
	h.fake.add(fresh...)
	ingesttest.WaitForEnvelopes(t, rec, 73, event.SchemaMention)
	n := len(h.fake.requestsTo("/api/v2/search"))
	ingesttest.Eventually(t, "more polls", func() bool { return len(h.fake.requestsTo("/api/v2/search")) > n+3 })
	stop()
	ids := rec.IDs(event.SchemaMention)
	if len(ids) != 73 || len(ingesttest.Distinct(ids)) != 73 {
		t.Errorf("published %d (%d distinct), want 73", len(ids), len(ingesttest.Distinct(ids)))
	}
	var paged bool
	for _, u := range h.fake.requestsTo("/api/v2/search") {
		if u.Query().Get("type") != "statuses" {
			t.Errorf("search without type=statuses: %s", u)
		}
		paged = paged || u.Query().Has("max_id")
	}
	if !paged {
		t.Error("search never paged with max_id")
	}
}

// The own account gives an audience snapshot and metrics for each own
// post in the window; the campaign comes from the config, else from the
// first link's utm_campaign (or the link card's).
func TestOwnAccount(t *testing.T) {
	tests := []struct {
		name     string
		campaign string
		want     map[uint64]string // status id → campaign
	}{
		{name: "campaign from links", want: map[uint64]string{1: "launch-q4", 2: "", 3: "black-friday", 4: "", 5: ""}},
		{name: "campaign from config", campaign: "always-on", want: map[uint64]string{1: "always-on", 2: "always-on", 3: "always-on", 4: "always-on", 5: "always-on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.own = faccount{ID: "77", Acct: "acmehq", Followers: 4321}
			mk := func(n uint64, ago time.Duration, html string) fstatus {
				return fstatus{ID: idBase + n, Created: t0.Add(-ago), Acct: "acmehq", HTML: html, Likes: int(n) * 10, Boosts: int(n), Replies: int(n) + 1}
			}
			sts := []fstatus{
				mk(1, time.Hour, `<p>New rockets! <a href="https://acme.example/r?utm_source=mastodon&amp;utm_campaign=launch-q4" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">acme.example/r</span><span class="invisible">?utm_source=mastodon&amp;utm_campaign=launch-q4</span></a></p>`),
				mk(2, 2*time.Hour, `<p>Thanks <span class="h-card"><a href="https://x.example/@bob" class="u-url mention">@<span>bob</span></a></span> <a href="https://m.example/tags/acme" class="mention hashtag" rel="tag">#<span>acme</span></a></p>`),
				{ID: idBase + 3, Created: t0.Add(-3 * time.Hour), Acct: "acmehq", HTML: "<p>Sale</p>", CardURL: "https://acme.example/sale?utm_campaign=black-friday", Likes: 30, Boosts: 3, Replies: 4},
				mk(4, 24*time.Hour, "<p>plain</p>"),
				mk(5, 29*24*time.Hour, "<p>old but in window</p>"),
				mk(6, 31*24*time.Hour, "<p>outside the window</p>"),
				{ID: idBase + 7, Created: t0.Add(-time.Minute), Acct: "acmehq", Reblog: true},
			}
			// Enough filler between to make the own timeline page.
			for i := range 45 {
				sts = append(sts, fstatus{ID: idBase + 100 + uint64(i), Created: t0.Add(-30*24*time.Hour - time.Duration(i)*time.Minute), Acct: "someoneelse"})
			}
			h.fake.add(sts...)
			cfg := h.config()
			cfg.Hashtags = nil
			cfg.Account = "acmehq"
			cfg.Campaign = tt.campaign
			cfg.Interval = time.Hour
			rec := ingesttest.NewRecorder(t)
			stop := h.start(cfg, rec).Stop
			ingesttest.WaitForEnvelopes(t, rec, 1, event.SchemaAudience)
			stop()
			aud := rec.Envelopes(event.SchemaAudience)
			var a event.AudienceSnapshot
			if err := aud[0].Decode(&a); err != nil {
				t.Fatal(err)
			}
			domain := strings.Split(h.fake.host(), ":")[0]
			if a.Followers != 4321 || a.Account != "acmehq@"+domain || a.Network != "mastodon" || !a.ObservedAt.Equal(t0) {
				t.Errorf("audience = %+v", a)
			}
			got := map[uint64]string{}
			for _, e := range rec.Envelopes(event.SchemaPostMetrics) {
				var pm event.PostMetrics
				if err := e.Decode(&pm); err != nil {
					t.Fatal(err)
				}
				n, _ := strconv.ParseUint(strings.TrimPrefix(pm.PostID, h.fake.host()+"/"), 10, 64)
				got[n-idBase] = pm.Campaign
				if pm.Likes != (n-idBase)*10 && n-idBase != 3 || pm.Account != "acmehq@"+domain || !pm.ObservedAt.Equal(t0) {
					t.Errorf("post metrics = %+v", pm)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("metrics for posts %v, want %v", got, tt.want)
			}
			for id, c := range tt.want {
				if got[id] != c {
					t.Errorf("post %d campaign = %q, want %q", id, got[id], c)
				}
			}
		})
	}
}

// With stream set, a hashtag is followed live: statuses pushed over the
// stream are published, a dropped stream reconnects, and what was posted
// while it was down is filled in by REST; nothing twice, nothing lost.
func TestStreamWithGapFill(t *testing.T) {
	h := newHarness(t)
	initial := statusesFrom(idBase, t0, 3, "acme")
	h.fake.add(initial...)
	cfg := h.config()
	cfg.Stream = true
	cfg.Interval = time.Hour // only the stream and its gap fills collect after the first poll
	rec := ingesttest.NewRecorder(t)
	stop := h.start(cfg, rec).Stop
	ingesttest.WaitForEnvelopes(t, rec, 3, event.SchemaMention)
	ingesttest.Eventually(t, "stream", func() bool { return h.fake.streamsOpened() >= 1 })

	live := fstatus{ID: idBase + 10_000, Created: t0.Add(time.Minute), Tags: []string{"acme"}, Acct: "live"}
	h.fake.add(live)
	h.fake.pushStatus("acme", live)
	ingesttest.Eventually(t, "streamed status", func() bool { return slices.Contains(rec.IDs(event.SchemaMention), mentionID(h.fake, live.ID)) })

	// Posted while the stream is down: only the gap fill can find it.
	gap := fstatus{ID: idBase + 20_000, Created: t0.Add(2 * time.Minute), Tags: []string{"acme"}, Acct: "gap"}
	h.fake.add(gap)
	h.fake.dropStreams()
	ingesttest.Eventually(t, "reconnect", func() bool { return h.fake.streamsOpened() >= 2 })
	ingesttest.Eventually(t, "gap status", func() bool { return slices.Contains(rec.IDs(event.SchemaMention), mentionID(h.fake, gap.ID)) })

	after := fstatus{ID: idBase + 30_000, Created: t0.Add(3 * time.Minute), Tags: []string{"acme"}, Acct: "after"}
	h.fake.add(after)
	h.fake.pushStatus("acme", after)
	h.fake.push("acme", "delete", uitoa(initial[0].ID))
	h.fake.push("acme", "update", `{"id":"broken`)
	ingesttest.Eventually(t, "status after reconnect", func() bool { return slices.Contains(rec.IDs(event.SchemaMention), mentionID(h.fake, after.ID)) })
	ingesttest.Eventually(t, "malformed update rejected", func() bool { return len(rec.Rejects()) == 1 })
	stop()

	ids := rec.IDs(event.SchemaMention)
	if d := ingesttest.Distinct(ids); len(d) != len(ids) || len(ids) != 6 {
		t.Errorf("published %v, want 6 distinct", ids)
	}
	if rj := rec.Rejects()[0]; rj.Class != "malformed" || string(rj.Body) != `{"id":"broken` {
		t.Errorf("reject = %+v", rj)
	}
	raw, _, _ := h.Store.Load(t.Context(), "masto-test/tag:acme")
	if !strings.Contains(string(raw), uitoa(after.ID)) {
		t.Errorf("checkpoint %s, want the newest streamed id %d", raw, after.ID)
	}
	for _, u := range h.fake.requestsTo("/api/v1/streaming/hashtag") {
		if u.Query().Get("tag") != "acme" {
			t.Errorf("stream request %s", u)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Name: "m", Instance: "https://mastodon.social", Hashtags: []string{"#acme", "acme_corp", "café"}}
	tests := []struct {
		name string
		edit func(c *Config)
		keys []string
	}{
		{"valid", func(c *Config) {}, nil},
		{"no name", func(c *Config) { c.Name = "" }, []string{"name"}},
		{"name with spaces", func(c *Config) { c.Name = "my masto" }, []string{"name"}},
		{"no instance", func(c *Config) { c.Instance = "" }, []string{"instance"}},
		{"instance without scheme", func(c *Config) { c.Instance = "mastodon.social" }, []string{"instance"}},
		{"instance with query", func(c *Config) { c.Instance = "https://m.example/?x=1" }, []string{"instance"}},
		{"bad streaming url", func(c *Config) { c.StreamingURL = "wss://streaming.example" }, []string{"streaming_url"}},
		{"bad hashtag", func(c *Config) { c.Hashtags = []string{"acme corp"} }, []string{"hashtags[0]"}},
		{"empty hashtag", func(c *Config) { c.Hashtags = []string{"ok", "#"} }, []string{"hashtags[1]"}},
		{"queries need a token", func(c *Config) { c.Queries = []string{"acme"} }, []string{"access_token"}},
		{"queries with a token", func(c *Config) { c.Queries = []string{"acme"}; c.AccessToken = "t" }, nil},
		{"empty query", func(c *Config) { c.Queries = []string{" "}; c.AccessToken = "t" }, []string{"queries[0]"}},
		{"stream without hashtags", func(c *Config) { c.Hashtags = nil; c.Account = "acme"; c.Stream = true }, []string{"stream"}},
		{"bad account", func(c *Config) { c.Account = "@acme" }, []string{"account"}},
		{"remote account", func(c *Config) { c.Account = "acme@mastodon.social" }, nil},
		{"nothing to collect", func(c *Config) { c.Hashtags = nil }, []string{"hashtags"}},
		{"negative durations", func(c *Config) { c.Interval = -1; c.Backfill = -1; c.PostsWindow = -1 }, []string{"interval", "backfill", "posts_window"}},
		{"negative budget", func(c *Config) { c.RequestsPerMinute = -1 }, []string{"requests_per_minute"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			c.Hashtags = slices.Clone(ok.Hashtags)
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

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " vs " + b[i]
		}
	}
	return "lengths differ"
}
