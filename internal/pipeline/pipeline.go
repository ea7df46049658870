// Package pipeline wires the stages to the broker, the store and each
// other's topics from a configuration. It is the only place that knows
// every stage; the stages themselves meet only at topics and event types.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/earshot-dev/earshot/alert"
	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/enrich"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/synthetic"
	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/internal/telemetry"
	"github.com/earshot-dev/earshot/report"
	"github.com/earshot-dev/earshot/report/render"
	"github.com/earshot-dev/earshot/rollup"
	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

// Topic suffixes (DESIGN §3); the configured prefix goes in front.
const (
	TopicRawMentions      = "raw.mentions"
	TopicRawMetrics       = "raw.metrics"
	TopicRawBusiness      = "raw.business"
	TopicEnrichedMentions = "enriched.mentions"
	TopicDeadLetter       = "deadletter"
	TopicAlerts           = "alerts"
	TopicCheckpoints      = "checkpoints" // compacted: collectors' cursors
)

// Consumer groups, one per stage, so every stage sees every event.
const (
	GroupEnrich = "earshot-enrich"
	GroupSink   = "earshot-sink"
)

// Needs says which services a command uses.
type Needs struct {
	Broker bool
	Store  bool
}

// Pipeline holds the shared services of one process.
type Pipeline struct {
	Cfg       config.Config
	Log       *slog.Logger
	Metrics   *telemetry.Metrics
	Bus       bus.Config
	Store     store.Store
	Validator *event.Validator
	HTTP      *telemetry.Server

	broker *bus.Broker
	closed bool
}

// Open starts or connects to what needs asks for: the embedded broker
// (under data_dir/kafka) or Kafka, with topics created; the embedded engine
// (under data_dir/clickhouse) or ClickHouse, with migrations applied; and
// the metrics endpoint.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, needs Needs) (_ *Pipeline, err error) {
	reg := telemetry.NewRegistry()
	p := &Pipeline{Cfg: cfg, Log: log, Metrics: telemetry.New(reg)}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if p.Validator, err = event.NewValidator(schema.Events); err != nil {
		return nil, err
	}
	if cfg.HTTP.Listen != "" {
		if p.HTTP, err = telemetry.Listen(ctx, cfg.HTTP.Listen, reg, log); err != nil {
			return nil, err
		}
	}
	if needs.Broker {
		if err := p.openBus(ctx); err != nil {
			return nil, err
		}
	}
	if needs.Store {
		if err := p.openStore(ctx); err != nil {
			return nil, err
		}
	}
	p.HTTP.SetReady(true)
	return p, nil
}

func (p *Pipeline) openBus(ctx context.Context) error {
	cfg := p.Cfg
	p.Bus = bus.Config{Brokers: cfg.Kafka.Brokers, Partitions: cfg.Kafka.Partitions, ReplicationFactor: cfg.Kafka.ReplicationFactor}
	if cfg.Kafka.Embedded() {
		dir := filepath.Join(cfg.DataDir, "kafka")
		b, err := bus.StartEmbedded(ctx, dir, cfg.Kafka.EmbeddedPort, p.Log)
		if err != nil {
			return fmt.Errorf("start embedded broker in %s: %w", dir, err)
		}
		p.broker = b
		p.Bus.Brokers = b.Addrs()
		p.Log.Info("embedded broker started", "addrs", b.Addrs(), "dir", dir)
	}
	var specs []bus.TopicSpec
	for _, t := range []string{TopicRawMentions, TopicRawMetrics, TopicRawBusiness, TopicEnrichedMentions, TopicDeadLetter, TopicAlerts} {
		specs = append(specs, bus.TopicSpec{Name: cfg.Kafka.Topic(t), Partitions: cfg.Kafka.Partitions, ReplicationFactor: cfg.Kafka.ReplicationFactor})
	}
	specs = append(specs, bus.TopicSpec{Name: cfg.Kafka.Topic(TopicCheckpoints), Partitions: 1, ReplicationFactor: cfg.Kafka.ReplicationFactor, Compacted: true})
	if err := bus.EnsureTopics(ctx, p.Bus, specs); err != nil {
		return fmt.Errorf("create topics on %v: %w", p.Bus.Brokers, err)
	}
	return nil
}

func (p *Pipeline) openStore(ctx context.Context) error {
	cfg := p.Cfg
	st, err := store.Open(ctx, StoreConfig(cfg), p.Log)
	if err != nil {
		return err
	}
	p.Store = st
	applied, err := Migrate(ctx, st, cfg, p.Log)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) > 0 {
		p.Log.Info("migrations applied", "versions", applied)
	}
	return nil
}

// StoreConfig is the store the configuration names.
func StoreConfig(cfg config.Config) store.Config {
	return store.Config{
		Addrs: cfg.ClickHouse.Addrs, Database: cfg.ClickHouse.Database,
		Username: cfg.ClickHouse.Username, Password: cfg.ClickHouse.Password,
		DataDir: filepath.Join(cfg.DataDir, "clickhouse"), LibPath: cfg.ClickHouse.LibPath,
		Cluster: cfg.ClickHouse.Cluster,
	}
}

// Migrate applies the schema: single-node, or ON CLUSTER with replicated
// local tables and Distributed tables when clickhouse.cluster is set.
func Migrate(ctx context.Context, st store.Store, cfg config.Config, log *slog.Logger) ([]string, error) {
	var applied []string
	var err error
	if c := cfg.ClickHouse.Cluster; c != "" {
		applied, err = store.MigrateCluster(ctx, st, schema.Migrations, store.Cluster{Name: c, Database: cfg.ClickHouse.Database}, log)
	} else {
		applied, err = store.Migrate(ctx, st, schema.Migrations, log)
	}
	if err != nil {
		return applied, err
	}
	// Retention follows the config at every start (on a cluster: on the
	// local tables, ON CLUSTER).
	if _, err := rollup.ApplyRetention(ctx, st, cfg.Retention, cfg.ClickHouse.Cluster, log); err != nil {
		return applied, err
	}
	return applied, nil
}

// Close stops what Open started.
func (p *Pipeline) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	var errs []error
	if p.Store != nil {
		errs = append(errs, p.Store.Close())
	}
	if p.broker != nil {
		errs = append(errs, p.broker.Close())
	}
	return errors.Join(errs...)
}

// Stage is one long-running part of the pipeline.
type Stage struct {
	Name string
	Run  func(ctx context.Context) error
}

// Run runs stages until ctx ends or one fails; a failure stops the rest.
func Run(ctx context.Context, stages ...Stage) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, s := range stages {
		g.Go(func() error {
			if err := s.Run(ctx); err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func (p *Pipeline) topic(suffix string) string { return p.Cfg.Kafka.Topic(suffix) }

func (p *Pipeline) deadLetters(w *bus.Writer, stage string) *bus.DeadLetters {
	return bus.NewDeadLetters(w, p.topic(TopicDeadLetter), stage, p.Metrics)
}

// Publisher returns a validating publisher onto the raw topics.
func (p *Pipeline) Publisher(stage string) (*ingest.KafkaPublisher, func() error) {
	w := bus.NewWriter(p.Bus, stage, p.Metrics)
	return &ingest.KafkaPublisher{
		W: w, DLQ: p.deadLetters(w, stage), Validator: p.Validator, Metrics: p.Metrics,
		Topics: ingest.Topics{Mentions: p.topic(TopicRawMentions), Metrics: p.topic(TopicRawMetrics), Business: p.topic(TopicRawBusiness)},
	}, w.Close
}

// SyntheticSource builds the synthetic collector from the configuration.
func (p *Pipeline) SyntheticSource(limit int) (*synthetic.Source, error) {
	sc := p.Cfg.Synthetic
	var brands []synthetic.Brand
	for _, b := range p.Cfg.Brands {
		brands = append(brands, synthetic.Brand{Name: b.Name, Own: b.Role == event.RoleOwn, Keywords: b.Keywords})
	}
	return synthetic.New(synthetic.Config{
		Brands: brands, Rate: sc.Rate, Seed: uint64(sc.Seed), Limit: limit,
		SpikeAfter: sc.SpikeAfter, SpikeFor: sc.SpikeFor, SpikeFactor: sc.SpikeFactor,
	})
}

// Collect is the collector stage for the given sources.
func (p *Pipeline) Collect(sources ...ingest.Source) Stage {
	return Stage{Name: "collect", Run: func(ctx context.Context) error {
		pub, closeW := p.Publisher("collect")
		defer closeW()
		g, ctx := errgroup.WithContext(ctx)
		for _, src := range sources {
			g.Go(func() error {
				p.Log.Info("collector started", "source", src.Name())
				if err := src.Run(ctx, pub); err != nil {
					p.Metrics.SourceError(src.Name())
					return fmt.Errorf("source %s: %w", src.Name(), err)
				}
				return nil
			})
		}
		return g.Wait()
	}}
}

// Enrich is the enricher stage.
func (p *Pipeline) Enrich() Stage {
	return Stage{Name: "enrich", Run: func(ctx context.Context) error {
		in := bus.NewReader(p.Bus, bus.ReaderOptions{Group: GroupEnrich, Topics: []string{p.topic(TopicRawMentions)}, Stage: "enrich"}, p.Metrics)
		defer in.Close()
		w := bus.NewWriter(p.Bus, "enrich", p.Metrics)
		defer w.Close()
		en, err := NewEnricher(p.Cfg)
		if err != nil {
			return err
		}
		s := &enrich.Stage{
			In: in, Out: w, DLQ: p.deadLetters(w, "enrich"), Validator: p.Validator,
			Enricher: en, OutTopic: p.topic(TopicEnrichedMentions),
			BatchMax: 2000, Wait: 100 * time.Millisecond, Log: p.Log.With("stage", "enrich"),
		}
		return s.Run(ctx)
	}}
}

// NewEnricher builds the enricher from the configuration.
func NewEnricher(cfg config.Config) (*enrich.Enricher, error) {
	qs := make([]enrich.BrandQuery, 0, len(cfg.Brands))
	for _, b := range cfg.Brands {
		qs = append(qs, enrich.BrandQuery{Name: b.Name, Role: b.Role, Keywords: b.Keywords, Query: b.Query})
	}
	steps, err := cfg.Enrich.Build(qs)
	if err != nil {
		return nil, err
	}
	return &enrich.Enricher{Steps: steps, Now: time.Now}, nil
}

// Sink is the Kafka→ClickHouse stage.
func (p *Pipeline) Sink() Stage {
	return Stage{Name: "sink", Run: func(ctx context.Context) error {
		topics := map[string][]string{
			p.topic(TopicEnrichedMentions): {"mentions"},
			p.topic(TopicRawMetrics):       {"post_metrics", "audience_snapshots"},
			p.topic(TopicRawBusiness):      {"conversions", "ad_spend"},
		}
		var names []string
		for t := range topics {
			names = append(names, t)
		}
		in := bus.NewReader(p.Bus, bus.ReaderOptions{Group: GroupSink, Topics: names, Stage: "sink"}, p.Metrics)
		defer in.Close()
		w := bus.NewWriter(p.Bus, "sink", p.Metrics)
		defer w.Close()
		s := &rollup.Sink{
			In: in, Store: p.Store, DLQ: p.deadLetters(w, "sink"), Validator: p.Validator, Topics: topics,
			BatchMax: p.Cfg.Sink.BatchSize, Wait: p.Cfg.Sink.FlushInterval, Metrics: p.Metrics,
			Log: p.Log.With("stage", "sink"),
		}
		return s.Run(ctx)
	}}
}

// RollupJob returns the rollup job over the store.
func (p *Pipeline) RollupJob() *rollup.Job {
	var owned []string
	for _, b := range p.Cfg.Brands {
		if b.Role == event.RoleOwn {
			owned = append(owned, b.Name)
		}
	}
	r := p.Cfg.Rollup
	return &rollup.Job{Store: p.Store, Interval: r.Interval, Lookback: r.Lookback,
		Owned: owned, MonthlyCost: r.MonthlyCost, Currency: r.Currency,
		Now: time.Now, Log: p.Log.With("stage", "rollup")}
}

// Rollup is the periodic rollup stage.
func (p *Pipeline) Rollup() Stage {
	return Stage{Name: "rollup", Run: p.RollupJob().Run}
}

// EnsureDataDir creates data_dir so the embedded services can use it.
func EnsureDataDir(cfg config.Config) error {
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("data_dir %s: %w", cfg.DataDir, err)
	}
	return nil
}

// AlertJob returns the spike alerter over the store, for every brand.
func (p *Pipeline) AlertJob() (*alert.Job, error) {
	notifiers, err := p.Cfg.Alerts.Notifiers()
	if err != nil {
		return nil, err
	}
	brands := make([]string, len(p.Cfg.Brands))
	for i, b := range p.Cfg.Brands {
		brands[i] = b.Name
	}
	return &alert.Job{Store: p.Store, Brands: brands, Cfg: p.Cfg.Alerts, Notifiers: notifiers,
		Now: time.Now, Log: p.Log.With("stage", "alert")}, nil
}

// Alert is the spike-alert stage.
func (p *Pipeline) Alert() (Stage, error) {
	j, err := p.AlertJob()
	if err != nil {
		return Stage{}, err
	}
	return Stage{Name: "alert", Run: j.Run}, nil
}

// ReportBrand is the brand the monthly report is about: report.brand, or
// else the first own brand.
func (p *Pipeline) ReportBrand() string {
	if p.Cfg.Report.Brand != "" {
		return p.Cfg.Report.Brand
	}
	for _, b := range p.Cfg.Brands {
		if b.Role == event.RoleOwn {
			return b.Name
		}
	}
	return ""
}

// ReportRenderers are the report's formats (report cannot import its own
// renderers: they import it).
func ReportRenderers() report.Renderers {
	return report.Renderers{PDF: render.PDF, HTML: render.HTML, XLSX: render.XLSX, CSV: render.CSV}
}

// Report is the monthly report schedule; with report.schedule empty it
// ends at once and the other stages run on.
func (p *Pipeline) Report() Stage {
	return Stage{Name: "report", Run: func(ctx context.Context) error {
		if p.Cfg.Report.Schedule == "" {
			return nil
		}
		s := &report.Scheduler{Store: p.Store, Cfg: p.Cfg.Report, Brand: p.ReportBrand(),
			Gather: report.Options{Currency: p.Cfg.Rollup.Currency}, Render: ReportRenderers(),
			Log: p.Log.With("stage", "report")}
		return s.Run(ctx)
	}}
}
