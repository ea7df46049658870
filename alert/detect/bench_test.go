package detect_test

import (
	"testing"

	"github.com/earshot-dev/earshot/alert/detect"
	"github.com/earshot-dev/earshot/alert/detect/detecttest"
)

// BenchmarkEvaluate runs the detector over eight weeks of 5-minute counts.
func BenchmarkEvaluate(b *testing.B) {
	pts, _ := detecttest.Series(detecttest.Benchmark(1))
	d := newDetector(b, detect.Params{})
	b.ReportAllocs()
	for b.Loop() {
		d.Evaluate(pts)
	}
}
