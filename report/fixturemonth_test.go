package report_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/fixturemonth"
	"github.com/earshot-dev/earshot/report"
	"github.com/earshot-dev/earshot/rollup"
	"github.com/earshot-dev/earshot/schema"
)

// sinkInput hands the sink nothing to fetch: the test pushes batches.
type sinkInput struct{}

func (sinkInput) FetchBatch(context.Context, int, time.Duration) ([]bus.Message, error) {
	return nil, fmt.Errorf("the test feeds the sink itself")
}
func (sinkInput) Commit(context.Context, []bus.Message) error { return nil }

type failOnDeadLetter struct{ t *testing.T }

func (d failOnDeadLetter) Send(_ context.Context, fs ...bus.Failure) error {
	for _, f := range fs {
		d.t.Errorf("fixture event dead-lettered: %s: %s", f.Class, f.Reason)
	}
	return nil
}

// loadFixtureMonth sends the shared analytics fixture month through the
// real sink and the real rollup job.
func loadFixtureMonth(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, tbl := range []string{"mentions", "post_metrics", "audience_snapshots", "conversions", "ad_spend",
		"mentions_hourly", "share_of_voice_daily", "post_engagement_daily", "audience_daily",
		"conversions_daily", "ad_spend_daily", "roi_monthly", "alerts", "report_deliveries"} {
		if err := report.TestStore.Exec(ctx, "TRUNCATE TABLE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
	envs, err := fixturemonth.Envelopes()
	if err != nil {
		t.Fatal(err)
	}
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	topics := map[string][]string{"enriched": {"mentions"}, "metrics": {"post_metrics", "audience_snapshots"}, "business": {"conversions", "ad_spend"}}
	sink := &rollup.Sink{In: sinkInput{}, Store: report.TestStore, DLQ: failOnDeadLetter{t}, Validator: v, Topics: topics,
		Log: slog.New(slog.DiscardHandler)}
	next := map[string]int64{}
	var msgs []bus.Message
	for _, env := range envs {
		raw, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		topic := "business"
		switch env.Schema {
		case event.SchemaEnrichedMention:
			topic = "enriched"
		case event.SchemaPostMetrics, event.SchemaAudience:
			topic = "metrics"
		}
		msgs = append(msgs, bus.Message{Topic: topic, Offset: next[topic], Key: []byte(env.ID), Value: raw})
		next[topic]++
	}
	if err := sink.Process(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	job := &rollup.Job{Store: report.TestStore, Owned: []string{fixturemonth.Own}, MonthlyCost: fixturemonth.MonthlyCost,
		Currency: fixturemonth.Currency, Log: slog.New(slog.DiscardHandler)}
	if err := job.Recompute(ctx, fixturemonth.From, fixturemonth.To); err != nil {
		t.Fatal(err)
	}
}

// TestReportFixtureMonth: over the analytics fixture month the report's
// KPIs are the hand-computed values of internal/fixturemonth, and every
// number in the XLSX and CSV equals the rollup tables'.
func TestReportFixtureMonth(t *testing.T) {
	loadFixtureMonth(t)
	out := t.TempDir()
	res, err := report.Run(context.Background(), report.TestStore, report.Job{
		Brand: fixturemonth.Own, Month: fixturemonth.Month, Formats: []string{report.FormatXLSX, report.FormatCSV}, Lang: "en",
		OutDir: out, Gather: report.Options{Currency: fixturemonth.Currency}, Render: renderers(),
	})
	if err != nil {
		t.Fatal(err)
	}
	type kv struct{ cur, prev float64 }
	none := math.NaN()
	want := map[string]kv{
		report.KeyMentions:                  {fixturemonth.OctAcmeMentions, fixturemonth.SepAcmeMentions},
		report.KeyPotentialReach:            {fixturemonth.OctAcmeReach, fixturemonth.SepAcmeReach},
		report.KeyShareOfVoice:              {fixturemonth.OctAcmeSoVMentions, fixturemonth.SepAcmeSoVMentions},
		report.KeyNetSentiment:              {fixturemonth.OctAcmeNetSentiment / 100, fixturemonth.SepAcmeNetSentiment / 100},
		report.KeyImpressions:               {fixturemonth.OctPostImpressions, none},
		report.KeyPostReach:                 {fixturemonth.OctPostReach, none},
		report.KeyEngagement:                {fixturemonth.OctPostEngagement, none},
		report.KeyEngagementRate:            {fixturemonth.OctEngagementRateReach / 100, none},
		report.KeyEngagementRateImpressions: {fixturemonth.OctEngagementRateImpressions / 100, none},
		report.KeyFollowers + "/x":          {fixturemonth.OctXFollowersEnd, fixturemonth.OctXFollowersStart},
		report.KeyFollowersGrowthPct + "/x": {fixturemonth.OctXFollowersGrowthPct, none},
		report.KeyConversions:               {fixturemonth.OctConversions, fixturemonth.SepConversions},
		report.KeyConversionValue:           {fixturemonth.OctAttributedValue, fixturemonth.SepAttributedValue},
		report.KeyAdSpend:                   {fixturemonth.OctAdSpend, fixturemonth.SepAdSpend},
		report.KeyToolCost:                  {fixturemonth.MonthlyCost, fixturemonth.MonthlyCost},
		report.KeyROI:                       {fixturemonth.OctROI, fixturemonth.SepROI},
	}
	seen := 0
	for _, k := range res.Report.KPIs {
		id := k.Key
		if k.Qualifier != "" {
			id += "/" + k.Qualifier
		}
		w, ok := want[id]
		if !ok {
			continue
		}
		seen++
		for _, c := range []struct {
			what string
			got  *float64
			want float64
		}{{"value", k.Value, w.cur}, {"previous", k.Prev, w.prev}} {
			if math.IsNaN(c.want) {
				continue // the fixture does not state it
			}
			if c.got == nil || math.Abs(*c.got-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
				t.Errorf("%s %s: got %v, want %v", id, c.what, c.got, c.want)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d KPIs with hand-computed values", seen, len(want))
	}
	checkAgainstRollups(t, res, out, fixturemonth.Currency)
}
