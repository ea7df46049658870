package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/alert/notify"
)

// received collects what a webhook channel got.
type received struct {
	mu     sync.Mutex
	alerts []notify.Alert
}

func (r *received) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var a notify.Alert
	if err := json.Unmarshal(body, &a); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.alerts = append(r.alerts, a)
	r.mu.Unlock()
}

func (r *received) states() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.alerts {
		out = append(out, a.State)
	}
	return out
}

// TestSpikeFiresOnceAndResolves feeds a day of steady hourly mentions and
// one spike hour into the real engine, then runs the alerter as a restart
// would: the spike fires once, a second run and a restarted job send
// nothing again, and the quiet hours after it resolve it once.
func TestSpikeFiresOnceAndResolves(t *testing.T) {
	ctx := context.Background()
	for _, tbl := range []string{"mentions", "alerts", "alert_deliveries"} {
		if err := testStore.Exec(ctx, "TRUNCATE TABLE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	spike := start.Add(30 * time.Hour)
	var rows [][]any
	id := 0
	for h := range 36 {
		hour := start.Add(time.Duration(h) * time.Hour)
		n, label, text := 20+h%3, "neutral", "acme store opening hours"
		if hour.Equal(spike) {
			n, label, text = 240, "negative", "acme is down, nothing works #outage"
		}
		for i := range n {
			id++
			rows = append(rows, mention(id, "Acme", label, []string{"x", "reddit"}[i%2], text, uint64(10+i), hour.Add(time.Duration(i)*time.Second)))
		}
	}
	if err := testStore.Insert(ctx, "mentions", mentionCols, rows, ""); err != nil {
		t.Fatal(err)
	}

	got := &received{}
	srv := httptest.NewServer(got)
	defer srv.Close()
	cfg := DefaultConfig()
	cfg.Windows = []time.Duration{time.Hour}
	cfg.Metrics = []string{MetricMentions}
	cfg.Cooldown = 2 * time.Hour
	newJob := func(now time.Time) *Job {
		return &Job{Store: testStore, Brands: []string{"Acme"}, Cfg: cfg,
			Notifiers: []notify.Notifier{&notify.Webhook{URL: srv.URL, Secret: "0123456789abcdef0123"}},
			Now:       func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	}

	afterSpike := spike.Add(time.Hour + time.Minute)
	for run := range 3 { // one run, a second one, and a restarted job
		if err := newJob(afterSpike).Evaluate(ctx, afterSpike); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	if s := got.states(); len(s) != 1 || s[0] != notify.StateFiring {
		t.Fatalf("after the spike: deliveries %v, want exactly one firing", s)
	}
	a := got.alerts[0]
	if a.Brand != "Acme" || a.Observed != 240 || a.Expected < 15 || a.Expected > 30 || a.Sentiment.Negative != 240 {
		t.Errorf("alert = %+v", a)
	}
	if len(a.TopMentions) != 5 || a.TopMentions[0].Reach != 249 || len(a.TopTerms) != 1 || a.TopTerms[0] != "#outage" {
		t.Errorf("alert context: top %+v terms %v", a.TopMentions, a.TopTerms)
	}
	if a.DashboardURL == "" || a.Summary() == "" {
		t.Errorf("alert lacks a dashboard link or summary: %+v", a)
	}

	// Quiet hours after the cooldown resolve it, once.
	quiet := spike.Add(5 * time.Hour)
	var more [][]any
	for h := 1; h <= 5; h++ {
		for i := range 20 {
			id++
			more = append(more, mention(id, "Acme", "neutral", "x", "acme again", 10, spike.Add(time.Duration(h)*time.Hour+time.Duration(i)*time.Second)))
		}
	}
	if err := testStore.Insert(ctx, "mentions", mentionCols, more, ""); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		if err := newJob(quiet).Evaluate(ctx, quiet); err != nil {
			t.Fatalf("quiet run %d: %v", run, err)
		}
	}
	if s := got.states(); fmt.Sprint(s) != fmt.Sprint([]string{notify.StateFiring, notify.StateResolved}) {
		t.Fatalf("deliveries %v, want firing then resolved", s)
	}
}
