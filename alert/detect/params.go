package detect

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Direction says which departures from the baseline count.
type Direction string

const (
	// Up looks for spikes: more than expected.
	Up Direction = "up"
	// Down looks for drops: less than expected (share of voice falling).
	Down Direction = "down"
)

// Sensitivity presets, from fewest alerts to most.
const (
	Low    = "low"
	Medium = "medium"
	High   = "high"
)

// Defaults for the fields a zero Params leaves open.
const (
	DefaultSensitivity = Medium
	DefaultCooldown    = time.Hour
	DefaultSeasonWeeks = 4
	DefaultTrailing    = 12
)

// Params configures a Detector. Zero fields take the preset's or the
// package default, so a zero Params is a valid medium-sensitivity detector.
type Params struct {
	// Sensitivity picks Threshold, MinCount and MinRatio: low, medium
	// (default) or high.
	Sensitivity string
	// Threshold is the robust z-score (deviation over spread) a point must
	// reach. Zero takes the preset's.
	Threshold float64
	// MinCount is the volume under which nothing is anomalous, so that a
	// few mentions at night never page anyone. For Up it applies to the
	// observed count, for Down to the expected one. Zero takes the preset's.
	MinCount float64
	// MinRatio is how many times the expected volume a spike must reach
	// (for Down: how many times smaller a drop must be). Zero takes the
	// preset's.
	MinRatio float64
	// MinSpread, when positive, replaces the Poisson-like floor
	// sqrt(expected)+1 under the spread; set it for series that are not
	// counts, such as share of voice as a fraction.
	MinSpread float64
	// Cooldown is how long a series must stay quiet before an episode is
	// resolved; anomalous points closer than this join one episode.
	Cooldown time.Duration
	// SeasonWeeks is how many past weeks form the seasonal baseline.
	SeasonWeeks int
	// Trailing is the number of previous points whose median is the
	// baseline while fewer than two weeks of history exist.
	Trailing int
	// Direction is Up (default) or Down.
	Direction Direction
}

// preset is what a sensitivity level sets. The values were chosen with
// 'earshot alert backtest' on detecttest.Benchmark (eight weeks of 5-minute
// counts with 24 spikes of 1.5× to 6×, six seeds): high catches 67% of
// spikes at 86% precision (a false alarm every three weeks); medium 56%
// with no false alarm in 48 weeks; low 32%, only spikes of 3× and more.
type preset struct {
	threshold, minCount, minRatio float64
}

func presetFor(sensitivity string) (preset, bool) {
	switch sensitivity {
	case Low:
		return preset{threshold: 6, minCount: 20, minRatio: 3}, true
	case Medium:
		return preset{threshold: 4.5, minCount: 10, minRatio: 2}, true
	case High:
		return preset{threshold: 3.5, minCount: 10, minRatio: 1.5}, true
	}
	return preset{}, false
}

// maxSeasonWeeks bounds the per-point work; a year of weekly history says
// more about last year's audience than about this week's.
const maxSeasonWeeks = 52

// Validate reports the first field that cannot work, naming it.
func (p Params) Validate() error {
	var errs []error
	if _, ok := presetFor(p.Sensitivity); !ok && p.Sensitivity != "" {
		errs = append(errs, fmt.Errorf("sensitivity %q: want low, medium or high", p.Sensitivity))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"threshold", p.Threshold}, {"min count", p.MinCount}, {"min ratio", p.MinRatio}, {"min spread", p.MinSpread}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			errs = append(errs, fmt.Errorf("%s %v: want a finite number ≥ 0 (0 takes the preset's)", f.name, f.v))
		}
	}
	if p.Cooldown < 0 {
		errs = append(errs, fmt.Errorf("cooldown %v: want ≥ 0", p.Cooldown))
	}
	if p.SeasonWeeks < 0 || p.SeasonWeeks > maxSeasonWeeks {
		errs = append(errs, fmt.Errorf("season weeks %d: want 0 (default %d) to %d", p.SeasonWeeks, DefaultSeasonWeeks, maxSeasonWeeks))
	}
	if p.Trailing < 0 {
		errs = append(errs, fmt.Errorf("trailing %d: want ≥ 0 (0 takes %d)", p.Trailing, DefaultTrailing))
	}
	if p.Direction != "" && p.Direction != Up && p.Direction != Down {
		errs = append(errs, fmt.Errorf("direction %q: want up or down", p.Direction))
	}
	return errors.Join(errs...)
}

// Resolved returns p with every zero field replaced by its preset or
// default value. It assumes p is valid.
func (p Params) Resolved() Params {
	if p.Sensitivity == "" {
		p.Sensitivity = DefaultSensitivity
	}
	pr, _ := presetFor(p.Sensitivity)
	if p.Threshold == 0 {
		p.Threshold = pr.threshold
	}
	if p.MinCount == 0 {
		p.MinCount = pr.minCount
	}
	if p.MinRatio == 0 {
		p.MinRatio = pr.minRatio
	}
	if p.Cooldown == 0 {
		p.Cooldown = DefaultCooldown
	}
	if p.SeasonWeeks == 0 {
		p.SeasonWeeks = DefaultSeasonWeeks
	}
	if p.Trailing == 0 {
		p.Trailing = DefaultTrailing
	}
	if p.Direction == "" {
		p.Direction = Up
	}
	return p
}
