package enrich

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/schema"
)

var dedupT0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

func newTestDedup(window time.Duration, distance, max int) *DedupStep {
	s := NewDedupStep(Dedup{Window: window, Distance: distance, MaxEntries: max})
	s.now = func() time.Time { return dedupT0.Add(30 * 24 * time.Hour) }
	return s
}

// words makes a reproducible text of n pseudo-words.
func words(r *rand.Rand, n int) []string {
	syl := []string{"ka", "lo", "mi", "ne", "ru", "ta", "bi", "so", "de", "wu", "pa", "gi", "ho", "ze", "fa", "ti"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		out[i] = b.String()
	}
	return out
}

func TestDedupNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Great product, love it", "great product love it"},
		{"RT @acme: Great   PRODUCT, love it https://t.co/abc", "great product love it"},
		{"RT @a: RT @b.bsky.social: great product", "great product"},
		{"great product via @bob", "great product"},
		{"cc @bob great product", "great product"},
		{"rt is a word without a handle", "rt is a word without a handle"},
		{"Hello @bob how are you (@alice)", "hello how are you"},
		{"#Acme rocks!!! www.acme.com", "acme rocks"},
		{"check bit.ly/abc now", "check now"},
		{"mail a@b.com today", "mail a b com today"},
		{"ÜNÏCODE Çafé naïve", "ünïcode çafé naïve"},
		{"Acme 🔥🔥🔥", "acme"},
		{"🔥🔥🔥", ""},
		{"", ""},
		{"@only @handles", ""},
		{"line\nbreaks\tand\u00a0nbsp", "line breaks and nbsp"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var n dedupNorm
			got := n.run(tt.in)
			if string(n.buf) != tt.want {
				t.Fatalf("normalize(%q) = %q, want %q", tt.in, n.buf, tt.want)
			}
			if want := len(strings.Fields(tt.want)); got != want {
				t.Fatalf("normalize(%q) counted %d tokens, want %d", tt.in, got, want)
			}
		})
	}
}

func FuzzDedupNormalize(f *testing.F) {
	for _, s := range []string{"RT @x: hello world", "via @", "@", "http://", "a@b", "\xff\xfe", "🔥 @a.b. rt @c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n dedupNorm
		got := n.run(s)
		if got != len(n.toks) {
			t.Fatalf("count %d, %d hashes", got, len(n.toks))
		}
		if got != len(strings.Fields(string(n.buf))) {
			t.Fatalf("%d tokens but buf %q", got, n.buf)
		}
		// Normalizing is idempotent: the output is its own normal form.
		var again dedupNorm
		again.run(string(n.buf))
		if string(again.buf) != string(n.buf) {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n.buf, again.buf)
		}
	})
}

type dedupCall struct {
	id    string
	text  string
	after time.Duration // after dedupT0
	want  string        // "" (not a duplicate) or "kind:cluster"
}

func TestDedupStep(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	long := strings.Join(words(r, 120), " ")
	longMore := long + " " + strings.Join(words(r, 1), " ") // one word appended
	other := strings.Join(words(r, 120), " ")
	tests := []struct {
		name  string
		max   int
		calls []dedupCall
	}{
		{"repost is exact", 0, []dedupCall{
			{"x:1", "Acme's new rocket is finally out, great work", 0, ""},
			{"x:2", "RT @fan: Acme's new rocket is finally out, great work https://t.co/z", time.Minute, "exact:x:1"},
			{"x:3", "acme S NEW ROCKET is finally   out great work!!", 2 * time.Minute, "exact:x:1"},
		}},
		{"near duplicate", 0, []dedupCall{
			{"news:1", long, 0, ""},
			{"news:2", longMore, time.Hour, "near:news:1"},
			{"news:3", "RT @x: " + longMore, 2 * time.Hour, "exact:news:1"},
		}},
		{"unrelated", 0, []dedupCall{
			{"news:1", long, 0, ""},
			{"news:2", other, time.Hour, ""},
			{"x:3", "something else entirely about rockets", time.Hour, ""},
		}},
		{"short texts are compared exactly only", 0, []dedupCall{
			{"x:1", "love the new rocket", 0, ""},
			{"x:2", "love the new rocket!", time.Minute, "exact:x:1"},
			{"x:3", "love the old rocket", time.Minute, ""},
			{"x:4", "thank you", time.Minute, ""},
			{"x:5", "thank you", time.Minute, ""}, // two words repeat by chance
		}},
		{"window expires", 0, []dedupCall{
			{"x:1", "Acme launches the new rocket today", 0, ""},
			{"x:2", "Acme launches the new rocket today", 25 * time.Hour, ""},
			{"x:3", "Acme launches the new rocket today", 26 * time.Hour, "exact:x:2"},
			{"news:1", long, 27 * time.Hour, ""},
			{"news:2", longMore, 52 * time.Hour, ""},
		}},
		{"repeats keep a cluster alive", 0, []dedupCall{
			{"x:1", "Acme launches the new rocket today", 0, ""},
			{"x:2", "Acme launches the new rocket today", 20 * time.Hour, "exact:x:1"},
			{"x:3", "Acme launches the new rocket today", 40 * time.Hour, "exact:x:1"},
		}},
		{"late mention outside the window", 0, []dedupCall{
			{"x:1", "Acme launches the new rocket today", 48 * time.Hour, ""},
			{"x:2", "Acme launches the new rocket today", 0, ""},
			{"x:3", "Acme launches the new rocket today", 48 * time.Hour, "exact:x:1"},
		}},
		{"redelivery gets the first answer", 0, []dedupCall{
			{"x:1", "Acme launches the new rocket today", 0, ""},
			{"x:2", "RT @a: Acme launches the new rocket today", time.Minute, "exact:x:1"},
			{"x:1", "Acme launches the new rocket today", 2 * time.Minute, ""},
			{"x:2", "RT @a: Acme launches the new rocket today", 3 * time.Minute, "exact:x:1"},
			{"news:1", long, 0, ""},
			{"news:2", longMore, time.Minute, "near:news:1"},
			{"news:2", longMore, time.Hour, "near:news:1"},
			{"news:1", long + " edited", time.Hour, ""}, // an edit of the same mention is not its own duplicate
		}},
		{"eviction at max entries", 2, []dedupCall{
			{"x:1", "first text about the rocket launch", 0, ""},
			{"x:2", "second text about the rocket launch", time.Second, ""},
			{"x:3", "third text about the rocket launch", 2 * time.Second, ""},
			{"x:4", "first text about the rocket launch", 3 * time.Second, ""}, // x:1 was evicted
			{"x:5", "third text about the rocket launch", 4 * time.Second, "exact:x:3"},
		}},
		{"no id: compared, not remembered", 0, []dedupCall{
			{"x:1", "Acme launches the new rocket today", 0, ""},
			{"", "Acme launches the new rocket today", time.Minute, "exact:x:1"},
			{"", "something never seen before at all", time.Minute, ""},
			{"x:2", "something never seen before at all", time.Minute, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestDedup(24*time.Hour, 3, tt.max)
			for i, c := range tt.calls {
				d := NewDoc(c.id, "test", event.Mention{Text: c.text, CreatedAt: dedupT0.Add(c.after)})
				if err := s.Apply(d); err != nil {
					t.Fatal(err)
				}
				got := ""
				if d.Out.Duplicate != nil {
					got = d.Out.Duplicate.Kind + ":" + d.Out.Duplicate.Cluster
				}
				if got != c.want {
					t.Fatalf("call %d (%s): got %q, want %q", i, c.id, got, c.want)
				}
			}
		})
	}
}

// TestDedupDistanceZero: with distance 0 the block index is one 64-bit
// block; copies are still found.
func TestDedupDistanceZero(t *testing.T) {
	s := newTestDedup(time.Hour, 0, 0)
	r := rand.New(rand.NewPCG(3, 4))
	w := words(r, 400)
	text := strings.Join(w, " ")
	for i, tc := range []struct{ text, want string }{
		{text, ""},
		{strings.Join(words(r, 400), " "), ""},
		{"RT @x: " + text, "exact:x:0"},
	} {
		d := NewDoc(fmt.Sprint("x:", i), "x", event.Mention{Text: tc.text, CreatedAt: dedupT0})
		_ = s.Apply(d)
		got := ""
		if d.Out.Duplicate != nil {
			got = d.Out.Duplicate.Kind + ":" + d.Out.Duplicate.Cluster
		}
		if got != tc.want {
			t.Fatalf("case %d: got %q, want %q", i, got, tc.want)
		}
	}
}

func simOf(text string) uint64 {
	var n dedupNorm
	n.run(text)
	return n.simHash()
}

// TestSimHashProperty: on long texts, changing k words moves the SimHash
// by few bits, more for larger k; unrelated texts are far apart. SimHash
// is statistical, so the property is stated over many random texts.
func TestSimHashProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const trials = 300
	for _, tc := range []struct {
		words, k int
		within   float64 // share of trials at distance ≤ 3, a floor below what was measured
	}{
		{30, 1, 0}, // a tweet: near matching rarely fires, reposts are exact
		{100, 1, 0.15},
		{400, 0, 1},
		{400, 1, 0.70},
		{1000, 1, 0.88},
		{1000, 2, 0.75},
	} {
		hits, total := 0, 0
		for range trials {
			w := words(r, tc.words)
			a := simOf(strings.Join(w, " "))
			for range tc.k {
				w[r.IntN(len(w))] = "changed" + fmt.Sprint(r.IntN(1000))
			}
			d := bits.OnesCount64(a ^ simOf(strings.Join(w, " ")))
			total += d
			if d <= 3 {
				hits++
			}
		}
		share := float64(hits) / trials
		t.Logf("%d words, %d changed: %.0f%% within 3 bits, mean distance %.2f", tc.words, tc.k, 100*share, float64(total)/trials)
		if share < tc.within {
			t.Errorf("%d words, %d changed: %.2f within 3 bits, want ≥ %.2f", tc.words, tc.k, share, tc.within)
		}
	}
	for range trials {
		a, b := simOf(strings.Join(words(r, 50), " ")), simOf(strings.Join(words(r, 50), " "))
		if d := bits.OnesCount64(a ^ b); d <= 8 {
			t.Fatalf("unrelated texts %d bits apart", d)
		}
	}
}

// TestDedupIndexMatchesScan checks the block index against a brute-force
// scan: every entry within the distance must be found.
func TestDedupIndexMatchesScan(t *testing.T) {
	for _, dist := range []int{0, 1, 3, 5, 8} {
		x := newDedupIndex(dist, 5000)
		r := rand.New(rand.NewPCG(uint64(dist), 7))
		var sims []uint64
		for i := range 3000 {
			sim := r.Uint64()
			if i > 0 && r.IntN(2) == 0 { // a near copy of an earlier one
				sim = sims[r.IntN(len(sims))]
				for range r.IntN(dist + 2) {
					sim ^= 1 << r.IntN(64)
				}
			}
			want := -1
			for j, s := range sims {
				if bits.OnesCount64(s^sim) <= dist {
					want = j
					break
				}
			}
			e, ok := x.near(sim, 0, 0)
			if ok != (want >= 0) {
				t.Fatalf("dist %d entry %d: found %v, scan found %d", dist, i, ok, want)
			}
			if ok && bits.OnesCount64(e.sim^sim) > dist {
				t.Fatalf("dist %d: returned an entry %d bits away", dist, bits.OnesCount64(e.sim^sim))
			}
			sims = append(sims, sim)
			x.insert(dedupEntry{id: uint64(i + 1), sim: sim, indexed: true, cluster: fmt.Sprint(i)})
		}
		if x.ids.n != 3000 || x.n != 3000 {
			t.Fatalf("dist %d: %d ids, %d entries after growth", dist, x.ids.n, x.n)
		}
	}
}

// TestDedupStateBounded: entries leave the window and the maps with it.
func TestDedupStateBounded(t *testing.T) {
	s := newTestDedup(time.Minute, 3, 100)
	r := rand.New(rand.NewPCG(8, 9))
	for i := range 1000 {
		text := strings.Join(words(r, 10), " ")
		d := NewDoc(fmt.Sprint("x:", i), "x", event.Mention{Text: text, CreatedAt: dedupT0.Add(time.Duration(i) * time.Second)})
		_ = s.Apply(d)
		if s.Len() > 100 {
			t.Fatalf("%d entries, max 100", s.Len())
		}
	}
	if s.Len() != 61 { // one minute of one per second, both ends included
		t.Errorf("%d entries in a one-minute window", s.Len())
	}
	if s.idx.ids.n != s.Len() || s.idx.texts.n != s.Len() {
		t.Errorf("maps leak: %d ids, %d texts for %d entries", s.idx.ids.n, s.idx.texts.n, s.Len())
	}
	n := 0
	for _, tab := range s.idx.tables {
		for _, b := range tab {
			n += len(b.slots)
		}
	}
	if n != s.Len()*len(s.idx.blocks) {
		t.Errorf("%d table entries for %d mentions × %d blocks", n, s.Len(), len(s.idx.blocks))
	}
}

// TestDedupFutureTimestamp: one mention dated far ahead does not expire
// the window for everything else.
func TestDedupFutureTimestamp(t *testing.T) {
	s := newTestDedup(time.Hour, 3, 0)
	now := dedupT0
	s.now = func() time.Time { return now }
	apply := func(id, text string, at time.Time) *event.Duplicate {
		d := NewDoc(id, "x", event.Mention{Text: text, CreatedAt: at})
		_ = s.Apply(d)
		return d.Out.Duplicate
	}
	apply("x:1", "Acme launches the new rocket today", now)
	apply("x:2", "a bogus date far in the future here", now.AddDate(5, 0, 0))
	if got := apply("x:3", "Acme launches the new rocket today", now.Add(time.Minute)); got == nil {
		t.Fatal("a future timestamp expired the window")
	}
}

// TestDedupSerialInStage runs the dedup step inside the stage, whose
// parallel steps use every core, and checks that duplicates follow input
// order. Run with -race: the stage must never call the serial step from
// two goroutines at once.
func TestDedupSerialInStage(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0))))
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.Languages = []string{"en", "id"}
	steps, err := c.Build([]BrandQuery{{Name: "Acme", Role: event.RoleOwn, Keywords: []string{"acme"}}})
	if err != nil {
		t.Fatal(err)
	}
	st := &Stage{Validator: v, Enricher: &Enricher{Steps: steps, Now: time.Now}}
	texts := []string{"Acme launches the new rocket today", "Acme support never answers my emails", "Cheap flights to Bali this weekend only"}
	var msgs []bus.Message
	for i := range 600 {
		m := event.Mention{Network: "x", NativeID: fmt.Sprint(i), Kind: event.KindPost, Author: event.Author{ID: "a"},
			Text: texts[i%len(texts)], CreatedAt: dedupT0.Add(time.Duration(i) * time.Second)}
		env, err := event.Wrap(event.SchemaMention, event.ID("x", m.NativeID), "x", dedupT0, m)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, bus.Message{Value: raw})
	}
	values, errs := st.enrichAll(msgs)
	for i, raw := range values {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		env, err := v.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		var em event.EnrichedMention
		if err := env.Decode(&em); err != nil {
			t.Fatal(err)
		}
		if i < len(texts) {
			if em.Duplicate != nil {
				t.Fatalf("mention %d is the first of its text but marked %+v", i, em.Duplicate)
			}
			continue
		}
		want := event.Duplicate{Cluster: event.ID("x", fmt.Sprint(i%len(texts))), Kind: event.DupExact}
		if em.Duplicate == nil || *em.Duplicate != want {
			t.Fatalf("mention %d: %+v, want %+v", i, em.Duplicate, want)
		}
	}
}

func benchTexts(r *rand.Rand, n, words int) []string {
	vocab := make([]string, 20000)
	syl := []string{"ka", "lo", "mi", "ne", "ru", "ta", "bi", "so", "de", "wu", "pa", "gi", "ho", "ze", "fa", "ti", "an", "el", "or", "us"}
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		vocab[i] = b.String()
	}
	texts := make([]string, n)
	buf := make([]string, words)
	for i := range texts {
		for j := range buf {
			buf[j] = vocab[r.IntN(len(vocab))]
		}
		texts[i] = strings.Join(buf, " ")
	}
	return texts
}

// BenchmarkDedup: 25-word mentions one millisecond apart in a one-minute
// window, filled before timing (60k entries, steady state: every mention
// inserts one and evicts one), a quarter of them exact repeats. allocs/op
// includes the two of the benchmark itself (id and text of each mention).
func BenchmarkDedup(b *testing.B) {
	r := rand.New(rand.NewPCG(10, 11))
	texts := benchTexts(r, 1<<16, 25)
	s := newTestDedup(time.Minute, 3, 0)
	i := 0
	apply := func() {
		j := i * 3 / 4 // every fourth mention repeats the one before
		// A new round of texts differs from the last in its final word.
		text := texts[j%len(texts)] + " " + strconv.Itoa(j/len(texts))
		d := &Doc{ID: "x:" + strconv.Itoa(i), Text: text}
		d.Out.Mention.CreatedAt = dedupT0.Add(time.Duration(i) * time.Millisecond)
		if err := s.Apply(d); err != nil {
			b.Fatal(err)
		}
		i++
	}
	for range 70_000 {
		apply()
	}
	b.ReportAllocs()
	cpu := procCPU()
	for b.Loop() {
		apply()
	}
	b.ReportMetric(float64(procCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDedupFull measures a lookup and insert with a full window of
// one million mentions (twice the default max_entries), and the memory each
// entry holds.
func BenchmarkDedupFull(b *testing.B) {
	const entries = 1_000_000
	r := rand.New(rand.NewPCG(12, 13))
	texts := benchTexts(r, 1<<16, 25)
	ids := make([]string, entries)
	for i := range ids {
		ids[i] = fmt.Sprint("x:", i)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := newTestDedup(24*time.Hour, 3, entries)
	for i := range entries {
		// Distinct texts: the texts shifted by a word each round.
		t := texts[i%len(texts)]
		if k := i / len(texts); k > 0 {
			t = t[strings.IndexByte(t, ' ')+1:] + " " + ids[k]
		}
		d := &Doc{ID: ids[i], Text: t}
		d.Out.Mention.CreatedAt = dedupT0
		_ = s.Apply(d)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perEntry := float64(after.HeapAlloc-before.HeapAlloc) / entries
	if s.Len() != entries {
		b.Fatalf("%d entries in the window", s.Len())
	}
	fresh := benchTexts(r, 4096, 25)
	b.ReportAllocs()
	i := 0
	cpu := procCPU()
	pprof.Do(context.Background(), pprof.Labels("phase", "window-full"), func(context.Context) {
		for b.Loop() {
			d := &Doc{ID: ids[i%entries] + "b", Text: fresh[i%len(fresh)]} // new ids: each call inserts and evicts
			d.Out.Mention.CreatedAt = dedupT0
			if err := s.Apply(d); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.ReportMetric(float64(procCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(perEntry, "B/entry")
	runtime.KeepAlive(ids)
}
