package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

// One embedded broker serves the package; each test gets topics of its own.
var (
	brokers  []string
	topicSeq atomic.Int64
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "earshot-webhook-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	b, err := bus.StartEmbedded(context.Background(), dir, 0, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(os.Stderr, "start broker:", err)
		return 1
	}
	defer b.Close()
	brokers = b.Addrs()
	return m.Run()
}

const (
	testSender = "shop"
	testSecret = "0123456789abcdef-test-secret"
)

// testConfig is a receiver on a free port with one sender.
func testConfig() Config {
	return Config{
		Name: "webhook", Listen: "127.0.0.1:0", MaxBody: 1 << 20,
		Senders: []Sender{{Name: testSender, Secret: testSecret}, {Name: "crm", Secret: "another-secret-of-enough-length"}},
	}
}

// newTestSource builds a receiver of c with the dependencies of h.
func newTestSource(t testing.TB, c Config, h *ingesttest.Harness) *Source {
	t.Helper()
	return newQuietSource(t, c, h.Deps())
}

// newQuietSource builds a receiver of c with deps, logging nothing: for
// fuzzing and benchmarks, whose logs would pile up in a Harness.
func newQuietSource(t testing.TB, c Config, deps ingest.Deps) *Source {
	t.Helper()
	deps.Log = slog.New(slog.DiscardHandler)
	s, err := newSource(c, deps)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// kafka is a real KafkaPublisher on the embedded broker, with topics of
// the test's own.
type kafka struct {
	pub    *ingest.KafkaPublisher
	bus    bus.Config
	topics ingest.Topics
	dlq    string
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

func newKafka(t testing.TB, m *telemetry.Metrics) *kafka {
	t.Helper()
	prefix := fmt.Sprintf("t%d-%s.", topicSeq.Add(1), nonName.ReplaceAllString(strings.ToLower(t.Name()), "-"))
	k := &kafka{
		bus:    bus.Config{Brokers: brokers, ClientID: "webhook-test", Partitions: 3, Log: slog.New(slog.DiscardHandler)},
		topics: ingest.Topics{Mentions: prefix + "raw.mentions", Metrics: prefix + "raw.metrics", Business: prefix + "raw.business"},
		dlq:    prefix + "deadletter",
	}
	var specs []bus.TopicSpec
	for _, name := range []string{k.topics.Mentions, k.topics.Metrics, k.topics.Business, k.dlq} {
		specs = append(specs, bus.TopicSpec{Name: name, Partitions: 3, ReplicationFactor: 1})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := bus.EnsureTopics(ctx, k.bus, specs); err != nil {
		t.Fatal(err)
	}
	w := bus.NewWriter(k.bus, "collect", m)
	t.Cleanup(func() { w.Close() })
	k.pub = &ingest.KafkaPublisher{W: w, DLQ: bus.NewDeadLetters(w, k.dlq, "collect", m), Validator: ingesttest.Validator(t), Topics: k.topics, Metrics: m}
	return k
}

// read returns the envelopes on a topic, checking each against the schemas.
func (k *kafka) read(t testing.TB, topic string) []event.Envelope {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	msgs, err := bus.ReadAll(ctx, k.bus, topic)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]event.Envelope, 0, len(msgs))
	for _, m := range msgs {
		env, err := ingesttest.Validator(t).Parse(m.Value)
		if err != nil {
			t.Fatalf("message on %s fails the schemas: %v\n%s", topic, err, m.Value)
		}
		if string(m.Key) != env.ID {
			t.Errorf("key %q differs from event id %q", m.Key, env.ID)
		}
		out = append(out, env)
	}
	return out
}

// counts returns how many events each raw topic and the dead-letter topic hold.
func (k *kafka) counts(t testing.TB) [4]int {
	return [4]int{len(k.read(t, k.topics.Mentions)), len(k.read(t, k.topics.Metrics)), len(k.read(t, k.topics.Business)), k.deadLetters(t)}
}

func (k *kafka) deadLetters(t testing.TB) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	msgs, err := bus.ReadAll(ctx, k.bus, k.dlq)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

// Fixtures: one valid event of each kind, as a sender would build them.
var fixedTime = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func mention(i int) event.Mention {
	return event.Mention{
		Network: "shopreviews", NativeID: "r" + strconv.Itoa(i), Kind: event.KindReview,
		Author: event.Author{ID: "cust" + strconv.Itoa(i%50), Name: "A customer"},
		Text:   "Acme kettle boils fast, lid feels flimsy #" + strconv.Itoa(i), CreatedAt: fixedTime,
		Rating: ptr(4.0),
	}
}

func ptr[T any](v T) *T { return &v }

func envelope(t testing.TB, schemaName, id string, data any) event.Envelope {
	t.Helper()
	env, err := event.Wrap(schemaName, id, testSender, fixedTime, data)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func allKinds(t testing.TB) []event.Envelope {
	return []event.Envelope{
		envelope(t, event.SchemaMention, "shop:review-1", mention(1)),
		envelope(t, event.SchemaPostMetrics, "shop:post-1", event.PostMetrics{Network: "instagram", Account: "acme", PostID: "p1", PublishedAt: fixedTime, ObservedAt: fixedTime, Impressions: 1200, Reach: 900, Likes: 40}),
		envelope(t, event.SchemaAudience, "shop:aud-1", event.AudienceSnapshot{Network: "instagram", Account: "acme", Followers: 10450, ObservedAt: fixedTime}),
		envelope(t, event.SchemaConversion, "shop:order-1", event.Conversion{OccurredAt: fixedTime, Type: "purchase", Value: 49.9, Currency: "EUR", UTMSource: "instagram", UTMMedium: "social", UTMCampaign: "winter"}),
		envelope(t, event.SchemaAdSpend, "shop:spend-1", event.AdSpend{Date: "2026-11-19", Network: "facebook", Campaign: "winter", Spend: 120.5, Currency: "EUR", Impressions: 30000, Clicks: 410}),
	}
}

func jsonArray(t testing.TB, envs []event.Envelope) []byte {
	t.Helper()
	b, err := json.Marshal(envs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ndjson(t testing.TB, envs []event.Envelope) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range envs {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func mentions(t testing.TB, n int) []event.Envelope {
	envs := make([]event.Envelope, n)
	for i := range envs {
		envs[i] = envelope(t, event.SchemaMention, fmt.Sprintf("shop:review-%d", i), mention(i))
	}
	return envs
}

// signedRequest builds a request signed as a sender would sign it.
func signedRequest(t testing.TB, url, secret string, body []byte, contentType string, ts time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	return req
}

func do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}
