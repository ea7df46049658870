package erase

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/fixturemonth"
	"github.com/earshot-dev/earshot/internal/testenv"
	"github.com/earshot-dev/earshot/rollup"
	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

var testStore store.Store

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	st, done, err := testenv.Store()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer done()
	testStore = st
	return m.Run()
}

type nopReader struct{}

func (nopReader) FetchBatch(context.Context, int, time.Duration) ([]bus.Message, error) {
	return nil, fmt.Errorf("not used")
}
func (nopReader) Commit(context.Context, []bus.Message) error { return nil }

type failDLQ struct{ t *testing.T }

func (d failDLQ) Send(_ context.Context, fs ...bus.Failure) error {
	for _, f := range fs {
		d.t.Errorf("dead letter: %s: %s", f.Class, f.Reason)
	}
	return nil
}

var tables = []string{"mentions", "post_metrics", "audience_snapshots", "conversions", "ad_spend", "alerts",
	"mentions_hourly", "share_of_voice_daily", "post_engagement_daily", "audience_daily",
	"conversions_daily", "ad_spend_daily", "roi_monthly", "mentions_5m", "mention_terms_daily", "author_reach_monthly", "care_queue"}

// load sends the fixture month through the real sink and rollup job, and
// records an alert whose top mentions show bob and carol.
func load(t *testing.T) *rollup.Job {
	t.Helper()
	ctx := context.Background()
	for _, tbl := range tables {
		if err := testStore.Exec(ctx, "TRUNCATE TABLE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	sink := &rollup.Sink{In: nopReader{}, Store: testStore, DLQ: failDLQ{t}, Validator: v, Log: slog.New(slog.DiscardHandler),
		Topics: map[string][]string{"e": {"mentions"}, "m": {"post_metrics", "audience_snapshots"}, "b": {"conversions", "ad_spend"}}}
	envs, err := fixturemonth.Envelopes()
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]int64{}
	var msgs []bus.Message
	for _, env := range envs {
		topic := map[string]string{event.SchemaEnrichedMention: "e", event.SchemaPostMetrics: "m", event.SchemaAudience: "m"}[env.Schema]
		if topic == "" {
			topic = "b"
		}
		raw, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, bus.Message{Topic: topic, Offset: next[topic], Key: []byte(env.ID), Value: raw})
		next[topic]++
	}
	if err := sink.Process(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	j := &rollup.Job{Store: testStore, Owned: []string{fixturemonth.Own}, MonthlyCost: fixturemonth.MonthlyCost,
		Currency: fixturemonth.Currency, Log: slog.New(slog.DiscardHandler)}
	if err := j.Recompute(ctx, fixturemonth.From, fixturemonth.To); err != nil {
		t.Fatal(err)
	}
	payload := `{"group_key":"g1","top_mentions":[{"network":"x","author":"carol","text":"fixture mention m08","url":"u8","reach":5000},` +
		`{"network":"x","author":"bob","text":"fixture mention m07","url":"u7","reach":200}],"observed":7}`
	row := []any{"g1", "firing", uint32(1), "Acme", "mentions", "1h", time.Date(2026, 10, 3, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 3, 11, 0, 0, 0, time.UTC), 7.0, 2.0, 5.0, "Acme mentions up", payload, time.Date(2026, 10, 3, 11, 0, 0, 0, time.UTC)}
	cols := []string{"group_key", "state", "revision", "brand", "metric", "time_window", "started_at", "ended_at",
		"observed", "expected", "score", "summary", "payload", "updated_at"}
	if err := testStore.Insert(ctx, "alerts", cols, [][]any{row}, ""); err != nil {
		t.Fatal(err)
	}
	return j
}

func rows(t *testing.T, q string) []string {
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

func assertRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

const (
	hourlyQ = `SELECT hour, brand, network, mentions, unique_authors, potential_reach, unique_reach, engagement, positive, neutral, negative
FROM mentions_hourly FINAL WHERE hour IN ('2026-09-29 11:00:00', '2026-10-03 10:00:00', '2026-10-03 12:00:00', '2026-10-31 23:00:00')
ORDER BY hour, brand, network`
	sovQ = `SELECT day, brand, network, mentions, reach, engagement, total_mentions, round(sov_mentions, 6)
FROM share_of_voice_daily FINAL WHERE day IN ('2026-09-29', '2026-10-03', '2026-10-31') AND network IN ('all', 'x')
ORDER BY day, network, brand`
	viewQ = `SELECT toDate(bucket) AS d, brand, countMerge(mentions), uniqMerge(authors), sumMerge(reach)
FROM mentions_5m WHERE d IN ('2026-09-29', '2026-10-03', '2026-10-31') GROUP BY d, brand ORDER BY d, brand`
)

func TestEraseHandle(t *testing.T) {
	ctx := context.Background()
	j := load(t)
	e := &Eraser{Store: testStore, Rollups: j, Log: slog.New(slog.DiscardHandler)}
	hourlyBefore, sovBefore := rows(t, hourlyQ), rows(t, sovQ)

	// bob (a2) wrote m02 (09-29 11h), m07 (10-03 10h), m12 (10-03 12h) and m18 (10-31 23h).
	wantWindows := [][2]time.Time{
		{time.Date(2026, 9, 29, 11, 0, 0, 0, time.UTC), time.Date(2026, 9, 29, 12, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 3, 10, 0, 0, 0, time.UTC), time.Date(2026, 10, 3, 11, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 3, 12, 0, 0, 0, time.UTC), time.Date(2026, 10, 3, 13, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
	}

	t.Run("dry run counts and changes nothing", func(t *testing.T) {
		r, err := e.Erase(ctx, Subject{Handle: "@Bob"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Windows, wantWindows) || !slices.Equal(r.AuthorIDs, []string{"a2"}) || !slices.Equal(r.Handles, []string{"bob"}) {
			t.Errorf("windows %v, ids %v, handles %v", r.Windows, r.AuthorIDs, r.Handles)
		}
		// author_reach_monthly: September Globex/x (m02), October Acme/x (m07 m18), October Globex/x (m12).
		if want := []Count{{"mentions", "rows written by the person", 4, 4}, {"alerts", "alert versions showing their mentions", 1, 1},
			{"author_reach_monthly", "unique-reach rows of the person", 3, 3}, {"care_queue", "care-queue copies of their mentions", 0, 0}}; !slices.Equal(r.Counts, want) {
			t.Errorf("counts %v, want %v", r.Counts, want)
		}
		if r.Mentioning != 1 { // m08 names @bob
			t.Errorf("mentioning = %d, want 1", r.Mentioning)
		}
		assertRows(t, "mentions_hourly", rows(t, hourlyQ), hourlyBefore)
		assertRows(t, "share_of_voice_daily", rows(t, sovQ), sovBefore)
	})

	t.Run("erase", func(t *testing.T) {
		r, err := e.Erase(ctx, Subject{Handle: "bob"}, false)
		if err != nil {
			t.Fatal(err)
		}
		// Rollup rows in the windows: hours 09-29 11h (Globex), 10-03 10h (Acme, Globex), 10-03 12h
		// (Globex), 10-31 23h (Acme, Initech) = 6, of which 4 remain; share of voice on 09-29 (4 rows),
		// 10-03 (7) and 10-31 (4) = 15, of which 2 + 7 + 2 remain.
		want := []Count{
			{"mentions", "rows written by the person", 4, 0},
			{"alerts", "alert versions showing their mentions", 1, 0},
			{"author_reach_monthly", "unique-reach rows of the person", 3, 0},
			{"care_queue", "care-queue copies of their mentions", 0, 0},
			{"mentions_hourly", "rows of the affected windows, recomputed", 6, 4},
			{"share_of_voice_daily", "rows of the affected windows, recomputed", 15, 11},
		}
		if !slices.Equal(r.Counts, want) {
			t.Errorf("counts\n%v\nwant\n%v", r.Counts, want)
		}
		if n := rows(t, "SELECT count() FROM mentions WHERE author_id = 'a2' OR author_handle = 'bob'"); n[0] != "0" {
			t.Errorf("bob's mentions left: %s", n[0])
		}
		// Everyone else's unique-reach rows stay: one per month, brand, network and author of their mentions.
		assertRows(t, "author_reach_monthly", rows(t, "SELECT count() FROM author_reach_monthly FINAL"), rows(t,
			"SELECT count() FROM (SELECT DISTINCT toStartOfMonth(created_at), brand, network, author_id FROM mentions FINAL ARRAY JOIN brands AS brand)"))
		// Hand-computed without m02 m07 m12 m18.
		assertRows(t, "mentions_hourly", rows(t, hourlyQ), []string{
			"2026-10-03 10:00:00 Acme x 3 2 7000 6000 25 2 1 0", // m05 m06 m08
			"2026-10-03 10:00:00 Globex x 1 1 5000 5000 5 0 1 0",
			"2026-10-03 12:00:00 Globex x 1 1 10000 10000 30 1 0 0", // m11
			"2026-10-31 23:00:00 Initech mastodon 1 1 300 300 3 1 0 0",
		})
		assertRows(t, "share_of_voice_daily", rows(t, sovQ), []string{
			"2026-09-29 Acme all 1 1000 3 1 1",
			"2026-09-29 Acme x 1 1000 3 1 1",
			"2026-10-03 Acme all 5 7350 29 8 0.625", // 5 / (5 + 2 + 1)
			"2026-10-03 Globex all 2 15000 35 8 0.25",
			"2026-10-03 Initech all 1 300 3 8 0.125",
			"2026-10-03 Acme x 3 7000 25 5 0.6",
			"2026-10-03 Globex x 2 15000 35 5 0.4",
			"2026-10-31 Initech all 1 300 3 1 1",
		})
		// The views, rebuilt from mentions FINAL: m05 once now, bob gone.
		assertRows(t, "mentions_5m", rows(t, viewQ), []string{
			"2026-09-29 Acme 1 1 1000",
			"2026-10-03 Acme 5 4 7350",
			"2026-10-03 Globex 2 2 15000",
			"2026-10-03 Initech 1 1 300",
			"2026-10-31 Initech 1 1 300",
		})
		payload := rows(t, "SELECT payload FROM alerts")
		if len(payload) != 1 || strings.Contains(payload[0], "bob") || strings.Contains(payload[0], "m07") || !strings.Contains(payload[0], "carol") {
			t.Errorf("alert payload after erasure: %v", payload)
		}
		// Nobody else's rollups moved: 10-10 is as before.
		assertRows(t, "10-10", rows(t, "SELECT count(), sum(mentions) FROM mentions_hourly FINAL WHERE toDate(hour) = '2026-10-10'"), []string{"3 4"})
	})

	t.Run("again finds nothing", func(t *testing.T) {
		r, err := e.Erase(ctx, Subject{AuthorID: "a2"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Windows) != 0 || r.Counts[0].Before != 0 {
			t.Errorf("second erasure found %v windows, %v", r.Windows, r.Counts)
		}
	})
}

func TestEraseByAuthorID(t *testing.T) {
	ctx := context.Background()
	j := load(t)
	e := &Eraser{Store: testStore, Rollups: j, Log: slog.New(slog.DiscardHandler)}
	// frank (a6): m11 (10-03 12h), m14 m15 (10-10 09h).
	r, err := e.Erase(ctx, Subject{AuthorID: "a6"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Handles, []string{"frank"}) || len(r.Windows) != 2 || r.Counts[0] != (Count{"mentions", "rows written by the person", 3, 0}) {
		t.Errorf("report %+v", r)
	}
	assertRows(t, "10-10 Acme", rows(t, "SELECT count() FROM mentions_hourly FINAL WHERE toDate(hour) = '2026-10-10' AND brand = 'Acme'"), []string{"0"})
	assertRows(t, "10-10 share of voice", rows(t, `SELECT brand, total_mentions, sov_mentions FROM share_of_voice_daily FINAL
WHERE day = '2026-10-10' AND network = 'all' ORDER BY brand`), []string{"Globex 2 0.5", "Initech 2 0.5"})
}

// A person's complaints are copied to care_queue (the care dashboard's
// table): erasing them deletes the copies too, and nobody else's.
func TestEraseCareQueue(t *testing.T) {
	ctx := context.Background()
	j := load(t)
	e := &Eraser{Store: testStore, Rollups: j, Log: slog.New(slog.DiscardHandler)}
	if err := testStore.Exec(ctx, `INSERT INTO mentions (id, source, network, author_id, author_handle, text, brands, brand_roles,
  created_at, collected_at, enriched_at, intent, needs_response)
VALUES ('x:c1', 'x', 'x', 'a6', 'frank', 'still broken', ['Acme'], ['own'], '2026-10-10 09:30:00', '2026-10-10 09:30:00', '2026-10-10 09:30:00', 'complaint', 1),
       ('x:c2', 'x', 'x', 'a9', 'ivy', 'why?', ['Acme'], ['own'], '2026-10-10 09:40:00', '2026-10-10 09:40:00', '2026-10-10 09:40:00', 'question', 1)`); err != nil {
		t.Fatal(err)
	}
	r, err := e.Erase(ctx, Subject{AuthorID: "a6"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(r.Counts, func(c Count) bool { return c.Table == "care_queue" }); i < 0 || r.Counts[i].Before != 1 || r.Counts[i].After != 0 {
		t.Errorf("care_queue count in %v, want 1 before, 0 after", r.Counts)
	}
	// (x:m05 is there too, as every later version of an item is; it needs no response.)
	assertRows(t, "care queue left", rows(t, "SELECT id FROM care_queue FINAL WHERE needs_response = 1 ORDER BY id"), []string{"x:c2"})
}

func TestSubject(t *testing.T) {
	tests := []struct {
		s       Subject
		where   string
		wantErr string
	}{
		{Subject{AuthorID: " 42 "}, "author_id = '42'", ""},
		{Subject{Handle: "@Bob"}, "lowerUTF8(author_handle) IN ('bob', '@bob')", ""},
		{Subject{Handle: "o'neil"}, `lowerUTF8(author_handle) IN ('o\'neil', '@o\'neil')`, ""},
		{Subject{}, "", "name the person"},
		{Subject{Handle: " @ "}, "", "name the person"},
		{Subject{AuthorID: "1", Handle: "b"}, "", "not both"},
	}
	for _, tt := range tests {
		s, err := tt.s.normalized()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%+v: error %v, want %q", tt.s, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", tt.s, err)
			continue
		}
		if got := s.where(); got != tt.where {
			t.Errorf("%+v: where %s, want %s", tt.s, got, tt.where)
		}
	}
}

func TestInWindows(t *testing.T) {
	h := func(d, hh int) time.Time { return time.Date(2026, 10, d, hh, 0, 0, 0, time.UTC) }
	ws := [][2]time.Time{{h(3, 10), h(3, 12)}, {h(31, 23), h(32, 0)}}
	if got, want := inWindows("hour", "hour", ws), "(hour >= toDateTime('2026-10-03 10:00:00', 'UTC') AND hour < toDateTime('2026-10-03 12:00:00', 'UTC')) OR "+
		"(hour >= toDateTime('2026-10-31 23:00:00', 'UTC') AND hour < toDateTime('2026-11-01 00:00:00', 'UTC'))"; got != want {
		t.Errorf("hours:\n%s\nwant\n%s", got, want)
	}
	if got, want := inWindows("day", "day", ws), "(day >= toDateTime('2026-10-03 00:00:00', 'UTC') AND day < toDateTime('2026-10-04 00:00:00', 'UTC')) OR "+
		"(day >= toDateTime('2026-10-31 00:00:00', 'UTC') AND day < toDateTime('2026-11-01 00:00:00', 'UTC'))"; got != want {
		t.Errorf("days:\n%s\nwant\n%s", got, want)
	}
	if got := inWindows("day", "day", nil); got != "0" {
		t.Errorf("no windows: %s", got)
	}
}

func TestDays(t *testing.T) {
	h := func(d, hh int) time.Time { return time.Date(2026, 10, d, hh, 0, 0, 0, time.UTC) }
	d := func(day int) time.Time { return time.Date(2026, 10, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in, want [][2]time.Time
	}{
		{nil, nil},
		{[][2]time.Time{{h(3, 10), h(3, 11)}}, [][2]time.Time{{d(3), d(4)}}},
		// Two hours of one day, then the next day's last hour: one range.
		{[][2]time.Time{{h(3, 1), h(3, 2)}, {h(3, 5), h(3, 7)}, {h(4, 23), h(5, 0)}}, [][2]time.Time{{d(3), d(5)}}},
		// A gap day splits.
		{[][2]time.Time{{h(3, 1), h(3, 2)}, {h(5, 0), h(5, 1)}}, [][2]time.Time{{d(3), d(4)}, {d(5), d(6)}}},
	}
	for _, tt := range tests {
		if got := days(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("days(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
