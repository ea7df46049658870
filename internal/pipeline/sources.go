package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/appstore"
	"github.com/earshot-dev/earshot/ingest/bluesky"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/ingest/hackernews"
	"github.com/earshot-dev/earshot/ingest/mastodon"
	"github.com/earshot-dev/earshot/ingest/reddit"
	"github.com/earshot-dev/earshot/ingest/rss"
	"github.com/earshot-dev/earshot/ingest/webhook"
	"github.com/earshot-dev/earshot/ingest/youtube"
)

// CollectorDeps opens the checkpoint store and returns what every
// collector is built with; close releases the checkpoint writer.
func (p *Pipeline) CollectorDeps(ctx context.Context) (deps ingest.Deps, close func() error, err error) {
	w := bus.NewWriter(p.Bus, "checkpoint", p.Metrics)
	cp, err := checkpoint.OpenKafka(ctx, p.Bus, w, p.topic(TopicCheckpoints))
	if err != nil {
		w.Close()
		return ingest.Deps{}, nil, err
	}
	src := p.Cfg.Sources
	return ingest.Deps{
		Checkpoints: cp,
		Fetch:       fetch.Options{UserAgent: src.UserAgent, Metrics: p.Metrics, Log: p.Log},
		Backfill:    src.Backfill,
		Metrics:     p.Metrics,
		Log:         p.Log,
		Now:         time.Now,
	}, w.Close, nil
}

// build makes one source per configuration entry.
func build[C any](kind string, list []C, newSource func(C, ingest.Deps) (ingest.Source, error), deps ingest.Deps) ([]ingest.Source, error) {
	var out []ingest.Source
	for i, c := range list {
		s, err := newSource(c, deps)
		if err != nil {
			return nil, fmt.Errorf("sources.%s[%d]: %w", kind, i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Sources builds every configured collector; the synthetic one too when
// it is enabled.
func (p *Pipeline) Sources(deps ingest.Deps) ([]ingest.Source, error) {
	var out []ingest.Source
	var errs []error
	add := func(srcs []ingest.Source, err error) {
		out = append(out, srcs...)
		errs = append(errs, err)
	}
	if p.Cfg.Synthetic.Enabled {
		s, err := p.SyntheticSource(0)
		add([]ingest.Source{s}, err)
	}
	src := p.Cfg.Sources
	var hooks []webhook.Config
	for _, w := range src.Webhook {
		if w.Enabled() {
			hooks = append(hooks, w)
		}
	}
	add(build("rss", src.RSS, rss.New, deps))
	add(build("appstore", src.AppStore, appstore.New, deps))
	add(build("hackernews", src.HackerNews, hackernews.New, deps))
	add(build("mastodon", src.Mastodon, mastodon.New, deps))
	add(build("bluesky", src.Bluesky, bluesky.New, deps))
	add(build("reddit", src.Reddit, reddit.New, deps))
	add(build("youtube", src.YouTube, youtube.New, deps))
	add(build("webhook", hooks, webhook.New, deps))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
