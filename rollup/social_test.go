package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

var socialTables = []string{"post_metrics", "audience_snapshots", "post_engagement_daily", "audience_daily"}

// post is one post_metrics observation.
type post struct {
	network, postID, campaign string
	observed                  string // "2006-01-02 15:04"
	impressions, reach        uint64
	likes, comments, shares   uint64
	saves, clicks, videoViews uint64
}

func insertPosts(t *testing.T, posts ...post) {
	t.Helper()
	cols := []string{"id", "source", "network", "account", "post_id", "url", "campaign", "published_at", "observed_at",
		"impressions", "reach", "likes", "comments", "shares", "saves", "clicks", "video_views", "kafka_partition", "kafka_offset"}
	published := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][]any, len(posts))
	for i, p := range posts {
		obs := mustTime(t, p.observed)
		rows[i] = []any{fmt.Sprintf("pm:%s:%s:%s", p.network, p.postID, p.observed), "test", p.network, "acme", p.postID,
			"https://example.com/" + p.postID, p.campaign, published, obs, p.impressions, p.reach, p.likes, p.comments,
			p.shares, p.saves, p.clicks, p.videoViews, uint16(0), uint64(i)}
	}
	if err := testStore.Insert(context.Background(), "post_metrics", cols, rows, ""); err != nil {
		t.Fatal(err)
	}
}

// snap is one audience snapshot of account "acme".
type snap struct {
	network   string
	observed  string
	followers uint64
}

func insertSnaps(t *testing.T, snaps ...snap) {
	t.Helper()
	cols := []string{"id", "source", "network", "account", "followers", "observed_at", "kafka_partition", "kafka_offset"}
	rows := make([][]any, len(snaps))
	for i, s := range snaps {
		rows[i] = []any{fmt.Sprintf("au:%s:%s", s.network, s.observed), "test", s.network, "acme", s.followers,
			mustTime(t, s.observed), uint16(0), uint64(i)}
	}
	if err := testStore.Insert(context.Background(), "audience_snapshots", cols, rows, ""); err != nil {
		t.Fatal(err)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// lines runs q and joins each row's values with spaces.
func lines(t *testing.T, q string) []string {
	t.Helper()
	res, err := testStore.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([]string, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = strings.Join(r, " ")
	}
	return out
}

const (
	postQuery = `SELECT day, network, post_id, campaign, impressions, reach, engagement, clicks, video_views, followers,
       round(engagement_rate_reach, 4), round(engagement_rate_impressions, 4), round(engagement_rate_followers, 4)
FROM post_engagement_daily FINAL ORDER BY day, network, post_id`
	audienceQuery = `SELECT day, network, followers, prev_followers, delta, round(growth_pct, 4)
FROM audience_daily FINAL ORDER BY day, network`
)

func assertLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestRecomputeSocial(t *testing.T) {
	truncate(t, socialTables...)
	ctx := context.Background()
	j := &Job{Store: testStore, Log: slog.New(slog.DiscardHandler)}

	insertSnaps(t,
		snap{"facebook", "2026-03-09 23:00", 800}, // the day before the window: day 10's previous day
		snap{"facebook", "2026-03-10 08:00", 950},
		snap{"facebook", "2026-03-10 20:00", 1000}, // last of day 10 wins
		snap{"facebook", "2026-03-11 12:00", 1250},
		snap{"x", "2026-03-10 12:00", 500},
		snap{"x", "2026-03-12 12:00", 520}, // day 11 missing: a gap, not growth
		snap{"instagram", "2026-03-10 12:00", 0},
		snap{"instagram", "2026-03-11 12:00", 200}, // from 0: delta but no %
	)
	insertPosts(t,
		post{"facebook", "F1", "spring", "2026-03-09 22:00", 1, 1, 1, 1, 1, 1, 1, 1}, // before the window
		post{"facebook", "F1", "spring", "2026-03-10 09:00", 1000, 800, 10, 5, 3, 2, 7, 0},
		post{"facebook", "F1", "spring", "2026-03-10 21:00", 2000, 1400, 40, 20, 10, 5, 30, 100},
		post{"facebook", "F1", "spring", "2026-03-11 10:00", 4000, 2000, 60, 25, 15, 6, 40, 150},
		post{"facebook", "F1", "spring", "2026-03-12 10:00", 9000, 9000, 90, 90, 90, 9, 90, 900}, // after the window
		// Instagram: likes + comments only (shares and saves out).
		post{"instagram", "I1", "", "2026-03-10 12:00", 1000, 800, 30, 10, 99, 50, 0, 0},
		// X: reposts+quotes (shares) + likes + replies (comments) + bookmarks (saves).
		post{"x", "X1", "launch", "2026-03-10 12:00", 2000, 0, 20, 5, 10, 5, 3, 0},
		// LinkedIn: likes + shares + comments; no audience snapshot that day.
		post{"linkedin", "L1", "", "2026-03-10 12:00", 500, 400, 8, 10, 2, 100, 1, 0},
		// YouTube: likes + comments.
		post{"youtube", "Y1", "", "2026-03-10 12:00", 0, 1000, 30, 20, 7, 3, 0, 500},
		// Mastodon: favourites (likes) + boosts (shares) + replies (comments).
		post{"mastodon", "M1", "", "2026-03-10 12:00", 0, 200, 5, 2, 3, 9, 0, 0},
		// Any other network: likes + shares + comments.
		post{"tiktok", "T1", "", "2026-03-10 12:00", 100, 60, 1, 3, 2, 4, 0, 40},
	)

	from, to := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	if err := j.recomputeSocial(ctx, from, to); err != nil {
		t.Fatal(err)
	}

	// day network post campaign impressions reach engagement clicks video_views followers rate_reach rate_impr rate_foll
	wantPosts := []string{
		"2026-03-10 facebook F1 spring 2000 1400 70 30 100 1000 5 3.5 7",  // 40+20+10 = 70
		"2026-03-10 instagram I1  1000 800 40 0 0 0 5 4 0",                // 30+10; 0 followers: rate 0
		"2026-03-10 linkedin L1  500 400 20 1 0 0 5 4 0",                  // 8+2+10; no snapshot: followers 0
		"2026-03-10 mastodon M1  0 200 10 0 0 0 5 0 0",                    // 5+3+2
		"2026-03-10 tiktok T1  100 60 6 0 40 0 10 6 0",                    // 1+2+3
		"2026-03-10 x X1 launch 2000 0 40 3 0 500 0 2 8",                  // 10+20+5+5; reach 0: rate 0
		"2026-03-10 youtube Y1  0 1000 50 0 500 0 5 0 0",                  // 30+20
		"2026-03-11 facebook F1 spring 4000 2000 100 40 150 1250 5 2.5 8", // 60+25+15 = 100
	}
	// day network followers prev delta growth%
	wantAudience := []string{
		"2026-03-10 facebook 1000 800 200 25",
		"2026-03-10 instagram 0 \\N \\N \\N", // 03-09 has no instagram snapshot
		"2026-03-10 x 500 \\N \\N \\N",
		"2026-03-11 facebook 1250 1000 250 25",
		"2026-03-11 instagram 200 0 200 \\N", // growth from 0 is undefined
		"2026-03-12 x 520 \\N \\N \\N",       // the day after the window is rebuilt too; 03-11 is a gap
	}
	assertLines(t, "post_engagement_daily", lines(t, postQuery), wantPosts)
	assertLines(t, "audience_daily", lines(t, audienceQuery), wantAudience)

	// Σ ÷ Σ over a period, never an average of the daily rates.
	if got := lines(t, `SELECT round(sum(engagement) / sum(reach) * 100, 4) FROM post_engagement_daily FINAL
WHERE network = 'facebook'`); !slices.Equal(got, []string{"5"}) {
		t.Errorf("facebook period rate by reach = %v, want 5 (170 / 3400)", got)
	}

	t.Run("rerun is identical", func(t *testing.T) {
		if err := j.recomputeSocial(ctx, from, to); err != nil {
			t.Fatal(err)
		}
		assertLines(t, "post_engagement_daily", lines(t, postQuery), wantPosts)
		assertLines(t, "audience_daily", lines(t, audienceQuery), wantAudience)
	})

	t.Run("merged-away observations keep their days", func(t *testing.T) {
		// After a merge post_metrics holds only F1's 03-12 observation; a
		// rerun over 03-10..03-11 must not lose or change F1's rows.
		if err := testStore.Exec(ctx, "OPTIMIZE TABLE post_metrics FINAL"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, "SELECT count() FROM post_metrics WHERE post_id = 'F1'"); n != 1 {
			t.Fatalf("F1 observations after merge = %d, want 1", n)
		}
		if err := j.recomputeSocial(ctx, from, to); err != nil {
			t.Fatal(err)
		}
		assertLines(t, "post_engagement_daily", lines(t, postQuery), wantPosts)
	})

	t.Run("late rows are picked up", func(t *testing.T) {
		insertPosts(t, post{"x", "X1", "launch", "2026-03-10 23:00", 2500, 1600, 70, 10, 15, 5, 9, 0})
		insertSnaps(t, snap{"x", "2026-03-10 23:30", 625}, snap{"facebook", "2026-03-10 23:30", 1125})
		// A one-hour window inside 03-10 rebuilds the whole of 03-10, and
		// audience_daily for 03-11 whose previous day changed.
		lateFrom := time.Date(2026, 3, 10, 5, 0, 0, 0, time.UTC)
		if err := j.recomputeSocial(ctx, lateFrom, lateFrom.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// F1's 03-10 row keeps followers 1000: its 03-10 observations were
		// merged away above, so there is nothing to recompute it from.
		want := slices.Clone(wantPosts)
		want[5] = "2026-03-10 x X1 launch 2500 1600 100 9 0 625 6.25 4 16" // 15+70+10+5 = 100
		assertLines(t, "post_engagement_daily", lines(t, postQuery), want)
		wantA := slices.Clone(wantAudience)
		wantA[0] = "2026-03-10 facebook 1125 800 325 40.625"
		wantA[2] = "2026-03-10 x 625 \\N \\N \\N"
		wantA[3] = "2026-03-11 facebook 1250 1125 125 11.1111"
		assertLines(t, "audience_daily", lines(t, audienceQuery), wantA)
	})
}

func TestRecomputeSocialEmptyWindow(t *testing.T) {
	j := &Job{Store: testStore, Log: slog.New(slog.DiscardHandler)}
	at := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	if err := j.recomputeSocial(context.Background(), at, at); err != nil {
		t.Fatal(err)
	}
}
