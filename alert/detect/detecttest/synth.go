// Package detecttest makes synthetic mention-count series with daily and
// weekly seasonality, Poisson noise from a seeded generator, and injected
// spikes, drops and blips whose size and time are known, to test and tune
// the detector.
package detecttest

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
)

// Config describes a series.
type Config struct {
	Start time.Time     // first bucket; 00:00 on a Monday gives tidy weeks
	Weeks int           // length
	Step  time.Duration // bucket size
	Seed  uint64
	// Peak is the mean count per 5 minutes at the busiest hour of a
	// weekday; nights fall to a tenth of it and weekends to 60%.
	Peak   float64
	Spikes []Change // rate × Factor at At, decaying back over Duration
	Drops  []Change // rate × Factor (< 1) throughout Duration
	Blips  []Blip   // extra mentions in one bucket, too few to matter
}

// Change is an injected anomaly.
type Change struct {
	At       time.Time
	Duration time.Duration
	Factor   float64
}

// Blip adds N mentions to the bucket holding At.
type Blip struct {
	At time.Time
	N  float64
}

// Rate is the seasonal mean count per bucket at t, before noise and
// anomalies: a daily curve peaking at 14:00 with its trough at 02:00,
// and quieter weekends.
func (c Config) Rate(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	daily := 0.55 - 0.45*math.Cos(2*math.Pi*(h-2)/24)
	weekly := 1.0
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		weekly = 0.6
	}
	return c.Peak * daily * weekly * float64(c.Step) / float64(5*time.Minute)
}

// Series returns the counts and, as labelled windows, the span of every
// spike and drop (blips are not anomalies worth an alert).
func Series(c Config) ([]detect.Point, []detect.Window) {
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	n := int(time.Duration(c.Weeks) * 7 * 24 * time.Hour / c.Step)
	pts := make([]detect.Point, n)
	for i := range pts {
		t := c.Start.Add(time.Duration(i) * c.Step)
		lambda := c.Rate(t)
		for _, s := range c.Spikes {
			if d := t.Sub(s.At); d >= 0 && d < s.Duration {
				// Decays to ~5% of the extra volume by the window's end.
				lambda += (s.Factor - 1) * c.Rate(s.At) * math.Exp(-3*float64(d)/float64(s.Duration))
			}
		}
		for _, s := range c.Drops {
			if d := t.Sub(s.At); d >= 0 && d < s.Duration {
				lambda *= s.Factor
			}
		}
		v := poisson(rng, lambda)
		for _, b := range c.Blips {
			if d := b.At.Sub(t); d >= 0 && d < c.Step {
				v += b.N
			}
		}
		pts[i] = detect.Point{T: t, V: v}
	}
	var ws []detect.Window
	for _, s := range append(append([]Change(nil), c.Spikes...), c.Drops...) {
		ws = append(ws, detect.Window{Start: s.At, End: s.At.Add(s.Duration)})
	}
	return pts, ws
}

// poisson draws a Poisson count: Knuth's method for small means, a
// rounded normal for large ones where it is accurate enough.
func poisson(rng *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 50 {
		return max(0, math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64()))
	}
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
