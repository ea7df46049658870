// Package detect finds spikes (or drops) in a series of counts per time
// bucket against a seasonal, robust baseline.
//
// For each point the expected value is the median of the same time of week
// over the last weeks (a few neighbouring buckets on either side, so that
// 5-minute counts get enough samples), and the spread is their median
// absolute deviation. While less than two weeks of history exist, the
// median of a trailing window stands in. Medians and MADs are used because
// a past spike must not raise the baseline of the weeks after it.
//
// The package does no I/O: callers hand it a series and get one Result per
// bucket, then group anomalous results into Episodes, one per alert.
package detect
