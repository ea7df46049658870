package query

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The realistic benchmark corpus of package enrich: 2,000 mentions in six
// languages and 200 brand and topic queries (see enrich/bench_test.go).
const (
	corpusMentions = "../testdata/corpus/mentions.jsonl"
	corpusQueries  = "../testdata/corpus/queries.tsv"
)

func loadCorpusDocs(tb testing.TB) []Document {
	tb.Helper()
	f, err := os.Open(corpusMentions)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var docs []Document
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var env struct {
			Source string `json:"source"`
			Data   struct {
				Network, Title, Text, Lang, Site, Country string
				Rating                                    *float64
				Author                                    struct{ Handle string }
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			tb.Fatal(err)
		}
		m := env.Data
		d := Document{Text: m.Text, Title: m.Title, Lang: m.Lang, Network: m.Network, Source: env.Source,
			Author: m.Author.Handle, Site: m.Site, Country: m.Country}
		if m.Title != "" {
			d.Text = m.Title + ". " + m.Text
		}
		if m.Rating != nil {
			d.Rating = *m.Rating
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return docs
}

func loadCorpusQueries(tb testing.TB) map[string]Node {
	tb.Helper()
	b, err := os.ReadFile(corpusQueries)
	if err != nil {
		tb.Fatal(err)
	}
	named := map[string]Node{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		n, err := Parse(f[3])
		if err != nil {
			tb.Fatalf("%s: %v", f[3], err)
		}
		named[f[0]+":"+f[1]] = n
	}
	return named
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestQueryMatcherAgreesWithEvalOnCorpus(t *testing.T) {
	named := loadCorpusQueries(t)
	m, err := Compile(named)
	if err != nil {
		t.Fatal(err)
	}
	matches := 0
	for _, d := range loadCorpusDocs(t) {
		got := m.Match(&d)
		var want []string
		for _, name := range m.Names() {
			if Eval(named[name], &d) {
				want = append(want, name)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("doc %q\nmatcher %v\neval    %v", d.Text, got, want)
		}
		matches += len(got)
	}
	if matches < 1000 {
		t.Fatalf("only %d matches over the corpus", matches)
	}
}

// BenchmarkMatchCorpus is query matching alone (tokenizing included) over
// the realistic corpus with its 200 queries. mentions/cpu-s counts CPU
// time, which a loaded machine does not inflate.
func BenchmarkMatchCorpus(b *testing.B) {
	m, err := Compile(loadCorpusQueries(b))
	if err != nil {
		b.Fatal(err)
	}
	corpus := loadCorpusDocs(b)
	var out []string
	matches := 0
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		d := corpus[i%len(corpus)] // a fresh copy: tokenization is measured
		out = m.MatchAppend(out[:0], &d)
		matches += len(out)
	}
	b.ReportMetric(float64(b.N)/(cpuTime()-start).Seconds(), "mentions/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
	b.ReportMetric(float64(matches)/float64(b.N), "matches/mention")
}
