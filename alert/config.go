package alert

import (
	"fmt"
	"slices"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
	"github.com/earshot-dev/earshot/alert/notify"
	"github.com/earshot-dev/earshot/ingest"
)

// Config is the alerts section of the configuration.
type Config struct {
	Interval     time.Duration          `koanf:"interval"`      // how often the alerter looks (default 1m)
	Windows      []time.Duration        `koanf:"windows"`       // bucket sizes watched (default 5m and 1h)
	Metrics      []string               `koanf:"metrics"`       // mentions, negative, reach
	Sensitivity  string                 `koanf:"sensitivity"`   // low | medium | high
	MinCount     float64                `koanf:"min_count"`     // volume under which nothing pages; 0 = the preset's
	Cooldown     time.Duration          `koanf:"cooldown"`      // quiet time before an alert resolves
	SeasonWeeks  int                    `koanf:"season_weeks"`  // weeks of same-hour-of-week history
	DashboardURL string                 `koanf:"dashboard_url"` // Grafana dashboard linked from alerts
	Channels     []notify.ChannelConfig `koanf:"channels"`      // where alerts go
}

// DefaultConfig watches mentions and negative mentions in 5-minute and
// hourly windows at medium sensitivity.
func DefaultConfig() Config {
	return Config{
		Interval: time.Minute, Windows: []time.Duration{5 * time.Minute, time.Hour},
		Metrics: []string{MetricMentions, MetricNegative}, Sensitivity: detect.Medium,
		Cooldown: detect.DefaultCooldown, SeasonWeeks: detect.DefaultSeasonWeeks,
		DashboardURL: "http://localhost:3000/d/earshot-overview",
	}
}

// Validate reports every setting that cannot work; keys are relative to
// the alerts section.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix}) }
	if c.Interval < 10*time.Second {
		add("interval", c.Interval, "use 10s or more, e.g. 1m")
	}
	if len(c.Windows) == 0 {
		add("windows", "[]", "list the windows to watch, e.g. [5m, 1h]")
	}
	for i, w := range c.Windows {
		if w < time.Minute || w > 24*time.Hour || (24*time.Hour)%w != 0 {
			add(fmt.Sprintf("windows[%d]", i), w, "use a window that divides a day, from 1m to 24h, e.g. 5m or 1h")
		}
	}
	for i, m := range c.Metrics {
		if !slices.Contains([]string{MetricMentions, MetricNegative, MetricReach, MetricShareOfVoice}, m) {
			add(fmt.Sprintf("metrics[%d]", i), m, "use mentions, negative, reach or share_of_voice")
		}
	}
	p := c.params(MetricMentions)
	if _, err := detect.New(p); err != nil {
		add("sensitivity", c.Sensitivity, err.Error())
	}
	ps = append(ps, notify.Config{Channels: c.Channels}.Validate()...)
	return ps
}

// Notifiers builds the configured channels.
func (c Config) Notifiers() ([]notify.Notifier, error) {
	var out []notify.Notifier
	for i, ch := range c.Channels {
		n, err := notify.Build(ch)
		if err != nil {
			return nil, fmt.Errorf("alerts.channels[%d]: %w", i, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func (c Config) params(metric string) detect.Params {
	p := detect.Params{Sensitivity: c.Sensitivity, MinCount: c.MinCount, Cooldown: c.Cooldown, SeasonWeeks: c.SeasonWeeks}
	switch metric {
	case MetricReach:
		// Reach is a sum of followers, not a count: the count-based floor
		// and minimum volume would never let it page.
		p.MinSpread, p.MinCount = 1, 1
	case MetricShareOfVoice:
		// A fraction in [0, 1] that matters when it falls: a drop of a
		// third from a usual share of at least 5%, beyond 3 points of noise.
		p.Direction, p.MinSpread, p.MinCount, p.MinRatio = detect.Down, 0.03, 0.05, 1.5
	}
	return p
}
