package youtube

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

const (
	ownChannel = "UCacmeAcmeAcmeAcmeAcme00"
	rivalChan  = "UCglobexGlobexGlobex0000"
	rival      = "rivalVideo1"
	quiet      = "quietVideo1"
)

// world fills the fake API: three own uploads (one outside the video
// window), comments on them (one older than the backfill), a watched
// rival video whose last two comments share a second, and a watched
// video with comments turned off.
func world(f *fakeYouTube, now time.Time) {
	ago := func(d time.Duration) time.Time { return now.Add(-d).Truncate(time.Second).UTC() }
	day := 24 * time.Hour
	f.channel = fakeChannel{id: ownChannel, uploads: "UUacmeAcmeAcmeAcmeAcme00", subscribers: 12300}
	f.videos = []*fakeVideo{
		{id: "ownVideo001", channel: ownChannel, own: true, title: "Acme rockets 2", published: ago(2 * day), views: 5400, likes: 310,
			description: "New rockets!\nBuy: https://acme.example/rockets?utm_source=youtube&utm_campaign=launch-q4. More soon: https://acme.example/?utm_campaign=other",
			comments: []fakeComment{
				{id: "UgzK1acme", author: "@wile", authorChannel: "UCwile", text: "Acme rockets never work", published: ago(time.Hour), likes: 3, replies: 1},
				{id: "UgzK2acme", author: "@rr", authorChannel: "UCrr", text: "meep meep", published: ago(2 * time.Hour)},
				{id: "UgzK3acme", author: "@marvin", authorChannel: "UCmarvin", text: "Where is the kaboom?", published: ago(3 * time.Hour), likes: 40},
			}},
		{id: "ownVideo002", channel: ownChannel, own: true, title: "Behind the scenes", published: ago(10 * day), views: 800, likes: 12,
			description: "No links here",
			comments:    []fakeComment{{id: "UgzK4acme", author: "@bugs", authorChannel: "UCbugs", text: "nice", published: ago(5 * day)}}},
		{id: "ownVideo003", channel: ownChannel, own: true, title: "Old", published: ago(200 * day), views: 90000,
			comments: []fakeComment{{id: "UgzK5acme", author: "@elmer", authorChannel: "UCelmer", text: "old news", published: ago(30 * day)}}},
		{id: rival, channel: rivalChan, title: "Globex vs Acme", published: ago(3 * day), views: 100,
			comments: []fakeComment{
				{id: "UgzR1rival", author: "@daffy", authorChannel: "UCdaffy", text: "globex wins", published: ago(30 * time.Minute)},
				{id: "UgzR2rival", author: "@taz", authorChannel: "UCtaz", text: "acme wins", published: ago(4 * time.Hour)},
				{id: "UgzR3rival", author: "Porky", text: "tie", published: ago(4 * time.Hour)},
			}},
		{id: quiet, channel: rivalChan, title: "Quiet", published: ago(day)},
	}
	f.disabled[quiet] = true
}

var allMentions = []string{"youtube:UgzK1acme", "youtube:UgzK2acme", "youtube:UgzK3acme", "youtube:UgzK4acme",
	"youtube:UgzR1rival", "youtube:UgzR2rival", "youtube:UgzR3rival"}

func config(f *fakeYouTube) Config {
	return Config{Name: "youtube-test", APIKey: apiKey, ChannelID: ownChannel, Videos: []string{rival, quiet},
		Interval: 20 * time.Millisecond, RequestsPerMinute: 60000, BaseURL: f.base}
}

// split sorts envelopes by kind.
func split(t *testing.T, envs []event.Envelope) (mentions []string, metrics []event.PostMetrics, audience []event.AudienceSnapshot) {
	t.Helper()
	for _, e := range envs {
		switch e.Schema {
		case event.SchemaMention:
			mentions = append(mentions, e.ID)
		case event.SchemaPostMetrics:
			var m event.PostMetrics
			if err := e.Decode(&m); err != nil {
				t.Fatal(err)
			}
			metrics = append(metrics, m)
		case event.SchemaAudience:
			var a event.AudienceSnapshot
			if err := e.Decode(&a); err != nil {
				t.Fatal(err)
			}
			audience = append(audience, a)
		default:
			t.Errorf("%s: unexpected schema %s", e.ID, e.Schema)
		}
	}
	return mentions, metrics, audience
}

func TestCollect(t *testing.T) {
	quota := `{"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.", "errors": [{"message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}`
	badStats := `{"kind": "youtube#videoListResponse", "items": [{"id": "ownVideo001", "statistics": {"viewCount": "12x"}}]}`
	tests := []struct {
		name      string
		world     func(*fakeYouTube)
		config    func(*Config)
		faults    []fault
		errors    float64
		campaigns map[string]string // post id → campaign; nil: no post metrics expected
		followers uint64            // 0: no audience snapshot expected
		check     func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder)
	}{
		{name: "pages to the end", campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}, followers: 12300,
			check: func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if n := f.count("commentThreads"); n < 6 {
					t.Errorf("%d commentThreads requests, want paging (2 per page)", n)
				}
			}},
		{name: "campaign and account from config", config: func(c *Config) { c.Campaign, c.Account = "always-on", "acme" },
			campaigns: map[string]string{"ownVideo001": "always-on", "ownVideo002": "always-on"}, followers: 12300},
		{name: "hidden subscriber count", world: func(f *fakeYouTube) { f.channel.hidden = true },
			campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}},
		{name: "429 with Retry-After", campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}, followers: 12300,
			faults: []fault{{"channels", ingesttest.Answer(429, `{"error": {"code": 429, "message": "Too many requests", "errors": [{"reason": "rateLimitExceeded", "domain": "youtube.quota"}]}}`, "Retry-After", "1")}},
			check: func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if n := h.Requests("youtube-test", "429"); n != 1 {
					t.Errorf("429 answers counted %v, want 1", n)
				}
			}},
		{name: "500 then success", campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}, followers: 12300,
			faults: []fault{{"commentThreads", ingesttest.Answer(500, `{"error": {"code": 500, "message": "Backend Error", "errors": [{"reason": "backendError"}]}}`)}},
			check: func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if n := h.Requests("youtube-test", "500"); n != 1 {
					t.Errorf("500 answers counted %v, want 1", n)
				}
			}},
		{name: "quota exceeded ends the poll", errors: 1, campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}, followers: 12300,
			faults: []fault{{"commentThreads", ingesttest.Answer(403, quota)}},
			check: func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder) {
				log := f.requests()
				i := slices.Index(log, "commentThreads")
				if i < 0 || i+1 >= len(log) || log[i+1] != "channels" {
					t.Errorf("requests %v: after quotaExceeded the next request should start the next poll", log)
				}
				if !strings.Contains(h.Logs.String(), "quota") {
					t.Error("quota exhaustion not logged")
				}
			}},
		{name: "malformed statistics", errors: 1, campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}, followers: 12300,
			faults: []fault{{"videos", ingesttest.Answer(200, badStats)}},
			check: func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder) {
				// The raw videos answer.
				rejects := r.Rejects()
				ingesttest.CheckRejects(t, rejects, ingesttest.WantReject{Source: "youtube-test", Class: "malformed", Body: badStats, Key: "/videos?"})
				for _, rj := range rejects {
					if strings.Contains(rj.Key, apiKey) {
						t.Error("the API key leaked into the dead letter")
					}
				}
			}},
		{name: "malformed comment page", errors: 1, campaigns: map[string]string{"ownVideo001": "launch-q4", "ownVideo002": ""}, followers: 12300,
			faults: []fault{{"commentThreads", ingesttest.Answer(200, `{"items": [{"id": `)}},
			check: func(t *testing.T, f *fakeYouTube, h *ingesttest.Harness, r *ingesttest.Recorder) {
				// The raw comment page.
				ingesttest.CheckRejects(t, r.Rejects(), ingesttest.WantReject{Body: `{"items": [{"id": `})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeYouTube(t)
			world(f, time.Now())
			if tt.world != nil {
				tt.world(f)
			}
			f.inject(tt.faults...)
			h := ingesttest.NewHarness(t)
			cfg := config(f)
			if tt.config != nil {
				tt.config(&cfg)
			}
			rec := ingesttest.NewRecorder(t)
			run := ingesttest.Start(t, ingesttest.Build(t, New, cfg, h.Deps()), rec)
			ingesttest.WaitForIDs(t, rec, allMentions...)
			ingesttest.Eventually(t, "a complete poll", func() bool { return h.PolledOK(cfg.Name) })
			polls := f.count("channels")
			ingesttest.Eventually(t, "one more poll", func() bool { return f.count("channels") > polls+1 })
			run.Stop()

			envs := rec.Envelopes()
			ingesttest.NoDuplicates(t, rec.IDs())
			mentions, metrics, audience := split(t, envs)
			slices.Sort(mentions)
			if want := slices.Sorted(slices.Values(allMentions)); !slices.Equal(mentions, want) {
				t.Errorf("mentions %v\nwant %v", mentions, want)
			}
			got := map[string]string{}
			for _, m := range metrics {
				got[m.PostID] = m.Campaign
				if m.Account != cfg.Account && !(cfg.Account == "" && m.Account == ownChannel) {
					t.Errorf("metrics of %s under account %q", m.PostID, m.Account)
				}
			}
			if len(got) != len(tt.campaigns) {
				t.Errorf("post metrics for %v, want %v", got, tt.campaigns)
			}
			for id, c := range tt.campaigns {
				if g, ok := got[id]; !ok || g != c {
					t.Errorf("campaign of %s = %q (observed %v), want %q", id, g, ok, c)
				}
			}
			if tt.followers == 0 && len(audience) > 0 {
				t.Errorf("audience snapshots %v, want none", audience)
			}
			if tt.followers > 0 && (len(audience) == 0 || audience[0].Followers != tt.followers) {
				t.Errorf("audience snapshots %v, want followers %d", audience, tt.followers)
			}
			if n := h.Errors(cfg.Name); n != tt.errors {
				t.Errorf("source errors = %v, want %v", n, tt.errors)
			}
			if tt.check != nil {
				tt.check(t, f, h, rec)
			}
		})
	}
}

func TestRestartResumes(t *testing.T) {
	f := newFakeYouTube(t)
	now := time.Now()
	world(f, now)
	h := ingesttest.NewHarness(t)
	cfg := config(f)
	first := ingesttest.NewRecorder(t)
	run := ingesttest.Start(t, ingesttest.Build(t, New, cfg, h.Deps()), first)
	ingesttest.WaitForIDs(t, first, allMentions...)
	ingesttest.Eventually(t, "first run's poll", func() bool { return h.PolledOK(cfg.Name) })
	run.Stop()

	f.addComment("ownVideo002", fakeComment{id: "UgzK6acme", author: "@lola", authorChannel: "UClola", text: "more please", published: now.Add(-10 * time.Minute).UTC()})
	f.addComment(rival, fakeComment{id: "UgzR4rival", author: "@taz", authorChannel: "UCtaz", text: "rematch", published: now.Add(-5 * time.Minute).UTC()})

	second := ingesttest.NewRecorder(t)
	run = ingesttest.Start(t, ingesttest.Build(t, New, cfg, h.Deps()), second)
	added := []string{"youtube:UgzK6acme", "youtube:UgzR4rival"}
	ingesttest.WaitForIDs(t, second, added...)
	polls := f.count("channels")
	ingesttest.Eventually(t, "two more polls", func() bool { return f.count("channels") >= polls+2 })
	run.Stop()

	mentions, _, _ := split(t, second.Envelopes())
	slices.Sort(mentions)
	if want := slices.Sorted(slices.Values(added)); !slices.Equal(mentions, want) {
		t.Errorf("second run published mentions %v, want only the new %v", mentions, want)
	}
	ingesttest.NoDuplicates(t, append(first.IDs(), second.IDs()...))
}

func TestMapping(t *testing.T) {
	f := newFakeYouTube(t)
	now := time.Now()
	world(f, now)
	h := ingesttest.NewHarness(t)
	rec := ingesttest.NewRecorder(t)
	run := ingesttest.Start(t, ingesttest.Build(t, New, config(f), h.Deps()), rec)
	ingesttest.WaitForIDs(t, rec, allMentions...)
	ingesttest.Eventually(t, "a complete poll", func() bool { return h.PolledOK("youtube-test") })
	run.Stop()
	envs := rec.Envelopes()
	for _, e := range envs {
		if e.Source != "youtube-test" {
			t.Errorf("%s: source %q", e.ID, e.Source)
		}
		switch {
		case e.ID == "youtube:UgzK1acme":
			var m event.Mention
			if err := e.Decode(&m); err != nil {
				t.Fatal(err)
			}
			want := event.Mention{Network: "youtube", NativeID: "UgzK1acme", Kind: "comment",
				URL: "https://www.youtube.com/watch?v=ownVideo001&lc=UgzK1acme", Author: event.Author{ID: "UCwile", Handle: "@wile"},
				Text: "Acme rockets never work", ParentID: "ownVideo001", Likes: 3, Comments: 1,
				CreatedAt: now.Add(-time.Hour).Truncate(time.Second).UTC()}
			if m != want {
				t.Errorf("comment = %+v\nwant %+v", m, want)
			}
		case e.ID == "youtube:UgzR3rival":
			var m event.Mention
			if err := e.Decode(&m); err != nil {
				t.Fatal(err)
			}
			if m.Author.ID != "Porky" {
				t.Errorf("author without a channel id = %+v, want the display name as id", m.Author)
			}
		case e.Schema == event.SchemaPostMetrics:
			var m event.PostMetrics
			if err := e.Decode(&m); err != nil {
				t.Fatal(err)
			}
			if m.PostID == "ownVideo001" && (m.VideoViews != 5400 || m.Likes != 310 || m.Comments != 3 || m.Impressions != 0 ||
				m.URL != "https://www.youtube.com/watch?v=ownVideo001" || !m.PublishedAt.Equal(now.Add(-48*time.Hour).Truncate(time.Second))) {
				t.Errorf("metrics = %+v", m)
			}
			if !strings.HasPrefix(e.ID, "youtube:"+m.PostID+"@") {
				t.Errorf("metrics id %s does not name the video and observation", e.ID)
			}
		}
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	if _, err := New(Config{Name: "yt"}, ingest.Deps{}); err == nil || !strings.Contains(err.Error(), "api_key") {
		t.Errorf("err = %v, want the missing api_key named", err)
	}
}
