package detect_test

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
)

// TestUntidyInput pins down what Evaluate does with input it does not
// reject: it sorts, drops NaN and ±Inf, clamps negatives to 0 and sums
// points sharing a bucket.
func TestUntidyInput(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }
	tests := []struct {
		name string
		in   []detect.Point
		want []float64 // counts of the results, in order
	}{
		{"empty", nil, nil},
		{"unsorted", []detect.Point{{at(2), 3}, {at(0), 1}, {at(1), 2}}, []float64{1, 2, 3}},
		{"NaN and Inf dropped", []detect.Point{{at(0), 1}, {at(1), math.NaN()}, {at(2), math.Inf(1)}, {at(3), 4}}, []float64{1, 4}},
		{"negative is zero", []detect.Point{{at(0), -5}, {at(1), 2}}, []float64{0, 2}},
		{"same bucket summed", []detect.Point{{at(0), 1}, {at(1), 2}, {at(1), 3}, {at(2), 1}}, []float64{1, 5, 1}},
	}
	d := newDetector(t, detect.Params{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := d.Evaluate(tt.in)
			if len(rs) != len(tt.want) {
				t.Fatalf("%d results %+v, want %d", len(rs), rs, len(tt.want))
			}
			for i, r := range rs {
				if r.Count != tt.want[i] {
					t.Errorf("result %d count %v, want %v", i, r.Count, tt.want[i])
				}
			}
		})
	}
}

// FuzzEvaluate feeds arbitrary series: each 16 bytes are a time offset
// and a float64 value, so NaN, negatives, duplicates and disorder all
// occur. Evaluate must not panic, and its results must be sorted, finite
// and scored within [0,1].
func FuzzEvaluate(f *testing.F) {
	seed := func(pts ...[2]float64) []byte {
		var b []byte
		for _, p := range pts {
			b = binary.LittleEndian.AppendUint64(b, uint64(int64(p[0])))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
		}
		return b
	}
	f.Add(seed([2]float64{0, 1}, [2]float64{300e9, 2}, [2]float64{600e9, 50}))
	f.Add(seed([2]float64{600e9, math.NaN()}, [2]float64{0, -3}, [2]float64{0, 4}, [2]float64{-1, math.Inf(-1)}))
	f.Add(seed([2]float64{math.MaxInt64, 1}, [2]float64{math.MinInt64, 2}, [2]float64{1, 1e308}))
	d := newDetector(f, detect.Params{Sensitivity: detect.High, SeasonWeeks: 2, Trailing: 3})
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		var pts []detect.Point
		for ; len(b) >= 16; b = b[16:] {
			off := time.Duration(binary.LittleEndian.Uint64(b))
			pts = append(pts, detect.Point{T: t0.Add(off), V: math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))})
		}
		rs := d.Evaluate(pts)
		for i, r := range rs {
			if i > 0 && r.T.Before(rs[i-1].T) {
				t.Fatalf("results out of order at %d", i)
			}
			if !(r.Score >= 0 && r.Score <= 1) || math.IsNaN(r.Expected) || r.Count < 0 {
				t.Fatalf("result %d: %+v", i, r)
			}
		}
		detect.Episodes(rs, time.Hour)
	})
}
