package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/robfig/cron/v3"
)

// ScheduleStore is what the scheduler needs of the store: reading the
// report tables and recording deliveries.
type ScheduleStore interface {
	Querier
	Insert(ctx context.Context, table string, columns []string, rows [][]any, token string) error
}

// DefaultRetry is how long the scheduler waits before trying a failed
// delivery again.
const DefaultRetry = 15 * time.Minute

// catchUpWindow is how far back the scheduler looks at start for a tick it
// missed while it was down: longer than any month.
const catchUpWindow = 35 * 24 * time.Hour

// Scheduler delivers the previous month's report at every tick of
// Cfg.Schedule in Cfg.Timezone. Deliveries are recorded per channel in
// report_deliveries, so a restart neither sends a month twice nor forgets
// one whose tick it slept through.
type Scheduler struct {
	Store  ScheduleStore
	Cfg    Config
	Brand  string // the brand reported on; Cfg.Brand resolved by the caller
	Gather Options
	Render Renderers
	Retry  time.Duration // default DefaultRetry
	Now    func() time.Time
	Log    *slog.Logger
	// OnTick, when set, hears about every tick Run has handled (for
	// metrics and tests).
	OnTick func(tick time.Time, err error)
}

// ReportMonth is the month a tick reports on: the calendar month before
// the tick's, in the schedule's timezone, as the first instant of that
// month in UTC (the rollups' months).
func ReportMonth(tick time.Time, loc *time.Location) time.Time {
	t := tick.In(loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, -1, 0)
}

// LastTick is the latest tick of sched at or before now, within window;
// zero when there is none.
func LastTick(sched cron.Schedule, now time.Time, loc *time.Location, window time.Duration) time.Time {
	var last time.Time
	t := sched.Next(now.Add(-window).In(loc))
	for i := 0; !t.IsZero() && !t.After(now) && i < 1_000_000; i++ {
		last = t
		t = sched.Next(t)
	}
	return last
}

// Run waits for ticks until ctx ends. At start it delivers the month of the
// latest tick it missed, if that month was not delivered yet.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.Cfg.Schedule == "" {
		return errors.New("report schedule is off: set report.schedule, e.g. \"0 8 1 * *\"")
	}
	sched, err := ParseSchedule(s.Cfg.Schedule)
	if err != nil {
		return fmt.Errorf("report.schedule: %w", err)
	}
	loc, err := s.Cfg.Location()
	if err != nil {
		return fmt.Errorf("report.timezone: %w", err)
	}
	retry := s.Retry
	if retry <= 0 {
		retry = DefaultRetry
	}
	var pending time.Time // a tick whose delivery failed
	if last := LastTick(sched, s.now(), loc, catchUpWindow); !last.IsZero() {
		if err := s.tick(ctx, last); err != nil {
			s.log().Error("report delivery failed; retrying", "err", err, "in", retry)
			pending = last
		}
	}
	for {
		now := s.now()
		next := sched.Next(now.In(loc))
		wake, tick := next, next
		if !pending.IsZero() && now.Add(retry).Before(next) {
			wake, tick = now.Add(retry), pending
		}
		t := time.NewTimer(wake.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if tick.Equal(next) {
			pending = time.Time{} // a new tick supersedes an older failure's retries
		}
		if err := s.tick(ctx, tick); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log().Error("report delivery failed; retrying", "err", err, "in", retry)
			pending = tick
		} else {
			pending = time.Time{}
		}
	}
}

func (s *Scheduler) tick(ctx context.Context, tick time.Time) error {
	err := s.Tick(ctx, tick)
	if s.OnTick != nil {
		s.OnTick(tick, err)
	}
	return err
}

// Tick delivers the month tick reports on to every configured channel that
// has not received it yet, and records each channel that has.
func (s *Scheduler) Tick(ctx context.Context, tick time.Time) error {
	loc, err := s.Cfg.Location()
	if err != nil {
		return err
	}
	month := ReportMonth(tick, loc)
	done, err := s.delivered(ctx, month)
	if err != nil {
		return err
	}
	job := Job{Brand: s.Brand, Month: month, Formats: s.Cfg.Formats, Lang: s.Cfg.Lang,
		Gather: s.Gather, Render: s.Render, Log: s.log()}
	if s.Cfg.OutDir != "" && !slices.Contains(done, ChannelDir) {
		job.OutDir = s.Cfg.OutDir
	}
	if s.Cfg.Email.Enabled() && !slices.Contains(done, ChannelEmail) {
		job.Email = s.Cfg.Email
	}
	if job.OutDir == "" && !job.Email.Enabled() {
		s.log().Debug("report already delivered", "brand", s.Brand, "month", month.Format("2006-01"))
		return nil
	}
	out, runErr := Run(ctx, s.Store, job)
	if out != nil && len(out.Delivered) > 0 {
		rows := make([][]any, len(out.Delivered))
		for i, ch := range out.Delivered {
			files := out.Saved
			if ch == ChannelEmail {
				files = []string{}
			}
			rows[i] = []any{month, s.Brand, ch, s.now().UTC(), files}
		}
		if err := s.Store.Insert(ctx, "report_deliveries", []string{"month", "brand", "channel", "delivered_at", "files"}, rows, ""); err != nil {
			// The report went out but is not recorded: a restart would send
			// it again, which is better than a month never sent.
			return errors.Join(runErr, fmt.Errorf("record report delivery of %s: %w", month.Format("2006-01"), err))
		}
	}
	if runErr != nil {
		return fmt.Errorf("report %s %s: %w", s.Brand, month.Format("2006-01"), runErr)
	}
	return nil
}

// delivered lists the channels that already have brand's month.
func (s *Scheduler) delivered(ctx context.Context, month time.Time) ([]string, error) {
	res, err := s.Store.Query(ctx, fmt.Sprintf(`SELECT channel FROM report_deliveries FINAL
WHERE brand = %s AND month = toDate('%s')`, quote(s.Brand), month.Format(time.DateOnly)))
	if err != nil {
		return nil, fmt.Errorf("read report deliveries: %w", err)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, r[0])
	}
	return out, nil
}

func (s *Scheduler) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
