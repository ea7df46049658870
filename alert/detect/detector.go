package detect

import (
	"fmt"
	"math"
	"time"
)

// Basis says which baseline a Result was measured against.
type Basis string

const (
	// Seasonal: the same time of week over past weeks.
	Seasonal Basis = "seasonal"
	// Daily: the same time of day over the last days, while less than
	// a week of history exists.
	Daily Basis = "daily"
	// Trailing: the points just before, while less than a day exists.
	Trailing Basis = "trailing"
	// Warmup: too little history to judge; never anomalous.
	Warmup Basis = "warmup"
)

// Result is the verdict on one bucket.
type Result struct {
	T        time.Time
	Count    float64
	Expected float64
	Spread   float64
	// Z is the robust z-score in the detector's direction: how many
	// spreads the count is above (Up) or below (Down) what was expected.
	Z float64
	// Score maps Z≥0 onto [0,1) so scores can be plotted and compared
	// with other detectors; it ignores MinCount and MinRatio.
	Score     float64
	Anomalous bool
	Basis     Basis
}

// Detector judges series against a seasonal baseline. It holds no state
// between calls, so one Detector may serve many goroutines.
type Detector struct {
	p Params
}

// New returns a Detector for p, or the reasons p is invalid.
func New(p Params) (*Detector, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("detector parameters: %w", err)
	}
	return &Detector{p: p.Resolved()}, nil
}

// Params returns the parameters in force, presets and defaults filled in.
func (d *Detector) Params() Params { return d.p }

const (
	// seasonalHalfWidth widens the same-time-of-week sample to the
	// buckets this close on either side: four 5-minute counts are too few
	// for a stable median, while ±15 minutes barely blurs a daily curve.
	seasonalHalfWidth = 15 * time.Minute
	// maxHalfSlots bounds the neighbourhood for sub-minute buckets, where
	// ±15 minutes would mean thousands of lookups per point.
	maxHalfSlots = 15
	// minSeasonalPoints is how many same-time samples a seasonal (or
	// daily) baseline needs before it replaces the fallback.
	minSeasonalPoints = 2
	// daysBack is how many days the daily fallback looks back: a week,
	// after which the weekly baseline takes over.
	daysBack = 6
	// minTrailing is the least history a trailing baseline needs.
	minTrailing = 3
	// scoreScale is the z-score that maps to a score of 1−1/e ≈ 0.63.
	scoreScale = 5.0
	day        = 24 * time.Hour
	week       = 7 * day
)

// Evaluate returns one Result per bucket of series, in time order. The
// series may be unsorted and untidy: NaN and infinite values are dropped,
// negative counts count as 0, and points sharing a bucket are summed (see
// the step inference on clean). Evaluate never panics on such input.
func (d *Detector) Evaluate(series []Point) []Result {
	bs, step := clean(series)
	if len(bs) == 0 {
		return nil
	}
	bySlot := make(map[int64]float64, len(bs))
	for _, b := range bs {
		bySlot[b.slot] = b.v
	}
	weekSlots := int64(0)
	if step <= week {
		weekSlots = int64(math.Round(float64(week) / float64(step)))
	}
	daySlots := int64(0)
	if step <= day {
		daySlots = int64(math.Round(float64(day) / float64(step)))
	}
	half := min(int64(seasonalHalfWidth/step), maxHalfSlots)
	// sameTime gathers the buckets near slot at each of n earlier
	// periods of lag slots.
	sameTime := func(sample []float64, slot, lag int64, n int) []float64 {
		for k := int64(1); lag > 0 && k <= int64(n); k++ {
			for j := -half; j <= half; j++ {
				if v, ok := bySlot[slot-k*lag+j]; ok {
					sample = append(sample, v)
				}
			}
		}
		return sample
	}
	var sample, scratch []float64
	out := make([]Result, len(bs))
	for i, b := range bs {
		basis := Warmup
		sample = sameTime(sample[:0], b.slot, weekSlots, d.p.SeasonWeeks)
		if len(sample) >= minSeasonalPoints {
			basis = Seasonal
		} else {
			// The days before are a better guess than the last hours,
			// which mistake every morning rise for a spike.
			sample = sameTime(sample[:0], b.slot, daySlots, daysBack)
			if len(sample) >= minSeasonalPoints {
				basis = Daily
			}
		}
		if basis == Warmup {
			sample = sample[:0]
			for j := max(0, i-d.p.Trailing); j < i; j++ {
				sample = append(sample, bs[j].v)
			}
			if len(sample) >= min(minTrailing, d.p.Trailing) {
				basis = Trailing
			}
		}
		r := Result{T: b.t, Count: b.v, Expected: b.v, Basis: basis}
		rate := b.v
		if basis != Warmup {
			rate = mean(sample)
			r.Expected, r.Spread, scratch = medianMAD(sample, scratch)
		}
		r.Spread = max(r.Spread, d.floor(max(r.Expected, rate)))
		d.judge(&r)
		out[i] = r
	}
	return out
}

// floor keeps a flat history from making every blip infinitely unlikely:
// counts vary at least like a Poisson process would. It is given the
// larger of the median and the mean of the history because at low counts
// the median underestimates the rate (the median of Poisson(2) draws is
// often 1), which made night-time noise look like spikes.
func (d *Detector) floor(expected float64) float64 {
	if d.p.MinSpread > 0 {
		return d.p.MinSpread
	}
	return math.Sqrt(max(expected, 0)) + 1
}

// judge fills Z, Score and Anomalous from Count, Expected and Spread.
func (d *Detector) judge(r *Result) {
	if r.Basis == Warmup {
		return
	}
	dev := r.Count - r.Expected
	if d.p.Direction == Down {
		dev = -dev
	}
	r.Z = dev / r.Spread
	if r.Z > 0 {
		r.Score = 1 - math.Exp(-(r.Z/scoreScale)*(r.Z/scoreScale))
	}
	if r.Z < d.p.Threshold {
		return
	}
	if d.p.Direction == Down {
		r.Anomalous = r.Expected >= d.p.MinCount && r.Expected >= d.p.MinRatio*r.Count
		return
	}
	r.Anomalous = r.Count >= d.p.MinCount && r.Count >= d.p.MinRatio*r.Expected
}
