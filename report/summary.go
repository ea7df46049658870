package report

import (
	"cmp"
	"math"
	"slices"
)

// DefaultSummarySentences is how many changes the summary names.
const DefaultSummarySentences = 3

// Summary sentence keys.
const (
	SentenceUp   = "kpi_up"   // Value rose from Prev by ChangePct
	SentenceDown = "kpi_down" // Value fell from Prev by ChangePct
	SentenceNew  = "kpi_new"  // Prev was 0: there is no percent change to give
)

// minBase is the smallest previous value (or, for a KPI new this month,
// current value) that makes a percent change worth a sentence: 1 → 2
// mentions is +100 % and says nothing. Ratios, scores and percentages are
// compared by relative change too, from 1 point upwards.
var minBase = map[string]float64{
	UnitCount:   50,
	UnitMoney:   10,
	UnitRatio:   0.01,
	UnitScore:   0.01,
	UnitPercent: 1,
}

// Summarize names the n KPIs whose value changed most against the month
// before, by absolute percent change, biggest first. Appendix KPIs, KPIs
// without both values and KPIs under their unit's minimum base are left
// out; so is a negative base (a loss turning into a smaller loss has no
// meaningful percent change). A KPI that was 0 and is now at least the
// base gets a "new" sentence and ranks after the real changes. Every number
// a sentence shows is the KPI's own.
func Summarize(kpis []KPI, n int) []Sentence {
	type cand struct {
		k     KPI
		score float64
		key   string
	}
	var cs []cand
	for _, k := range kpis {
		if k.Appendix || k.Value == nil || k.Prev == nil {
			continue
		}
		base, ok := minBase[k.Unit]
		if !ok {
			continue
		}
		prev, val := *k.Prev, *k.Value
		switch {
		case prev == 0 && val >= base:
			cs = append(cs, cand{k, -1, SentenceNew})
		case prev >= base:
			pct := *k.ChangePct()
			if pct == 0 || math.IsNaN(pct) {
				continue
			}
			key := SentenceUp
			if pct < 0 {
				key = SentenceDown
			}
			cs = append(cs, cand{k, math.Abs(pct), key})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Compare(b.score, a.score) })
	if len(cs) > n {
		cs = cs[:n]
	}
	out := make([]Sentence, len(cs))
	for i, c := range cs {
		out[i] = Sentence{Key: c.key, KPI: c.k, Rank: i + 1}
	}
	return out
}
