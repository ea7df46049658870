package fileimport

import (
	"context"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
	"sort"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestPresets imports each preset's sample export, written with the
// platform's real headers, and checks the exact events.
func TestPresets(t *testing.T) {
	tests := []struct {
		preset, file string
		kind         Kind
		over         Overrides
		rows, events int
		skipped      int
		check        func(t *testing.T, got []event.Envelope)
	}{
		{"facebook-posts", "facebook_posts.csv", PostMetrics, Overrides{}, 3, 3, 0, func(t *testing.T, got []event.Envelope) {
			pm := postMetrics(t, got, "123456789012345_987654321098765")
			want := event.PostMetrics{Network: "facebook", Account: "123456789012345", PostID: "123456789012345_987654321098765",
				URL: "https://www.facebook.com/123456789012345/posts/987654321098765", Campaign: "winter-kettles",
				PublishedAt: date("2026-11-03T09:15:00Z"), ObservedAt: observed, Impressions: 12480, Reach: 9312,
				Likes: 540, Comments: 48, Shares: 23, Clicks: 1204}
			if pm != want {
				t.Errorf("got  %+v\nwant %+v", pm, want)
			}
			if pm := postMetrics(t, got, "123456789012345_987654321098766"); pm.Impressions != 48102 || pm.Clicks != 3977 || pm.Campaign != "" {
				t.Errorf("reel: %+v", pm)
			}
		}},
		{"instagram-posts", "instagram_posts.csv", PostMetrics, Overrides{}, 2, 2, 0, func(t *testing.T, got []event.Envelope) {
			pm := postMetrics(t, got, "18012345678901235")
			if pm.Network != "instagram" || pm.Account != "acmehq" || pm.Likes != 3318 || pm.Saves != 1006 || pm.VideoViews != 58220 ||
				pm.Reach != 44902 || pm.Shares != 402 || pm.Comments != 141 || !pm.PublishedAt.Equal(date("2026-11-06T08:05:00Z")) {
				t.Errorf("got %+v", pm)
			}
		}},
		{"linkedin-updates", "linkedin_updates.csv", PostMetrics, Overrides{Account: "acme-inc"}, 2, 2, 0, func(t *testing.T, got []event.Envelope) {
			pm := postMetrics(t, got, "urn:li:activity:7392000000000000001")
			if pm.Network != "linkedin" || pm.Account != "acme-inc" || pm.Impressions != 8410 || pm.Clicks != 312 || pm.Likes != 201 ||
				pm.Comments != 17 || pm.Shares != 9 || pm.Campaign != "hiring-q4" || !pm.PublishedAt.Equal(date("2026-11-02T00:00:00Z")) {
				t.Errorf("got %+v", pm)
			}
			pm = postMetrics(t, got, "urn:li:activity:7392000000000000002")
			if pm.Campaign != "Q4 Thought Leadership" || pm.Impressions != 52003 || pm.Clicks != 1877 || pm.Shares != 88 {
				t.Errorf("sponsored: %+v", pm)
			}
		}},
		{"x-tweets", "x_tweet_activity.csv", PostMetrics, Overrides{}, 3, 3, 0, func(t *testing.T, got []event.Envelope) {
			pm := postMetrics(t, got, "1853000000000000003")
			if pm.Network != "x" || pm.Account != "acmehq" || pm.Impressions != 35002 || pm.Likes != 1420 || pm.Shares != 131 ||
				pm.Comments != 58 || pm.VideoViews != 18044 || !pm.PublishedAt.Equal(date("2026-11-06T12:30:00Z")) {
				t.Errorf("got %+v", pm)
			}
			if pm := postMetrics(t, got, "1853000000000000001"); pm.Campaign != "winter-kettles" || pm.Clicks != 96 {
				t.Errorf("first tweet: %+v", pm)
			}
		}},
		{"google-ads", "google_ads_campaigns.csv", AdSpend, Overrides{}, 4, 4, 2, func(t *testing.T, got []event.Envelope) {
			a := adSpend(t, got, "2026-11-01", "Winter Kettles - Search")
			want := event.AdSpend{Date: "2026-11-01", Network: "google", Campaign: "Winter Kettles - Search", Spend: 48.71, Currency: "EUR", Impressions: 3412, Clicks: 188}
			if a != want {
				t.Errorf("got %+v, want %+v", a, want)
			}
			if total := sumSpend(t, got); total != 110.63 {
				t.Errorf("total spend %.2f, want the export's total 110.63", total)
			}
		}},
		{"meta-ads", "meta_ads_spend.csv", AdSpend, Overrides{}, 4, 4, 1, func(t *testing.T, got []event.Envelope) {
			a := adSpend(t, got, "2026-11-02", "Winter Kettles - Traffic")
			want := event.AdSpend{Date: "2026-11-02", Network: "facebook", Campaign: "Winter Kettles - Traffic", Spend: 109.94, Currency: "EUR", Impressions: 28470, Clicks: 388}
			if a != want {
				t.Errorf("got %+v, want %+v", a, want)
			}
			if total := sumSpend(t, got); total != 219.44 {
				t.Errorf("total spend %.2f, want the export's total 219.44", total)
			}
		}},
		{"ga4-conversions", "ga4_conversions.csv", Conversions, Overrides{Currency: "EUR"}, 4, 6, 0, func(t *testing.T, got []event.Envelope) {
			var google []event.Conversion
			total := 0.0
			for _, env := range got {
				var c event.Conversion
				if err := env.Decode(&c); err != nil {
					t.Fatal(err)
				}
				total += c.Value
				if c.Type != "key_event" || c.Currency != "EUR" {
					t.Errorf("got %+v", c)
				}
				if c.UTMSource == "google" {
					google = append(google, c)
				}
				if c.UTMSource == "(direct)" && (c.UTMMedium != "" || c.UTMCampaign != "") {
					t.Errorf("(none)/(not set) kept: %+v", c)
				}
			}
			if len(google) != 2 || google[0].Value != 529 || google[0].UTMMedium != "cpc" || google[0].UTMCampaign != "Winter Kettles - Search" ||
				!google[0].OccurredAt.Equal(date("2026-11-01T00:00:00Z")) {
				t.Errorf("google rows: %+v", google)
			}
			if total < 1207.69 || total > 1207.71 {
				t.Errorf("total value %.2f, want 1207.70", total)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.preset, func(t *testing.T) {
			rec := ingesttest.NewRecorder(t)
			im := newImporter(t, rec)
			rep, err := im.Import(context.Background(), testdata(tc.file), Options{Spec: mustSpec(t, tc.preset, tc.kind, Config{}), Overrides: withObserved(tc.over)})
			if err != nil {
				t.Fatalf("%v\n%v", err, rep.Rejected)
			}
			if rep.Rows != tc.rows || rep.Events != tc.events || rep.Published != tc.events || rep.Skipped != tc.skipped || len(rep.Rejected) != 0 {
				t.Errorf("report %+v, want rows %d, events %d, skipped %d", rep, tc.rows, tc.events, tc.skipped)
			}
			got := rec.Envelopes()
			if len(got) != tc.events {
				t.Fatalf("published %d events, want %d", len(got), tc.events)
			}
			ids := byID(t, rec)
			for id, env := range ids {
				if env.Source != SourceName || env.Schema != tc.kind.Schema() || len(id) < len("import:"+tc.preset+"/") || id[:len("import:"+tc.preset+"/")] != "import:"+tc.preset+"/" {
					t.Errorf("envelope %s: source %s schema %s", id, env.Source, env.Schema)
				}
			}
			tc.check(t, got)
		})
	}
}

func withObserved(o Overrides) Overrides {
	o.ObservedAt = observed
	return o
}

func postMetrics(t *testing.T, envs []event.Envelope, postID string) event.PostMetrics {
	t.Helper()
	for _, env := range envs {
		var pm event.PostMetrics
		if err := env.Decode(&pm); err != nil {
			t.Fatal(err)
		}
		if pm.PostID == postID {
			return pm
		}
	}
	t.Fatalf("no post %s", postID)
	return event.PostMetrics{}
}

func adSpend(t *testing.T, envs []event.Envelope, day, campaign string) event.AdSpend {
	t.Helper()
	for _, env := range envs {
		var a event.AdSpend
		if err := env.Decode(&a); err != nil {
			t.Fatal(err)
		}
		if a.Date == day && a.Campaign == campaign {
			return a
		}
	}
	t.Fatalf("no ad spend for %s on %s", campaign, day)
	return event.AdSpend{}
}

func sumSpend(t *testing.T, envs []event.Envelope) float64 {
	var vals []float64
	for _, env := range envs {
		var a event.AdSpend
		env.Decode(&a)
		vals = append(vals, a.Spend)
	}
	sort.Float64s(vals)
	total := 0.0
	for _, v := range vals {
		total += v
	}
	return float64(int64(total*100+0.5)) / 100
}
