package detect

import "slices"

// madScale makes the median absolute deviation estimate a normal
// distribution's standard deviation.
const madScale = 1.4826

// medianInPlace sorts xs and returns its median; xs must not be empty.
func medianInPlace(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// medianMAD returns the median of xs and its scaled median absolute
// deviation, using scratch for the deviations to spare an allocation per
// point. xs is reordered.
func medianMAD(xs, scratch []float64) (med, mad float64, _ []float64) {
	med = medianInPlace(xs)
	scratch = scratch[:0]
	for _, x := range xs {
		d := x - med
		if d < 0 {
			d = -d
		}
		scratch = append(scratch, d)
	}
	return med, madScale * medianInPlace(scratch), scratch
}

// mean returns the mean of xs; xs must not be empty.
func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
