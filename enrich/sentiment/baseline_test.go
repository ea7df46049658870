package sentiment

import "github.com/jonreiter/govader"

// newVaderBaseline is govader as it comes, the baseline the English
// scorer is compared with.
func newVaderBaseline() func(string) float64 {
	sia := govader.NewSentimentIntensityAnalyzer()
	return func(s string) float64 { return sia.PolarityScores(s).Compound }
}
