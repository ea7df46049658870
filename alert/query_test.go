package alert

import (
	"context"
	"fmt"
	"testing"
	"time"
)

var mentionCols = []string{"id", "network", "author_handle", "text", "url", "reach", "sentiment_label", "brands", "created_at"}

func mention(i int, brand, label, network, text string, reach uint64, at time.Time) []any {
	return []any{fmt.Sprintf("t:%d", i), network, fmt.Sprintf("user%d", i), text, fmt.Sprintf("https://x.example/%d", i), reach, label, []string{brand}, at}
}

func TestSeriesAndDescribe(t *testing.T) {
	ctx := context.Background()
	if err := testStore.Exec(ctx, "TRUNCATE TABLE mentions"); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var rows [][]any
	// Two quiet buckets, one empty, then a burst of complaints.
	rows = append(rows,
		mention(1, "Acme", "positive", "x", "love #acme", 10, base.Add(time.Minute)),
		mention(2, "Acme", "neutral", "x", "acme news", 20, base.Add(6*time.Minute)),
		mention(3, "Globex", "negative", "x", "globex bad", 99, base.Add(7*time.Minute)),
	)
	for i := range 6 {
		rows = append(rows, mention(10+i, "Acme", "negative", []string{"x", "reddit", "x"}[i%3],
			fmt.Sprintf("Acme is down again #outage #Acme %d", i), uint64(100*(i+1)), base.Add(16*time.Minute+time.Duration(i)*time.Second)))
	}
	if err := testStore.Insert(ctx, "mentions", mentionCols, rows, ""); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		metric string
		want   []float64
	}{
		{MetricMentions, []float64{1, 1, 0, 6}},
		{MetricNegative, []float64{6}}, // nothing before the first negative one
		{MetricReach, []float64{10, 20, 0, 2100}},
		{MetricShareOfVoice, []float64{1, 0.5, 1}}, // Globex takes half the second bucket; the empty one has no share
	}
	for _, tt := range tests {
		got, err := series(ctx, testStore, "Acme", tt.metric, 5*time.Minute, base, base.Add(20*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %d buckets, want %d", tt.metric, len(got), len(tt.want))
		}
		if last := got[len(got)-1].T; !last.Equal(base.Add(15 * time.Minute)) {
			t.Errorf("%s: last bucket at %v", tt.metric, last)
		}
		for i, p := range got {
			if i > 0 && tt.metric != MetricShareOfVoice && p.T.Sub(got[i-1].T) != 5*time.Minute {
				t.Errorf("%s: buckets %d and %d are not contiguous", tt.metric, i-1, i)
			}
			if p.V != tt.want[i] {
				t.Errorf("%s bucket %d = %v at %v, want %v", tt.metric, i, p.V, p.T, tt.want[i])
			}
		}
	}

	c, err := describe(ctx, testStore, "Acme", MetricNegative, base.Add(15*time.Minute), base.Add(20*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if c.Negative != 6 || c.Positive != 0 {
		t.Errorf("sentiment = %+v", c)
	}
	if len(c.Top) != 5 || c.Top[0].Reach != 600 || c.Top[0].URL != "https://x.example/15" {
		t.Errorf("top mentions = %+v", c.Top)
	}
	if len(c.Terms) != 2 || c.Terms[0] != "#acme" || c.Terms[1] != "#outage" {
		t.Errorf("terms = %v", c.Terms)
	}
	if len(c.Networks) != 2 || c.Networks[0] != (NameCount{"x", 4}) || c.Networks[1] != (NameCount{"reddit", 2}) {
		t.Errorf("networks = %v", c.Networks)
	}
}
