package detecttest

import "time"

// Monday is 2026-01-05 00:00 UTC, a tidy start for series.
func Monday() time.Time { return time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) }

// Benchmark is the series the presets were chosen on: eight weeks of
// 5-minute counts peaking at 30 per bucket, with 24 one-hour spikes of
// 1.5× to 6× at different hours from day 15 on (once the seasonal baseline
// is in force), and a night blip of 4 mentions every third day.
func Benchmark(seed uint64) Config {
	start := Monday()
	c := Config{Start: start, Weeks: 8, Step: 5 * time.Minute, Seed: seed, Peak: 30}
	factors := []float64{1.5, 2, 3, 6}
	hours := []time.Duration{10, 14, 19, 23, 7, 16}
	const spikes = 24
	for i := range spikes {
		day := time.Duration(15 + i*40/(spikes-1))
		at := start.Add(day*24*time.Hour + hours[i%len(hours)]*time.Hour)
		c.Spikes = append(c.Spikes, Change{At: at, Duration: time.Hour, Factor: factors[i%len(factors)]})
	}
	for d := 1; d < 7*c.Weeks; d += 3 {
		c.Blips = append(c.Blips, Blip{At: start.Add(time.Duration(d)*24*time.Hour + 3*time.Hour + 17*time.Minute), N: 4})
	}
	return c
}
