package youtube

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

func decodeFixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// The fixtures carry the full resource shapes the API documents.
func TestParseDocumentedShapes(t *testing.T) {
	var threads commentThreadList
	decodeFixture(t, "commentThreads.json", &threads)
	if threads.NextPageToken == "" || len(threads.Items) != 2 {
		t.Fatalf("threads = %+v", threads)
	}
	wantComments := []event.Mention{
		{Network: "youtube", NativeID: "UgxQm3pXn8dKf2vR1Jh4AaABAg", Kind: "comment",
			URL:    "https://www.youtube.com/watch?v=ownVideo001&lc=UgxQm3pXn8dKf2vR1Jh4AaABAg",
			Author: event.Author{ID: "UCw1l3EcOyOtEcOyOtE00000", Handle: "@wile_e"},
			Text:   "The Acme rocket skates are great & fast <3", ParentID: "ownVideo001", Likes: 17, Comments: 4,
			CreatedAt: time.Date(2026, 10, 30, 14, 5, 11, 0, time.UTC)},
		// No textOriginal and no author channel: textDisplay and the name stand in.
		{Network: "youtube", NativeID: "UgyN7rT2kLp0sWq9eXc4AaABAg", Kind: "comment",
			URL:    "https://www.youtube.com/watch?v=ownVideo001&lc=UgyN7rT2kLp0sWq9eXc4AaABAg",
			Author: event.Author{ID: "roadrunner fan", Handle: "roadrunner fan"},
			Text:   "mine broke after a week", ParentID: "ownVideo001",
			CreatedAt: time.Date(2026, 10, 30, 9, 0, 0, 0, time.UTC)},
	}
	for i, want := range wantComments {
		if got := threads.Items[i].mention(); got != want {
			t.Errorf("comment %d = %+v\nwant %+v", i, got, want)
		}
	}

	var chs channelList
	decodeFixture(t, "channels.json", &chs)
	if ch := chs.Items[0]; ch.ContentDetails.RelatedPlaylists.Uploads != "UUacmeAcmeAcmeAcmeAcme00" || ch.Statistics.SubscriberCount != 123000 || ch.Statistics.HiddenSubscriberCount {
		t.Errorf("channel = %+v", ch)
	}

	var pl playlistItemList
	decodeFixture(t, "playlistItems.json", &pl)
	if pl.NextPageToken != "EAAaBlBUOkNBVQ" || pl.Items[0].ContentDetails.VideoID != "ownVideo001" || pl.Items[1].ContentDetails.VideoPublishedAt != "" {
		t.Errorf("playlist items = %+v", pl)
	}

	var vs videoList
	decodeFixture(t, "videos.json", &vs)
	s := &Source{cfg: Config{Account: "acme"}}
	observed := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	wantMetrics := []event.PostMetrics{
		{Network: "youtube", Account: "acme", PostID: "ownVideo001", URL: "https://www.youtube.com/watch?v=ownVideo001",
			Campaign: "launch-q4", PublishedAt: time.Date(2026, 10, 28, 16, 0, 5, 0, time.UTC), ObservedAt: observed,
			Likes: 9120, Comments: 611, VideoViews: 184302},
		// Likes and comments hidden by the owner: absent, hence 0.
		{Network: "youtube", Account: "acme", PostID: "ownVideo002", URL: "https://www.youtube.com/watch?v=ownVideo002",
			PublishedAt: time.Date(2026, 10, 20, 10, 30, 0, 0, time.UTC), ObservedAt: observed, VideoViews: 800},
	}
	for i, want := range wantMetrics {
		if got := s.metricsOf(vs.Items[i], observed); got != want {
			t.Errorf("metrics %d = %+v\nwant %+v", i, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		in   string
		want count
		ok   bool
	}{
		{`"184302"`, 184302, true},
		{`184302`, 184302, true},
		{`"18446744073709551615"`, 18446744073709551615, true},
		{`null`, 0, true},
		{`"12x"`, 0, false},
		{`"-1"`, 0, false},
		{`1.5`, 0, false},
		{`""`, 0, false},
	}
	for _, tt := range tests {
		var c count
		err := json.Unmarshal([]byte(tt.in), &c)
		if (err == nil) != tt.ok || (tt.ok && c != tt.want) {
			t.Errorf("count(%s) = %d, %v; want %d, ok %v", tt.in, c, err, tt.want, tt.ok)
		}
	}
}

func TestAPIErrorReason(t *testing.T) {
	quota := `{"error": {"code": 403, "message": "quota", "errors": [{"message": "quota", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}`
	tests := []struct {
		name   string
		se     fetch.StatusError
		reason string
		quota  bool
	}{
		{"quota", fetch.StatusError{Code: 403, Body: quota}, "quotaExceeded", true},
		{"quota body cut at 1 KiB", fetch.StatusError{Code: 403, Body: quota[:len(quota)-4]}, "quotaExceeded", true},
		{"rate limit", fetch.StatusError{Code: 403, Body: `{"error": {"errors": [{"reason": "rateLimitExceeded"}]}}`}, "rateLimitExceeded", true},
		{"429 without a body", fetch.StatusError{Code: 429}, "", true},
		{"comments disabled", fetch.StatusError{Code: 403, Body: `{"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}}`}, "commentsDisabled", false},
		{"forbidden", fetch.StatusError{Code: 403, Body: `{"error": {"code": 403, "errors": [{"reason": "forbidden"}]}}`}, "forbidden", false},
		{"not JSON", fetch.StatusError{Code: 502, Body: `<html>bad gateway</html>`}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fmt.Errorf("comments of video:x: %w", asAPIError(&tt.se))
			if !hasReason(err, tt.reason) {
				t.Errorf("reason of %v is not %q", err, tt.reason)
			}
			if outOfQuota(err) != tt.quota {
				t.Errorf("outOfQuota(%v) = %v, want %v", err, !tt.quota, tt.quota)
			}
		})
	}
}

func FuzzCount(f *testing.F) {
	for _, s := range []string{`"123"`, `123`, `null`, `"x"`, `"  7 "`, `"\u0031"`, `-0`, `"18446744073709551616"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c count
		if err := c.UnmarshalJSON(b); err != nil {
			return
		}
		// Whatever decoded must survive a round trip as the API's string form.
		var back count
		if err := back.UnmarshalJSON([]byte(fmt.Sprintf("%q", fmt.Sprint(uint64(c))))); err != nil || back != c {
			t.Errorf("%s decoded to %d, which does not round-trip: %v", b, c, err)
		}
	})
}
