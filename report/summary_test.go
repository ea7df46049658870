package report

import (
	"reflect"
	"testing"
)

func TestSummarize(t *testing.T) {
	k := func(key, unit string, cur, prev *float64) KPI {
		return KPI{Key: key, Unit: unit, Value: cur, Prev: prev}
	}
	cases := []struct {
		name string
		kpis []KPI
		n    int
		want []string // key + " " + KPI key, in rank order
	}{
		{"biggest absolute change first", []KPI{
			k("mentions", UnitCount, f(150), f(100)),     // +50 %
			k("impressions", UnitCount, f(200), f(1000)), // −80 %
			k("ad_spend", UnitMoney, f(110), f(100)),     // +10 %
		}, 3, []string{"kpi_down impressions", "kpi_up mentions", "kpi_up ad_spend"}},
		{"a small base does not top the list", []KPI{
			k("mentions", UnitCount, f(2), f(1)),         // +100 % from 1: left out
			k("impressions", UnitCount, f(120), f(100)),  // +20 %
			k("conversion_value", UnitMoney, f(9), f(3)), // +200 % from 3: left out
		}, 3, []string{"kpi_up impressions"}},
		{"missing values and appendix are left out", []KPI{
			k("mentions", UnitCount, nil, f(100)),
			k("impressions", UnitCount, f(100), nil),
			{Key: "engagement_rate_followers", Unit: UnitRatio, Value: f(0.5), Prev: f(0.1), Appendix: true},
		}, 3, nil},
		{"new after zero ranks after real changes", []KPI{
			k("conversions", UnitCount, f(60), f(0)),
			k("mentions", UnitCount, f(105), f(100)),
		}, 3, []string{"kpi_up mentions", "kpi_new conversions"}},
		{"zero to under the base says nothing", []KPI{k("conversions", UnitCount, f(3), f(0))}, 3, nil},
		{"no change says nothing", []KPI{k("mentions", UnitCount, f(100), f(100))}, 3, nil},
		{"a negative base has no percent change", []KPI{k("roi", UnitRatio, f(0.2), f(-0.5))}, 3, nil},
		{"ratios by relative change from one point", []KPI{
			k("engagement_rate", UnitRatio, f(0.04), f(0.02)), // +100 %
			k("sov_mentions", UnitRatio, f(0.002), f(0.001)),  // base under 1 point
		}, 3, []string{"kpi_up engagement_rate"}},
		{"at most n", []KPI{
			k("a", UnitCount, f(200), f(100)), k("b", UnitCount, f(300), f(100)), k("c", UnitCount, f(400), f(100)),
		}, 2, []string{"kpi_up c", "kpi_up b"}},
		{"unknown unit ignored", []KPI{k("x", "furlongs", f(500), f(100))}, 3, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Summarize(c.kpis, c.n)
			var keys []string
			for i, s := range got {
				keys = append(keys, s.Key+" "+s.KPI.Key)
				if s.Rank != i+1 {
					t.Errorf("sentence %d has rank %d", i, s.Rank)
				}
			}
			if !reflect.DeepEqual(keys, c.want) {
				t.Errorf("got %v, want %v", keys, c.want)
			}
		})
	}
}

// TestSummaryNumbersComeFromKPIs: a sentence carries the KPI itself, so a
// renderer can only print the KPI's own figures.
func TestSummaryNumbersComeFromKPIs(t *testing.T) {
	in := KPI{Key: "mentions", Unit: UnitCount, Value: f(150), Prev: f(100)}
	got := Summarize([]KPI{in}, 1)
	if len(got) != 1 || !reflect.DeepEqual(got[0].KPI, in) || *got[0].KPI.ChangePct() != 50 {
		t.Errorf("sentence %+v", got)
	}
}
