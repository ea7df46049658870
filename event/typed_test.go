package event

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Strings that sit on and around every rule of the schemas: empty, at and
// over length limits (counted in code points), pattern edge cases.
var edgeStrings = []string{
	"", "x", "acme", "facebook", "UPPER", "with space", "a:b", "x:", ":x", "x:1\n", "x:\n1", "x:1\r",
	"ünï", "日本", "\xff\xfe", "USD", "usd", "US", "EURO", "IDR",
	strings.Repeat("a", 3), strings.Repeat("a", 8), strings.Repeat("a", 9), strings.Repeat("a", 16), strings.Repeat("a", 17),
	strings.Repeat("a", 64), strings.Repeat("a", 65), strings.Repeat("é", 64), strings.Repeat("é", 65),
	strings.Repeat("b", 128), strings.Repeat("b", 129), strings.Repeat("c", 256), strings.Repeat("c", 257),
	strings.Repeat("日", 256), strings.Repeat("日", 257), strings.Repeat("d", 512), strings.Repeat("d", 513),
	"import:" + strings.Repeat("e", 505), "import:" + strings.Repeat("e", 506),
	"2026-11-01", "2026-02-30", "2026-13-01", "2026-1-01", "20261101", "２０２６-11-01",
	"post", "comment", "reply", "article", "review", "tweet",
	"net_work.1-2", "net/work",
}

var edgeTimes = []time.Time{
	time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
	time.Date(2026, 11, 1, 10, 0, 0, 123456789, time.FixedZone("WIB", 7*3600)),
	{},
	time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
}

var edgeFloats = []float64{0, 1, 9.5, 10, 10.01, -0.01, 1234.56, math.NaN(), math.Inf(1)}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// randomEvent makes one event of a random type whose fields are each,
// often enough, right on a rule's edge.
func randomEvent(r *rand.Rand) (schema string, data any) {
	s := func() string { return pick(r, edgeStrings) }
	switch r.IntN(5) {
	case 0:
		m := Mention{Network: s(), NativeID: s(), Kind: s(), URL: s(), Title: s(), Text: s(), Lang: s(), Country: s(), Site: s(),
			ParentID: s(), Author: Author{ID: s(), Handle: s(), Name: s(), Followers: r.Uint64()}, CreatedAt: pick(r, edgeTimes)}
		if r.IntN(2) == 0 {
			f := pick(r, edgeFloats)
			m.Rating = &f
		}
		return SchemaMention, m
	case 1:
		return SchemaPostMetrics, PostMetrics{Network: s(), Account: s(), PostID: s(), URL: s(), Campaign: s(),
			PublishedAt: pick(r, edgeTimes), ObservedAt: pick(r, edgeTimes), Impressions: r.Uint64()}
	case 2:
		return SchemaAudience, &AudienceSnapshot{Network: s(), Account: s(), Followers: r.Uint64(), ObservedAt: pick(r, edgeTimes)}
	case 3:
		return SchemaConversion, Conversion{OccurredAt: pick(r, edgeTimes), Type: s(), Value: pick(r, edgeFloats), Currency: s(),
			UTMSource: s(), UTMMedium: s(), UTMCampaign: s()}
	}
	return SchemaAdSpend, AdSpend{Date: s(), Network: s(), Campaign: s(), Spend: pick(r, edgeFloats), Currency: s(), Clicks: r.Uint64()}
}

// TestWrapCheckedAgreesWithSchema holds the Go rules to the JSON Schemas:
// for many events built on the rules' edges, WrapChecked accepts exactly
// what Wrap + Check accepts. A schema change that the Go rules miss fails
// here.
func TestWrapCheckedAgreesWithSchema(t *testing.T) {
	v := mustValidator(t)
	r := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var accepted int
	for i := range n {
		schema, data := randomEvent(r)
		// A tenth of the events are filed under the wrong schema.
		if r.IntN(10) == 0 {
			schema = pick(r, []string{SchemaMention, SchemaPostMetrics, SchemaAudience, SchemaConversion, SchemaAdSpend, "earshot/other/v1"})
		}
		id, source := pick(r, edgeStrings), pick(r, edgeStrings)
		if r.IntN(2) == 0 {
			id, source = "import:row-1", "import"
		}
		at := pick(r, edgeTimes)

		fast, fastErr := v.WrapChecked(schema, id, source, at, data)
		slow, slowErr := Wrap(schema, id, source, at, data)
		if slowErr == nil {
			slowErr = v.Check(&slow)
		}
		if (fastErr == nil) != (slowErr == nil) {
			t.Fatalf("event %d: %s %+v id=%q source=%q at=%v:\n  WrapChecked: %v\n  schema:      %v", i, schema, data, id, source, at, fastErr, slowErr)
		}
		if fastErr == nil {
			accepted++
			if !fast.Checked() || string(fast.Data) != string(slow.Data) {
				t.Fatalf("event %d: accepted envelope differs from Wrap's or is not marked checked", i)
			}
		}
	}
	// The generator must exercise both verdicts, or the test proves little.
	if accepted < n/50 || accepted > n-n/50 {
		t.Fatalf("%d of %d events accepted: the generator is too lopsided to compare the rules", accepted, n)
	}
}

func TestWrapCheckedReasons(t *testing.T) {
	v := mustValidator(t)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		data any
		want string
	}{
		{"network", PostMetrics{Network: "Face Book", Account: "a", PostID: "1"}, `earshot/post_metrics/v1: /network: "Face Book" does not match pattern`},
		{"account", AudienceSnapshot{Network: "x", Account: ""}, "/account: minLength: got 0, want 1"},
		{"currency", AdSpend{Date: "2026-11-01", Network: "x", Campaign: "c", Currency: "usd"}, `/currency: "usd" does not match`},
		{"date", AdSpend{Date: "2026-02-30", Network: "x", Campaign: "c", Currency: "USD"}, `/date: "2026-02-30" is not valid date`},
		{"value", Conversion{Type: "purchase", Value: -1}, "/value: minimum: got -1, want 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := map[string]string{"network": SchemaPostMetrics, "account": SchemaAudience, "currency": SchemaAdSpend, "date": SchemaAdSpend, "value": SchemaConversion}[tt.name]
			_, err := v.WrapChecked(schema, "import:1", "import", at, tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func BenchmarkWrapChecked(b *testing.B) {
	v := mustValidator(b)
	p := PostMetrics{Network: "facebook", Account: "123", PostID: "123_456", URL: "https://www.facebook.com/123/posts/456", Campaign: "c1",
		PublishedAt: time.Now(), ObservedAt: time.Now(), Impressions: 10000, Reach: 8000, Likes: 300}
	b.Run("go-rules", func(b *testing.B) {
		for b.Loop() {
			if _, err := v.WrapChecked(SchemaPostMetrics, "import:1", "import", time.Now(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-schema", func(b *testing.B) {
		for b.Loop() {
			env, err := Wrap(SchemaPostMetrics, "import:1", "import", time.Now(), p)
			if err == nil {
				err = v.Check(&env)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestEncodeMatchesEncodingJSON keeps Wrap's data and the hand-written
// envelope encoding byte-identical to encoding/json's, whatever the
// strings hold.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 5000 {
		schema, data := randomEvent(r)
		env, err := Wrap(schema, pick(r, edgeStrings)+"<&>\"\\\t\u2028", pick(r, edgeStrings), pick(r, edgeTimes), data)
		if err != nil {
			continue
		}
		// Wrap marshals with goccy/go-json for speed; its bytes must be
		// encoding/json's.
		if std, _ := json.Marshal(data); string(std) != string(env.Data) {
			t.Fatalf("event %d: Wrap data\n got  %s\n want %s", i, env.Data, std)
		}
		if r.IntN(4) == 0 {
			env.Data = []byte(" {\"a\" : [1, 2]}\n") // not compact: the slow path must compact it
		}
		got, gotErr := env.Encode()
		want, wantErr := json.Marshal(env)
		if (gotErr == nil) != (wantErr == nil) || string(got) != string(want) {
			t.Fatalf("envelope %d:\n got  %s (%v)\n want %s (%v)", i, got, gotErr, want, wantErr)
		}
	}
}
