package fixturemonth

import (
	"math"
	"testing"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/schema"
)

// Every event is valid: the sink would dead-letter it otherwise.
func TestEnvelopesAreValid(t *testing.T) {
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	envs, err := Envelopes()
	if err != nil {
		t.Fatal(err)
	}
	want := len(mentions) + len(posts) + len(snapshots) + len(conversions) + len(spends)
	if len(envs) != want {
		t.Fatalf("%d envelopes, want %d", len(envs), want)
	}
	for _, env := range envs {
		if err := v.Check(&env); err != nil {
			t.Errorf("%s: %v", env.ID, err)
		}
		if env.CollectedAt.Before(From) || !env.CollectedAt.Before(To.AddDate(0, 0, 1)) {
			t.Errorf("%s collected at %s, outside the fixture", env.ID, env.CollectedAt)
		}
	}
}

// The hand-written constants agree with a plain Go count over the same
// data, so a typo in either shows up here rather than as a puzzling rollup
// failure.
func TestExpectedAgreesWithData(t *testing.T) {
	envs, err := Envelopes()
	if err != nil {
		t.Fatal(err)
	}
	latest := map[string]event.EnrichedMention{} // by id: the later collection wins
	for _, env := range envs {
		if env.Schema != event.SchemaEnrichedMention {
			continue
		}
		var em event.EnrichedMention
		if err := env.Decode(&em); err != nil {
			t.Fatal(err)
		}
		if prev, ok := latest[env.ID]; !ok || em.EnrichedAt.After(prev.EnrichedAt) {
			latest[env.ID] = em
		}
	}
	type agg struct{ n, reach, eng, pos, neu, neg int }
	oct, sep := map[string]*agg{}, map[string]*agg{}
	authors := map[string]bool{}
	for _, em := range latest {
		at := em.Mention.CreatedAt
		bucket := oct
		if at.Before(Month) {
			bucket = sep
		}
		for _, b := range em.Brands {
			a := bucket[b.Name]
			if a == nil {
				a = &agg{}
				bucket[b.Name] = a
			}
			a.n++
			a.reach += int(em.Reach)
			a.eng += int(em.Mention.Likes + em.Mention.Shares + em.Mention.Comments)
			switch em.Sentiment.Label {
			case event.Positive:
				a.pos++
			case event.Neutral:
				a.neu++
			case event.Negative:
				a.neg++
			}
			if b.Name == Own && !at.Before(Month) {
				authors[em.Mention.Author.ID] = true
			}
		}
	}
	type check struct {
		name      string
		got, want float64
	}
	checks := []check{
		{"Oct Acme mentions", float64(oct[Own].n), OctAcmeMentions},
		{"Oct Acme reach", float64(oct[Own].reach), OctAcmeReach},
		{"Oct Acme engagement", float64(oct[Own].eng), OctAcmeEngagement},
		{"Oct Acme authors", float64(len(authors)), OctAcmeUniqueAuthors},
		{"Oct Acme positive", float64(oct[Own].pos), OctAcmePositive},
		{"Oct Acme neutral", float64(oct[Own].neu), OctAcmeNeutral},
		{"Oct Acme negative", float64(oct[Own].neg), OctAcmeNegative},
		{"Oct Acme net sentiment", float64(oct[Own].pos-oct[Own].neg) / float64(oct[Own].n) * 100, OctAcmeNetSentiment},
		{"Oct Globex mentions", float64(oct[Competitor1].n), OctGlobexMentions},
		{"Oct Globex reach", float64(oct[Competitor1].reach), OctGlobexReach},
		{"Oct Globex engagement", float64(oct[Competitor1].eng), OctGlobexEngagement},
		{"Oct Initech mentions", float64(oct[Competitor2].n), OctInitechMentions},
		{"Oct Initech reach", float64(oct[Competitor2].reach), OctInitechReach},
		{"Oct Initech engagement", float64(oct[Competitor2].eng), OctInitechEngagement},
		{"Oct SoV mentions", float64(oct[Own].n) / float64(oct[Own].n+oct[Competitor1].n+oct[Competitor2].n), OctAcmeSoVMentions},
		{"Oct SoV reach", float64(oct[Own].reach) / float64(oct[Own].reach+oct[Competitor1].reach+oct[Competitor2].reach), OctAcmeSoVReach},
		{"Oct SoV engagement", float64(oct[Own].eng) / float64(oct[Own].eng+oct[Competitor1].eng+oct[Competitor2].eng), OctAcmeSoVEngagement},
		{"Sep Acme mentions", float64(sep[Own].n), SepAcmeMentions},
		{"Sep Acme reach", float64(sep[Own].reach), SepAcmeReach},
		{"Sep Acme engagement", float64(sep[Own].eng), SepAcmeEngagement},
		{"Sep Acme net sentiment", float64(sep[Own].pos-sep[Own].neg) / float64(sep[Own].n) * 100, SepAcmeNetSentiment},
		{"Sep SoV mentions", float64(sep[Own].n) / float64(sep[Own].n+sep[Competitor1].n), SepAcmeSoVMentions},
	}
	var value, spent float64
	var n int
	social := map[string]bool{"fb": true, "twitter": true, "IG": true, "instagram": true, "x": true, "facebook": true, "meta": true}
	for _, c := range conversions {
		if social[c.utmSource] && c.at >= "2026-10" {
			value += c.value
			n++
		}
	}
	for _, s := range spends {
		if social[s.network] && s.date >= "2026-10" {
			spent += s.amount
		}
	}
	checks = append(checks,
		check{"Oct conversions", float64(n), OctConversions},
		check{"Oct value", value, OctAttributedValue},
		check{"Oct spend", spent, OctAdSpend},
		check{"Oct ROI", (value - spent - MonthlyCost) / (spent + MonthlyCost), OctROI},
	)
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s: data gives %v, constant says %v", c.name, c.got, c.want)
		}
	}
}
