package report_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/internal/smtptest"

	"github.com/earshot-dev/earshot/report"
)

func scheduler(t *testing.T, srv *smtptest.Server, out string, now time.Time) *report.Scheduler {
	host, port := srv.HostPort(t)
	cfg := report.DefaultConfig()
	cfg.Schedule, cfg.Timezone, cfg.Formats, cfg.OutDir = "0 8 1 * *", "Asia/Jakarta", []string{report.FormatCSV}, out
	cfg.Email = report.Email{Host: host, Port: port, From: "reports@example.com", To: []string{"boss@example.com"}}
	return &report.Scheduler{Store: report.TestStore, Cfg: cfg, Brand: "Acme", Gather: report.Options{Currency: "USD"},
		Render: renderers(), Now: func() time.Time { return now }}
}

func deliveries(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range sqlRows(t, `SELECT month, brand, channel FROM report_deliveries FINAL ORDER BY month, channel`) {
		out = append(out, r[0]+" "+r[1]+" "+r[2])
	}
	return out
}

// TestSchedulerOncePerMonth: ticks after a restart do not deliver a month
// again to a channel that has it, and a failed channel is retried alone.
func TestSchedulerOncePerMonth(t *testing.T) {
	report.LoadFixture(t)
	jakarta, _ := time.LoadLocation("Asia/Jakarta")
	srv := smtptest.Start(t)
	srv.Refuse("451 try again later")
	out := t.TempDir()
	csvDir := filepath.Join(out, "earshot-acme-2026-10-csv")
	tick := time.Date(2026, 11, 1, 8, 0, 0, 0, jakarta) // 01:00 UTC
	ctx := context.Background()

	// The mail server refuses: the directory gets the report, e-mail does not.
	if err := scheduler(t, srv, out, tick).Tick(ctx, tick); err == nil {
		t.Fatal("a refused e-mail was not an error")
	}
	if _, err := os.Stat(filepath.Join(csvDir, "kpis.csv")); err != nil {
		t.Fatalf("the directory delivery did not happen: %v", err)
	}
	if got := deliveries(t); !slices.Equal(got, []string{"2026-10-01 Acme dir"}) {
		t.Fatalf("deliveries %v", got)
	}

	// Restarted, the server accepting again: only e-mail is retried. The
	// directory is not written again (removing it shows that).
	srv.Refuse("250 OK")
	if err := os.RemoveAll(csvDir); err != nil {
		t.Fatal(err)
	}
	if err := scheduler(t, srv, out, tick).Tick(ctx, tick); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
	if _, err := os.Stat(csvDir); !os.IsNotExist(err) {
		t.Errorf("the directory delivery ran again: %v", err)
	}
	if got := deliveries(t); !slices.Equal(got, []string{"2026-10-01 Acme dir", "2026-10-01 Acme email"}) {
		t.Fatalf("deliveries %v", got)
	}

	// Restarted again, and a later tick of the same month: nothing is sent.
	for _, again := range []time.Time{tick, tick.Add(24 * time.Hour)} {
		if err := scheduler(t, srv, out, again).Tick(ctx, again); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Received()); n != 1 {
		t.Errorf("%d mails after restarts, want 1", n)
	}

	// The next month's tick delivers the next month.
	next := time.Date(2026, 12, 1, 8, 0, 0, 0, jakarta)
	if err := scheduler(t, srv, out, next).Tick(ctx, next); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Received()); n != 2 {
		t.Errorf("%d mails after the December tick, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(out, "earshot-acme-2026-11-csv", "kpis.csv")); err != nil {
		t.Errorf("November's report: %v", err)
	}
}

// TestSchedulerCatchesUp: started after a tick it slept through, the
// scheduler delivers that tick's month, once, and then waits.
func TestSchedulerCatchesUp(t *testing.T) {
	report.LoadFixture(t)
	srv := smtptest.Start(t)
	out := t.TempDir()
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC) // the Nov 1 tick was missed
	for range 2 {                                        // started twice: the second start sends nothing
		ctx, cancel := context.WithCancel(context.Background())
		s := scheduler(t, srv, out, now)
		ticked := make(chan error, 1)
		s.OnTick = func(tick time.Time, err error) {
			if want := time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC); !tick.Equal(want) {
				t.Errorf("caught up tick %v, want %v", tick, want)
			}
			ticked <- err
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		// Run handles the missed tick before it starts waiting for the next.
		if err := <-ticked; err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := deliveries(t); !slices.Equal(got, []string{"2026-10-01 Acme dir", "2026-10-01 Acme email"}) {
		t.Errorf("deliveries %v", got)
	}
	if n := len(srv.Received()); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}
