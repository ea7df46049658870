package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/internal/pipeline"
)

func (a *app) runCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run every stage of the configuration in one process",
		Long: `run starts the collectors, the enricher, the sink and the rollup job
together. On the embedded broker and engine this is the way to run earshot
on one machine; against Kafka and ClickHouse it is the simple deployment,
and the single-stage commands scale each part out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			p, err := a.open(cmd, cfg, pipeline.Needs{Broker: true, Store: true})
			if err != nil {
				return err
			}
			defer p.Close()
			alerts, err := p.Alert()
			if err != nil {
				return err
			}
			stages := []pipeline.Stage{p.Enrich(), p.Sink(), p.Rollup(), alerts, p.Report()}
			srcs, closeDeps, err := sources(cmd.Context(), p)
			if err != nil {
				return err
			}
			defer closeDeps()
			if len(srcs) > 0 {
				stages = append(stages, p.Collect(srcs...))
			}
			return pipeline.Run(cmd.Context(), stages...)
		},
	}
}

func (a *app) collectCmd() *cobra.Command {
	return a.stageCmd("collect", "Run the configured collectors", pipeline.Needs{Broker: true},
		func(ctx context.Context, p *pipeline.Pipeline) (pipeline.Stage, func() error, error) {
			srcs, closeDeps, err := sources(ctx, p)
			if err != nil {
				return pipeline.Stage{}, nil, err
			}
			if len(srcs) == 0 {
				closeDeps()
				return pipeline.Stage{}, nil, fmt.Errorf("no collector is configured: add one under sources (see 'earshot init') or set synthetic.enabled: true")
			}
			return p.Collect(srcs...), closeDeps, nil
		})
}

func (a *app) enrichCmd() *cobra.Command {
	return a.withOffline(a.stageCmd("enrich", "Enrich raw mentions: language, sentiment, brand matches", pipeline.Needs{Broker: true},
		func(_ context.Context, p *pipeline.Pipeline) (pipeline.Stage, func() error, error) {
			return p.Enrich(), nil, nil
		}))
}

func (a *app) sinkCmd() *cobra.Command {
	return a.stageCmd("sink", "Write enriched mentions, metrics and business events into ClickHouse", pipeline.Needs{Broker: true, Store: true},
		func(_ context.Context, p *pipeline.Pipeline) (pipeline.Stage, func() error, error) {
			return p.Sink(), nil, nil
		})
}

// stageCmd builds a command that runs one stage alone against Kafka.
// build may return a func to call when the stage has stopped.
func (a *app) stageCmd(name, short string, needs pipeline.Needs, build func(context.Context, *pipeline.Pipeline) (pipeline.Stage, func() error, error)) *cobra.Command {
	return &cobra.Command{
		Use:   name,
		Short: short + " (one stage, for scaling out)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			if cfg.Kafka.Embedded() {
				return errEmbeddedStage
			}
			p, err := a.open(cmd, cfg, needs)
			if err != nil {
				return err
			}
			defer p.Close()
			st, done, err := build(cmd.Context(), p)
			if err != nil {
				return err
			}
			if done != nil {
				defer done()
			}
			return pipeline.Run(cmd.Context(), st)
		},
	}
}

func (a *app) rollupCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "rollup",
		Short: "Recompute rollups: periodically, or once for a window (--from/--to) to backfill",
		Example: `  earshot rollup                                  # recompute recent windows every rollup.interval
  earshot rollup --from 2026-11-01 --to 2026-12-01  # backfill November, then exit`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			if (from == "") != (to == "") {
				return fmt.Errorf("give both --from and --to, or neither")
			}
			p, err := a.open(cmd, cfg, pipeline.Needs{Store: true})
			if err != nil {
				return err
			}
			defer p.Close()
			if from == "" {
				return pipeline.Run(cmd.Context(), p.Rollup())
			}
			f, err := parseTime("--from", from)
			if err != nil {
				return err
			}
			t, err := parseTime("--to", to)
			if err != nil {
				return err
			}
			if !t.After(f) {
				return fmt.Errorf("--to %s must be after --from %s", to, from)
			}
			start := time.Now()
			if err := p.RollupJob().Recompute(cmd.Context(), f, t); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "rollups recomputed for %s .. %s in %s\n", f.Format(time.RFC3339), t.Format(time.RFC3339), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "start of the window (RFC 3339 or YYYY-MM-DD, UTC)")
	cmd.Flags().StringVar(&to, "to", "", "end of the window, exclusive")
	return cmd
}

func parseTime(flag, s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", time.DateTime, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: use RFC 3339 (2026-11-01T00:00:00Z) or a date (2026-11-01)", flag, s)
}

// sources builds the configured collectors with their checkpoint store;
// close releases the store's writer once the collectors stopped.
func sources(ctx context.Context, p *pipeline.Pipeline) ([]ingest.Source, func() error, error) {
	deps, closeDeps, err := p.CollectorDeps(ctx)
	if err != nil {
		return nil, nil, err
	}
	srcs, err := p.Sources(deps)
	if err != nil {
		closeDeps()
		return nil, nil, err
	}
	return srcs, closeDeps, nil
}

func (a *app) open(cmd *cobra.Command, cfg config.Config, needs pipeline.Needs) (*pipeline.Pipeline, error) {
	if err := pipeline.EnsureDataDir(cfg); err != nil {
		return nil, err
	}
	return pipeline.Open(cmd.Context(), cfg, a.logger(cfg), needs)
}
