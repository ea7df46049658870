package detect

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Point is one bucket of a series: its start time and its count.
type Point struct {
	T time.Time
	V float64
}

// bucket is a cleaned point placed on the series' grid.
type bucket struct {
	t    time.Time
	v    float64
	slot int64
}

// clean puts a series in the shape the detector needs. Input from files
// and queries is not trusted to be tidy, so rather than fail it: sorts by
// time, drops NaN and infinite values (they carry no count), clamps
// negative counts to 0, and sums points that fall in the same bucket
// (keeping the earliest time). The step is the most common gap between
// consecutive times.
func clean(series []Point) ([]bucket, time.Duration) {
	pts := make([]Point, 0, len(series))
	for _, p := range series {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			continue
		}
		pts = append(pts, Point{T: p.T, V: max(p.V, 0)})
	}
	slices.SortStableFunc(pts, func(a, b Point) int { return a.T.Compare(b.T) })
	step := inferStep(pts)
	if len(pts) == 0 {
		return nil, step
	}
	t0 := pts[0].T
	out := make([]bucket, 0, len(pts))
	for _, p := range pts {
		// Sub saturates instead of overflowing, so absurd spans merge
		// into the last bucket rather than wrapping around.
		slot := int64(p.T.Sub(t0) / step)
		if n := len(out); n > 0 && out[n-1].slot == slot {
			out[n-1].v += p.V
			continue
		}
		out = append(out, bucket{t: p.T, v: p.V, slot: slot})
	}
	return out, step
}

// inferStep returns the most common positive gap between consecutive
// sorted times (the smallest on a tie), or an hour when there is none.
func inferStep(pts []Point) time.Duration {
	counts := make(map[time.Duration]int)
	for i := 1; i < len(pts); i++ {
		if d := pts[i].T.Sub(pts[i-1].T); d > 0 {
			counts[d]++
		}
	}
	if len(counts) == 0 {
		return time.Hour
	}
	type gap struct {
		d time.Duration
		n int
	}
	gaps := make([]gap, 0, len(counts))
	for d, n := range counts {
		gaps = append(gaps, gap{d, n})
	}
	best := slices.MinFunc(gaps, func(a, b gap) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.d, b.d)
	})
	return best.d
}
