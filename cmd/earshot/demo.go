package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/internal/pipeline"
	"github.com/earshot-dev/earshot/store"
)

func (a *app) demoCmd() *cobra.Command {
	var duration time.Duration
	var dataDir string
	var rate float64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on the embedded broker and engine with synthetic data, then print a summary",
		Long: `demo runs the synthetic collector, the enricher, the sink and the rollup job
in one process on the embedded broker and ClickHouse engine. Halfway through,
a mention spike hits the own brand. At the end it waits for every collected
mention to reach ClickHouse, recomputes the rollups and prints a summary per
brand. The data stays in --data-dir: query it with 'earshot sql'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			cfg.Kafka.Brokers, cfg.ClickHouse.Addrs = nil, nil
			if a.configPath == "" {
				// The demo speaks through its progress lines and summary;
				// info logs would bury them.
				cfg.Log.Level = "warn"
			}
			cfg.DataDir = dataDir
			cfg.Synthetic.Enabled = true
			if rate > 0 {
				cfg.Synthetic.Rate = rate
			}
			cfg.Synthetic.SpikeAfter, cfg.Synthetic.SpikeFor = duration/2, duration/6
			cfg.Rollup.Interval = 5 * time.Second
			if errs := cfg.Validate(); len(errs) > 0 {
				return errs
			}
			if err := freshDemoDir(dataDir); err != nil {
				return err
			}
			return a.demo(cmd.Context(), cmd, cfg, duration)
		},
	}
	cmd.Flags().DurationVar(&duration, "duration", time.Minute, "how long the collector runs")
	cmd.Flags().StringVar(&dataDir, "data-dir", "./earshot-demo", "where the embedded broker and engine keep the demo's data")
	cmd.Flags().Float64Var(&rate, "rate", 0, "mentions per second (default: synthetic.rate, 50)")
	return cmd
}

// demoMarker marks a directory as the demo's, so a rerun may wipe it
// without risking a directory the user keeps real data in.
const demoMarker = ".earshot-demo"

// freshDemoDir empties dir when an earlier demo made it; each run starts
// from nothing so its summary counts its own traffic only.
func freshDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("demo data dir: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("--data-dir %s is not empty and was not made by 'earshot demo': pick another directory", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("clear the previous demo in %s: %w", dir, err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo data dir: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, demoMarker), []byte("made by earshot demo; the next demo run empties this directory\n"), 0o644)
}

// countingPublisher counts the mentions the collector handed over, so the
// demo knows when all of them have reached the store.
type countingPublisher struct {
	ingest.Publisher
	mentions atomic.Int64
}

func (c *countingPublisher) Publish(ctx context.Context, envs ...event.Envelope) error {
	if err := c.Publisher.Publish(ctx, envs...); err != nil {
		return err
	}
	for _, e := range envs {
		if e.Schema == event.SchemaMention {
			c.mentions.Add(1)
		}
	}
	return nil
}

func (a *app) demo(ctx context.Context, cmd *cobra.Command, cfg config.Config, duration time.Duration) error {
	p, err := a.open(cmd, cfg, pipeline.Needs{Broker: true, Store: true})
	if err != nil {
		return err
	}
	defer p.Close()
	src, err := p.SyntheticSource(0)
	if err != nil {
		return err
	}
	pub, closePub := p.Publisher("collect")
	defer closePub()
	counted := &countingPublisher{Publisher: pub}

	stagesCtx, stopStages := context.WithCancel(ctx)
	defer stopStages()
	stagesDone := make(chan error, 1)
	go func() { stagesDone <- pipeline.Run(stagesCtx, p.Enrich(), p.Sink(), p.Rollup()) }()

	fmt.Fprintf(a.stderr, "earshot demo: %s of synthetic traffic at %.0f mentions/s (spike ×%.0f after %s), data in %s\n",
		duration, cfg.Synthetic.Rate, cfg.Synthetic.SpikeFactor, cfg.Synthetic.SpikeAfter, cfg.DataDir)
	start := time.Now()
	collectCtx, stopCollect := context.WithTimeout(ctx, duration)
	progressDone := a.progress(collectCtx, p.Store, counted, start)
	err = src.Run(collectCtx, counted)
	stopCollect()
	<-progressDone
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	want := counted.mentions.Load()
	fmt.Fprintf(a.stderr, "collector stopped after %d mentions; waiting for the pipeline to drain…\n", want)
	if err := waitStored(ctx, p.Store, want, stagesDone); err != nil {
		return err
	}
	stopStages()
	if err := <-stagesDone; err != nil {
		return err
	}
	if err := p.RollupJob().Recompute(ctx, start.Add(-time.Hour), time.Now().Add(time.Hour)); err != nil {
		return err
	}
	return a.summary(ctx, p.Store, want, time.Since(start), cfg.DataDir)
}

func (a *app) progress(ctx context.Context, st store.Store, c *countingPublisher, start time.Time) <-chan struct{} {
	done := make(chan struct{})
	tty := false
	if f, ok := a.stderr.(interface{ Fd() uintptr }); ok {
		tty = isatty.IsTerminal(f.Fd())
	}
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if tty {
					fmt.Fprintln(a.stderr)
				}
				return
			case <-t.C:
			}
			stored, err := scalar(ctx, st, "SELECT count() FROM mentions")
			if err != nil {
				continue
			}
			line := fmt.Sprintf("%5.0fs  collected %d mentions, stored %s", time.Since(start).Seconds(), c.mentions.Load(), stored)
			if tty {
				fmt.Fprintf(a.stderr, "\r%s", line)
			} else {
				fmt.Fprintln(a.stderr, line)
			}
		}
	}()
	return done
}

func waitStored(ctx context.Context, st store.Store, want int64, stagesDone <-chan error) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got, err := scalar(ctx, st, "SELECT uniqExact(id) FROM mentions")
		if err != nil {
			return err
		}
		n, _ := strconv.ParseInt(got, 10, 64)
		if n >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d mentions reached the store after 2 minutes: see 'earshot deadletter list' and the log", n, want)
		}
		select {
		case err := <-stagesDone:
			if err == nil {
				err = errors.New("stages stopped early")
			}
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func scalar(ctx context.Context, st store.Store, q string) (string, error) {
	res, err := st.Query(ctx, q)
	if err != nil {
		return "", err
	}
	if len(res.Rows) == 0 || len(res.Rows[0]) == 0 {
		return "", fmt.Errorf("no value from %q", q)
	}
	return res.Rows[0][0], nil
}

// summaryRow is one brand's line of the demo summary.
type summaryRow struct {
	brand, role              string
	mentions, reach, authors int64
	netSentiment             float64
}

func (a *app) summary(ctx context.Context, st store.Store, collected int64, took time.Duration, dataDir string) error {
	res, err := st.Query(ctx, `SELECT h.brand, h.role, h.n, h.reach_sum, u.authors, h.net
FROM
(
    SELECT brand, any(role) AS role, sum(mentions) AS n, sum(potential_reach) AS reach_sum,
           if(sum(mentions) = 0, 0, (toInt64(sum(positive)) - toInt64(sum(negative))) / sum(mentions) * 100) AS net
    FROM mentions_hourly FINAL GROUP BY brand
) AS h
LEFT JOIN
(
    SELECT brand, uniqExact(author_id) AS authors FROM mentions FINAL ARRAY JOIN brands AS brand GROUP BY brand
) AS u USING (brand)
ORDER BY h.n DESC`)
	if err != nil {
		return err
	}
	var rows []summaryRow
	var total int64
	for _, r := range res.Rows {
		m, _ := strconv.ParseInt(r[2], 10, 64)
		reach, _ := strconv.ParseInt(r[3], 10, 64)
		authors, _ := strconv.ParseInt(r[4], 10, 64)
		ns, _ := strconv.ParseFloat(r[5], 64)
		rows = append(rows, summaryRow{r[0], r[1], m, reach, authors, ns})
		total += m
	}
	w := a.stdout
	fmt.Fprintf(w, "\nearshot demo: %d mentions collected and stored in %s\n\n", collected, took.Round(time.Second))
	writeSummary(w, rows, total)
	lat, err := st.Query(ctx, `SELECT round(quantile(0.5)(d)), round(quantile(0.99)(d)), max(d) FROM
       (SELECT dateDiff('millisecond', collected_at, inserted_at) AS d FROM mentions)`)
	if err == nil && len(lat.Rows) == 1 {
		fmt.Fprintf(w, "\ncollection → ClickHouse latency: p50 %s ms, p99 %s ms, max %s ms\n", lat.Rows[0][0], lat.Rows[0][1], lat.Rows[0][2])
	}
	for _, q := range []struct{ label, sql string }{
		{"post metric observations", "SELECT count() FROM post_metrics"},
		{"audience snapshots", "SELECT count() FROM audience_snapshots"},
	} {
		if v, err := scalar(ctx, st, q.sql); err == nil {
			fmt.Fprintf(w, "%s: %s\n", q.label, v)
		}
	}
	fmt.Fprintf(w, "\ndata left in %s; try:\n  %s sql --data-dir %s \"SELECT hour, brand, mentions FROM mentions_hourly FINAL ORDER BY hour, brand\"\n", dataDir, os.Args[0], dataDir)
	return nil
}

func writeSummary(w io.Writer, rows []summaryRow, total int64) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "BRAND\tROLE\tMENTIONS\tPOTENTIAL REACH\tUNIQUE AUTHORS\tSHARE OF VOICE\tNET SENTIMENT\t")
	for _, r := range rows {
		sov := 0.0
		if total > 0 {
			sov = float64(r.mentions) / float64(total) * 100
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.1f%%\t%+.1f\t\n", r.brand, r.role, r.mentions, r.reach, r.authors, sov, r.netSentiment)
	}
	tw.Flush()
}
