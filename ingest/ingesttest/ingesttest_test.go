package ingesttest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// fakeTB records what a helper reports instead of failing the test that
// checks the helper. Fatalf panics with errFatal, as the real one ends
// the goroutine; run catches it.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	fatal    string
	cleanups []func()
}

var errFatal = errors.New("fatal")

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	panic(errFatal)
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) Output() io.Writer { return io.Discard }

func (f *fakeTB) errors() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}

// run calls fn with f, and reports whether fn ended in Fatalf.
func (f *fakeTB) run(fn func()) (fatal bool) {
	defer func() {
		if r := recover(); r != nil {
			if r != errFatal {
				panic(r)
			}
			fatal = true
		}
	}()
	fn()
	return false
}

func shortPatience(t *testing.T) {
	patience = 50 * time.Millisecond
	t.Cleanup(func() { patience = Patience })
}

func mention(t *testing.T, id string, m event.Mention) event.Envelope {
	t.Helper()
	env, err := event.Wrap(event.SchemaMention, id, "test", time.Now(), m)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func validMention(t *testing.T, id string) event.Envelope {
	return mention(t, id, event.Mention{Network: "reddit", NativeID: id, Kind: "post",
		Author: event.Author{ID: "u1"}, Text: "acme", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
}

func TestRecorder(t *testing.T) {
	ft := &fakeTB{TB: t}
	r := NewRecorder(ft)
	audience, err := event.Wrap(event.SchemaAudience, "reddit:aud1", "test", time.Now(), event.AudienceSnapshot{
		Network: "reddit", Account: "acme", Followers: 3, ObservedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	invalid := mention(t, "reddit:bad", event.Mention{Network: "reddit", NativeID: "bad", Kind: "tweet"})
	if err := r.Publish(t.Context(), validMention(t, "reddit:1"), audience); err != nil {
		t.Fatal(err)
	}
	if errs := ft.errors(); len(errs) != 0 {
		t.Fatalf("valid envelopes failed the test: %v", errs)
	}
	if err := r.Publish(t.Context(), invalid, validMention(t, "reddit:2")); err != nil {
		t.Fatal(err)
	}
	if errs := ft.errors(); len(errs) != 1 || !strings.Contains(errs[0], "reddit:bad") {
		t.Errorf("errors %v, want one naming the invalid envelope", errs)
	}
	if err := r.Reject(t.Context(), ingest.Rejected{Source: "test", Key: "k", Class: "malformed"}); err != nil {
		t.Fatal(err)
	}

	if got, want := r.IDs(), []string{"reddit:1", "reddit:aud1", "reddit:bad", "reddit:2"}; !slices.Equal(got, want) {
		t.Errorf("IDs() = %v, want %v (invalid ones kept, in order)", got, want)
	}
	if got, want := r.IDs(event.SchemaMention), []string{"reddit:1", "reddit:bad", "reddit:2"}; !slices.Equal(got, want) {
		t.Errorf("IDs(mention) = %v, want %v", got, want)
	}
	if got := r.Envelopes(event.SchemaAudience, event.SchemaPostMetrics); len(got) != 1 || got[0].ID != "reddit:aud1" {
		t.Errorf("Envelopes(audience, post metrics) = %v", got)
	}
	if got := r.Rejects(); len(got) != 1 || got[0].Key != "k" {
		t.Errorf("Rejects() = %+v", got)
	}
	// What the Recorder hands out is a copy.
	r.Envelopes()[0].ID = "changed"
	r.Rejects()[0].Key = "changed"
	if r.IDs()[0] != "reddit:1" || r.Rejects()[0].Key != "k" {
		t.Error("changing a returned slice changed the Recorder")
	}
}

func TestRecorderIsSafeForConcurrentUse(t *testing.T) {
	r := NewRecorder(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			_ = r.Publish(t.Context(), validMention(t, fmt.Sprintf("reddit:%d", i)))
			_ = r.Reject(t.Context(), ingest.Rejected{Key: fmt.Sprint(i)})
			_ = r.IDs()
		})
	}
	wg.Wait()
	if len(r.IDs()) != 8 || len(r.Rejects()) != 8 {
		t.Errorf("%d envelopes, %d rejects, want 8 of each", len(r.IDs()), len(r.Rejects()))
	}
}

// source is a fake ingest.Source: it publishes one envelope, then waits
// for ctx and returns err.
type source struct {
	env event.Envelope
	err error
}

func (s source) Name() string { return "fake" }

func (s source) Run(ctx context.Context, pub ingest.Publisher) error {
	if err := pub.Publish(ctx, s.env); err != nil {
		return err
	}
	<-ctx.Done()
	return s.err
}

func TestStartStop(t *testing.T) {
	tests := []struct {
		name    string
		runErr  error
		wantErr bool
	}{
		{"nil on cancel", nil, false},
		{"error on cancel", errors.New("boom"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTB{TB: t}
			rec := NewRecorder(t)
			run := Start(ft, source{env: validMention(t, "reddit:1"), err: tt.runErr}, rec)
			WaitForIDs(t, rec, "reddit:1")
			if len(ft.cleanups) != 1 {
				t.Fatalf("%d cleanups registered, want Stop", len(ft.cleanups))
			}
			run.Stop()
			run.Stop()
			ft.cleanups[0]()
			errs := ft.errors()
			if tt.wantErr != (len(errs) == 1) || len(errs) > 1 {
				t.Errorf("errors %v, want one only when Run returns an error", errs)
			}
			if tt.wantErr && !strings.Contains(errs[0], "boom") {
				t.Errorf("error %q does not give Run's", errs[0])
			}
		})
	}
}

// hung is a source whose Run ignores cancel: it returns only when
// released.
type hung struct{ release chan struct{} }

func (hung) Name() string                                  { return "hung" }
func (h hung) Run(context.Context, ingest.Publisher) error { <-h.release; return nil }

func TestStopGivesUpOnAHungSource(t *testing.T) {
	shortPatience(t)
	ft := &fakeTB{TB: t}
	src := hung{release: make(chan struct{})}
	defer close(src.release)
	run := Start(ft, src, NewRecorder(t))
	if !ft.run(run.Stop) || !strings.Contains(ft.fatal, "hung: Run did not return") {
		t.Errorf("Stop of a hung source: fatal %q", ft.fatal)
	}
}

func TestBuild(t *testing.T) {
	ok := func(cfg string, _ ingest.Deps) (ingest.Source, error) { return source{}, nil }
	bad := func(cfg string, _ ingest.Deps) (ingest.Source, error) { return nil, errors.New("name = : name it") }
	ft := &fakeTB{TB: t}
	if src := Build(ft, ok, "cfg", ingest.Deps{}); src == nil || ft.fatal != "" {
		t.Errorf("Build = %v, fatal %q", src, ft.fatal)
	}
	if !ft.run(func() { Build(ft, bad, "cfg", ingest.Deps{}) }) || !strings.Contains(ft.fatal, "name it") {
		t.Errorf("Build of a refused config: fatal %q", ft.fatal)
	}
}

func TestWaits(t *testing.T) {
	shortPatience(t)
	rec := NewRecorder(t)
	_ = rec.Publish(t.Context(), validMention(t, "reddit:1"), validMention(t, "reddit:2"))
	store := &fakeStore{}
	_ = store.Save(t.Context(), "c/q", []byte("cursor"))
	tests := []struct {
		name  string
		wait  func(t testing.TB)
		fatal string // part of the message; "" when the wait must succeed
	}{
		{"condition holds", func(t testing.TB) { Eventually(t, "truth", func() bool { return true }) }, ""},
		{"condition never holds", func(t testing.TB) { Eventually(t, "the impossible", func() bool { return false }) }, "waiting for the impossible"},
		{"enough envelopes", func(t testing.TB) { WaitForEnvelopes(t, rec, 2, event.SchemaMention) }, ""},
		{"too few envelopes", func(t testing.TB) { WaitForEnvelopes(t, rec, 3) }, "3 envelopes (2 published)"},
		{"none of a schema", func(t testing.TB) { WaitForEnvelopes(t, rec, 1, event.SchemaAudience) }, "(0 published)"},
		{"ids there", func(t testing.TB) { WaitForIDs(t, rec, "reddit:2", "reddit:1") }, ""},
		{"an id missing", func(t testing.TB) { WaitForIDs(t, rec, "reddit:1", "reddit:3") }, "still missing [reddit:3]"},
		{"checkpoint saved", func(t testing.TB) {
			if got := WaitForCheckpoint(t, store, "c/q"); string(got) != "cursor" {
				t.Errorf("checkpoint %q", got)
			}
		}, ""},
		{"no checkpoint", func(t testing.TB) { WaitForCheckpoint(t, store, "c/other") }, "checkpoint c/other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTB{TB: t}
			fatal := ft.run(func() { tt.wait(ft) })
			if fatal != (tt.fatal != "") || !strings.Contains(ft.fatal, tt.fatal) || len(ft.errors()) > 0 {
				t.Errorf("fatal %v %q, errors %v; want fatal %q", fatal, ft.fatal, ft.errors(), tt.fatal)
			}
		})
	}
}

func TestWaitsSeeLaterEvents(t *testing.T) {
	rec := NewRecorder(t)
	go func() {
		time.Sleep(20 * time.Millisecond)
		_ = rec.Publish(context.Background(), validMention(t, "reddit:late"))
	}()
	WaitForIDs(t, rec, "reddit:late")
}

type fakeStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *fakeStore) Load(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok, nil
}

func (s *fakeStore) Save(_ context.Context, key string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[key] = v
	return nil
}

func TestNoDuplicates(t *testing.T) {
	tests := []struct {
		ids  []string
		errs int
	}{
		{nil, 0},
		{[]string{"a", "b"}, 0},
		{[]string{"a", "b", "a"}, 1},
		{[]string{"a", "a", "a", "b", "b"}, 2},
	}
	for _, tt := range tests {
		ft := &fakeTB{TB: t}
		NoDuplicates(ft, tt.ids)
		if errs := ft.errors(); len(errs) != tt.errs {
			t.Errorf("NoDuplicates(%v) reported %v, want %d errors", tt.ids, errs, tt.errs)
		}
	}
	if got := Distinct([]string{"b", "a", "b"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Distinct = %v", got)
	}
}

func TestCheckRejects(t *testing.T) {
	rj := ingest.Rejected{Source: "reddit-test", Key: "https://x/search?q=acme", Body: []byte(`{"kind"`), Class: "malformed"}
	tests := []struct {
		name string
		got  []ingest.Rejected
		want []WantReject
		ok   bool
	}{
		{"none, none wanted", nil, nil, true},
		{"one, none wanted", []ingest.Rejected{rj}, nil, false},
		{"none, one wanted", nil, []WantReject{{}}, false},
		{"any one", []ingest.Rejected{rj}, []WantReject{{}}, true},
		{"all fields", []ingest.Rejected{rj}, []WantReject{{Source: "reddit-test", Class: "malformed", Body: `{"kind"`, Key: "/search?"}}, true},
		{"other source", []ingest.Rejected{rj}, []WantReject{{Source: "youtube-test"}}, false},
		{"other class", []ingest.Rejected{rj}, []WantReject{{Class: "invalid"}}, false},
		{"other body", []ingest.Rejected{rj}, []WantReject{{Body: `{"kind":`}}, false},
		{"key elsewhere", []ingest.Rejected{rj}, []WantReject{{Key: "/comments/"}}, false},
		{"in order", []ingest.Rejected{rj, {Class: "invalid"}}, []WantReject{{Class: "malformed"}, {Class: "invalid"}}, true},
		{"out of order", []ingest.Rejected{rj, {Class: "invalid"}}, []WantReject{{Class: "invalid"}, {Class: "malformed"}}, false},
	}
	for _, tt := range tests {
		ft := &fakeTB{TB: t}
		CheckRejects(ft, tt.got, tt.want...)
		if ok := len(ft.errors()) == 0; ok != tt.ok {
			t.Errorf("%s: CheckRejects reported %v, want ok %v", tt.name, ft.errors(), tt.ok)
		}
	}
}

func TestHarness(t *testing.T) {
	h := NewHarness(t)
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	h.Now = func() time.Time { return at }
	h.Backfill = 48 * time.Hour
	d := h.Deps()
	if d.Checkpoints != h.Store || d.Metrics != h.Metrics || d.Backfill != 48*time.Hour || !d.Now().Equal(at) {
		t.Errorf("deps %+v do not carry the harness's store, metrics, backfill and clock", d)
	}
	if d.Fetch.BaseBackoff > 10*time.Millisecond || d.Fetch.MaxBackoff > 2*time.Second || d.Fetch.MaxRetries == 0 {
		t.Errorf("fetch options %+v: want fast, bounded retries", d.Fetch)
	}
	d.Log.Debug("polled", "query", "acme")
	if !strings.Contains(h.Logs.String(), "query=acme") {
		t.Errorf("debug log not kept: %q", h.Logs.String())
	}

	if h.Errors("src") != 0 || h.Requests("src", "429") != 0 || h.PolledOK("src") {
		t.Error("a new harness has metrics")
	}
	h.Metrics.SourceError("src")
	h.Metrics.SourceRequest("src", "429")
	h.Metrics.SourceRequest("src", "429")
	h.Metrics.SourceOK("src", at)
	if h.Errors("src") != 1 || h.Requests("src", "429") != 2 || h.Requests("src", "200") != 0 || !h.PolledOK("src") || h.PolledOK("other") {
		t.Errorf("errors %v, 429s %v, polled %v", h.Errors("src"), h.Requests("src", "429"), h.PolledOK("src"))
	}
	if !NewHarness(t).Deps().Now().After(at) {
		t.Error("the default clock is not time.Now")
	}
}

func TestAnswer(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(http.ResponseWriter)
		code    int
		body    string
		headers map[string]string
	}{
		{"JSON", Answer(200, `{"a":1}`), 200, `{"a":1}`, map[string]string{"Content-Type": "application/json"}},
		{"with headers", Answer(429, `{}`, "Retry-After", "1", "RateLimit-Remaining", "0"), 429, `{}`,
			map[string]string{"Retry-After": "1", "RateLimit-Remaining": "0", "Content-Type": "application/json"}},
		{"own content type", Answer(500, `<html>`, "Content-Type", "text/html"), 500, `<html>`, map[string]string{"Content-Type": "text/html"}},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		tt.answer(w)
		if w.Code != tt.code || w.Body.String() != tt.body {
			t.Errorf("%s: %d %q, want %d %q", tt.name, w.Code, w.Body, tt.code, tt.body)
		}
		for k, v := range tt.headers {
			if got := w.Header().Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", tt.name, k, got, v)
			}
		}
	}
}

func TestLockedBuffer(t *testing.T) {
	var b LockedBuffer
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				fmt.Fprint(&b, "x")
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if n := len(b.String()); n != 400 {
		t.Errorf("%d bytes, want 400", n)
	}
}
