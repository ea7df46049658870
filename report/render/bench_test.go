package render

import (
	"io"
	"testing"
)

// BenchmarkRender renders the fixture month in each format and in all
// four, as `earshot report --format pdf,xlsx,csv,html` does.
func BenchmarkRender(b *testing.B) {
	r := fixtureReport()
	dir := b.TempDir()
	formats := []struct {
		name string
		fn   func() error
	}{
		{"pdf", func() error { return PDF(io.Discard, r, "en") }},
		{"html", func() error { return HTML(io.Discard, r, "en") }},
		{"xlsx", func() error { return XLSX(io.Discard, r, "en") }},
		{"csv", func() error { _, err := CSV(dir, r, "en"); return err }},
	}
	for _, f := range formats {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if err := f.fn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			for _, f := range formats {
				if err := f.fn(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	})
}
