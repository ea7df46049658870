package detect

import "time"

// Episode is one alert: a run of anomalous buckets with quiet gaps shorter
// than the cooldown. Start and End are the times of its first and last
// anomalous buckets; Peak is its most extreme one.
type Episode struct {
	Start, End time.Time
	Peak       Result
	Points     int
}

// Episodes groups the anomalous results of rs (in time order, as Evaluate
// returns them) so that one spike gives one alert: a point joins the open
// episode when it directly follows the previous anomalous result in rs or
// comes within cooldown of it; otherwise the episode is resolved and a new
// one starts.
func Episodes(rs []Result, cooldown time.Duration) []Episode {
	var (
		eps  []Episode
		last = -2
	)
	for i, r := range rs {
		if !r.Anomalous {
			continue
		}
		if n := len(eps); n > 0 && (i == last+1 || r.T.Sub(eps[n-1].End) <= cooldown) {
			e := &eps[n-1]
			e.End = r.T
			e.Points++
			if r.Z > e.Peak.Z {
				e.Peak = r
			}
		} else {
			eps = append(eps, Episode{Start: r.T, End: r.T, Peak: r, Points: 1})
		}
		last = i
	}
	return eps
}
