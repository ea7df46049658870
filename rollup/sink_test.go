package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/schema"
)

const enrichedTopic = "enriched"

// noCommit stands in for the Kafka reader: Process only commits, and a
// crash between insert and commit is what these tests replay.
type noCommit struct{ commits int }

func (r *noCommit) FetchBatch(context.Context, int, time.Duration) ([]bus.Message, error) {
	return nil, fmt.Errorf("not used")
}
func (r *noCommit) Commit(context.Context, []bus.Message) error { r.commits++; return nil }

type collectDLQ struct{ got []string }

func (d *collectDLQ) Send(_ context.Context, failures ...bus.Failure) error {
	for _, f := range failures {
		d.got = append(d.got, f.Class+": "+f.Reason)
	}
	return nil
}

func newSink(t testing.TB) *Sink {
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	return &Sink{
		In: &noCommit{}, Store: testStore, DLQ: &collectDLQ{}, Validator: v,
		Topics: map[string][]string{enrichedTopic: {"mentions"}, "metrics": {"post_metrics", "audience_snapshots"}},
		Log:    slog.New(slog.DiscardHandler),
	}
}

// enriched makes n enriched-mention messages spread over partitions, with
// offsets counting up per partition as Kafka gives them.
func enriched(t testing.TB, n, partitions int) []bus.Message {
	t.Helper()
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	msgs := make([]bus.Message, n)
	for i := range n {
		em := event.EnrichedMention{
			Mention: event.Mention{Network: "x", NativeID: fmt.Sprint(i), Kind: event.KindPost,
				Author: event.Author{ID: fmt.Sprintf("a%d", i%7), Followers: uint64(100 + i)}, Text: "acme rocks",
				CreatedAt: base.Add(time.Duration(i) * time.Second), Likes: 1},
			Lang: "en", Sentiment: event.Sentiment{Score: 0.5, Label: event.Positive},
			Brands: []event.BrandMatch{{Name: "Acme", Role: event.RoleOwn}}, Reach: uint64(100 + i), EnrichedAt: base,
		}
		env, err := event.Wrap(event.SchemaEnrichedMention, event.ID("test", fmt.Sprint(i)), "test", base, em)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := env.Encode()
		msgs[i] = bus.Message{Topic: enrichedTopic, Partition: i % partitions, Offset: int64(i / partitions), Key: []byte(env.ID), Value: raw}
	}
	return msgs
}

func TestSinkReplayIsNoop(t *testing.T) {
	msgs := enriched(t, 600, 3)
	tests := []struct {
		name    string
		batches [][2]int // [from, to) slices of msgs, each processed by a fresh sink after a "crash"
		want    int64
	}{
		{"same batch twice", [][2]int{{0, 300}, {0, 300}}, 300},
		{"replay cut longer", [][2]int{{0, 150}, {0, 450}}, 450},
		{"replay cut shorter", [][2]int{{0, 450}, {0, 90}}, 450},
		{"three crashes", [][2]int{{0, 100}, {0, 200}, {50, 600}, {0, 600}}, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			truncate(t, "mentions")
			for _, b := range tt.batches {
				if err := newSink(t).Process(context.Background(), msgs[b[0]:b[1]]); err != nil {
					t.Fatal(err)
				}
			}
			if got := count(t, "SELECT count() FROM mentions"); got != tt.want {
				t.Fatalf("rows = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSinkSameSinkContinuesAndReloadsOnGap(t *testing.T) {
	truncate(t, "mentions")
	msgs := enriched(t, 300, 1)
	s := newSink(t)
	ctx := context.Background()
	for _, b := range [][2]int{{0, 100}, {100, 200}, {50, 250}, {250, 300}} {
		if err := s.Process(ctx, msgs[b[0]:b[1]]); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, "SELECT count() FROM mentions"); got != 300 {
		t.Fatalf("rows = %d, want 300", got)
	}
	if got := s.In.(*noCommit).commits; got != 4 {
		t.Fatalf("commits = %d, want one per batch", got)
	}
}

func TestSinkDeadLettersBadEvents(t *testing.T) {
	truncate(t, "mentions", "audience_snapshots")
	s := newSink(t)
	good := enriched(t, 2, 1)
	bad := []bus.Message{
		{Topic: enrichedTopic, Offset: 2, Value: []byte("{")},
		{Topic: enrichedTopic, Offset: 3, Value: []byte(`{"schema":"earshot/nope/v1"}`)},
		{Topic: enrichedTopic, Offset: 4, Value: []byte(`{"schema":"earshot/audience/v1","id":"a:1","source":"a","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","account":"a","followers":1,"observed_at":"2026-11-01T00:00:00Z"}}`)},
		{Topic: "metrics", Offset: 0, Value: []byte(`{"schema":"earshot/audience/v1","id":"a:1","source":"a","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","account":"a","observed_at":"2026-11-01T00:00:00Z"}}`)},
	}
	if err := s.Process(context.Background(), append(good, bad...)); err != nil {
		t.Fatal(err)
	}
	got := s.DLQ.(*collectDLQ).got
	want := []string{"json: not JSON", "schema: unknown schema", "topic: earshot/audience/v1 does not belong on enriched", "schema: earshot/audience/v1: /: missing property 'followers'"}
	if len(got) != len(want) {
		t.Fatalf("dead letters = %q, want %d", got, len(want))
	}
	for i := range want {
		if len(got[i]) < len(want[i]) || got[i][:len(want[i])] != want[i] {
			t.Errorf("dead letter %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
	if n := count(t, "SELECT count() FROM mentions"); n != 2 {
		t.Errorf("mentions = %d, want 2", n)
	}
}

// BenchmarkSinkProcess measures decoding enriched mentions and inserting
// them into the embedded engine, in batches of 50k.
func BenchmarkSinkProcess(b *testing.B) {
	const batch = 48000
	msgs := enriched(b, batch, 6) // batch divisible by 6: equal partitions
	s := newSink(b)
	truncate(b, "mentions")
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		// Each round continues every partition's offsets where the last
		// ended, as Kafka would: new data, no replay, no mark reload.
		for j := range msgs {
			msgs[j].Offset += int64(batch / 6)
		}
		if err := s.Process(ctx, msgs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}

// feeder hands out prepared batches as a Kafka reader would, then waits.
type feeder struct {
	batches [][]bus.Message
	next    int
	commits int
	done    chan struct{}
}

func (f *feeder) FetchBatch(ctx context.Context, _ int, _ time.Duration) ([]bus.Message, error) {
	if f.next < len(f.batches) {
		f.next++
		return f.batches[f.next-1], nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func (f *feeder) Commit(context.Context, []bus.Message) error {
	f.commits++
	if f.commits == len(f.batches) {
		close(f.done)
	}
	return nil
}

// BenchmarkSinkRun measures the sink as it runs: decoding the next batch
// while the current one is inserted, batches of 48k enriched mentions.
func BenchmarkSinkRun(b *testing.B) {
	const batch = 48000
	base := enriched(b, batch, 6)
	truncate(b, "mentions")
	f := &feeder{done: make(chan struct{})}
	for i := range b.N {
		msgs := make([]bus.Message, len(base))
		copy(msgs, base)
		for j := range msgs {
			msgs[j].Offset += int64((i + 1) * batch / 6)
		}
		f.batches = append(f.batches, msgs)
	}
	s := newSink(b)
	s.In = f
	s.BatchMax = batch
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	b.ResetTimer()
	go func() { errc <- s.Run(ctx) }()
	<-f.done
	b.StopTimer()
	cancel()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}

// The sink marks versions of items the table already holds, or that came
// earlier in the batch, as recollected: over 600 KiB of ids, so the lookup
// runs in several queries.
func TestSinkMarksRecollected(t *testing.T) {
	truncate(t, "mentions", "mentions_5m")
	base := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	var offset int64
	msg := func(i int) bus.Message {
		em := event.EnrichedMention{
			Mention: event.Mention{Network: "x", NativeID: fmt.Sprintf("%040d", i), Kind: event.KindPost,
				Author: event.Author{ID: "a"}, Text: "acme", CreatedAt: base.Add(time.Duration(i) * time.Second)},
			Sentiment: event.Sentiment{Label: event.Neutral}, Brands: []event.BrandMatch{{Name: "Acme", Role: event.RoleOwn}}, EnrichedAt: base,
		}
		env, err := event.Wrap(event.SchemaEnrichedMention, event.ID("x", em.Mention.NativeID), "x", base, em)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := env.Encode()
		offset++
		return bus.Message{Topic: enrichedTopic, Offset: offset - 1, Key: []byte(env.ID), Value: raw}
	}
	var first, second []bus.Message
	for i := range 6000 {
		first = append(first, msg(i))
	}
	for i := range 12000 {
		if i >= 6000 || i%2 == 0 {
			second = append(second, msg(i))
		}
	}
	second = append(second, msg(11999)) // twice in one batch
	s := newSink(t)
	for _, b := range [][]bus.Message{first, second} {
		if err := s.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, "SELECT count() FROM mentions WHERE recollected = 1"); got != 3001 {
		t.Errorf("%d rows marked recollected, want 3001 (3000 collected again, one twice in a batch)", got)
	}
	if got := count(t, "SELECT countMerge(mentions) FROM mentions_5m"); got != 12000 {
		t.Errorf("the 5-minute view counts %d mentions, want each of the 12000 items once", got)
	}
}
