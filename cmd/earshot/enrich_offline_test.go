package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/schema"
)

const offlineConfig = `brands:
  - name: Acme
    role: own
    keywords: [acme, "#acme"]
  - name: Globex
    role: competitor
    query: 'globex AND NOT (hiring OR lowongan)'
enrich:
  topics:
    - name: delivery
      query: 'delivery OR pengiriman OR paket OR entrega'
`

// runOffline runs 'earshot enrich --offline' on the file in, through the
// cobra command as a user would.
func runOffline(t *testing.T, in string) (stdout, stderr string, err error) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "earshot.yaml")
	if err := os.WriteFile(cfg, []byte(offlineConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetIn(f)
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"enrich", "--offline", "--config", cfg})
	err = root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// enrichedLines decodes and validates every output line.
func enrichedLines(t *testing.T, out string) []event.EnrichedMention {
	t.Helper()
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	var ems []event.EnrichedMention
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		env, err := v.Parse(sc.Bytes())
		if err != nil {
			t.Fatalf("output line %d: %v\n%s", len(ems)+1, err, sc.Text())
		}
		if env.Schema != event.SchemaEnrichedMention {
			t.Fatalf("output schema %s", env.Schema)
		}
		var em event.EnrichedMention
		if err := env.Decode(&em); err != nil {
			t.Fatal(err)
		}
		ems = append(ems, em)
	}
	return ems
}

func TestEnrichOfflineCorpus(t *testing.T) {
	// The enricher's benchmark corpus: 2,000 envelopes in six languages.
	in := "../../enrich/testdata/corpus/mentions.jsonl"
	stdout, stderr, err := runOffline(t, in)
	if err != nil {
		t.Fatalf("enrich --offline: %v\n%s", err, stderr)
	}
	ems := enrichedLines(t, stdout)
	if len(ems) != 2000 {
		t.Fatalf("%d enriched mentions, want 2000", len(ems))
	}
	langs, brands, topics := map[string]int{}, 0, 0
	for _, em := range ems {
		langs[em.Lang]++
		brands += len(em.Brands)
		topics += len(em.Topics)
	}
	if langs["en"] < 400 || langs["id"] < 400 || brands == 0 || topics == 0 {
		t.Fatalf("languages %v, %d brand and %d topic matches", langs, brands, topics)
	}
	if !strings.Contains(stderr, "2000 enriched, 0 excluded, 0 failed") {
		t.Fatalf("summary: %q", stderr)
	}
}

func TestEnrichOfflineBadLines(t *testing.T) {
	good := `{"schema":"earshot/mention/v1","id":"mastodon:1","source":"mastodon","collected_at":"2026-11-01T10:00:00Z","data":{"network":"mastodon","native_id":"1","kind":"post","author":{"id":"a1","handle":"ann","followers":120},"text":"Acme delivery was late again, not happy","created_at":"2026-11-01T09:59:00Z"}}`
	bare := `{"network":"reddit","native_id":"t3_x","kind":"comment","author":{"id":"u9"},"text":"pesanan dari Globex belum sampai, paket hilang","created_at":"2026-11-01T09:00:00Z"}`
	lines := []string{
		good, // 1
		"",   // 2: blank lines are skipped
		bare, // 3
		`{"schema":"earshot/mention/v1","id":"x:2"`, // 4: truncated JSON
		`{"schema":"earshot/post_metrics/v1","id":"x:3","source":"x","collected_at":"2026-11-01T10:00:00Z","data":{}}`, // 5: not a mention
		`{"network":"reddit","kind":"post","author":{"id":"u"},"text":"no id","created_at":"2026-11-01T09:00:00Z"}`,    // 6: no native_id
		`{"network":"reddit","native_id":"2","txt":"typo","created_at":"2026-11-01T09:00:00Z"}`,                        // 7: unknown field
		`[1,2,3]`, // 8
	}
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")), 0o644); err != nil { // no final newline
		t.Fatal(err)
	}
	stdout, stderr, err := runOffline(t, in)
	if err == nil || !strings.Contains(err.Error(), "5 of 7 lines failed") {
		t.Fatalf("err = %v, want 5 of 7 lines failed\n%s", err, stderr)
	}
	// Every line was processed: the good ones are out, in input order.
	ems := enrichedLines(t, stdout)
	if len(ems) != 2 {
		t.Fatalf("%d enriched mentions, want 2:\n%s", len(ems), stdout)
	}
	if ems[0].Mention.NativeID != "1" || ems[0].Lang != "en" || len(ems[0].Brands) != 1 || ems[0].Brands[0].Name != "Acme" {
		t.Errorf("first: %+v", ems[0])
	}
	if ems[1].Mention.NativeID != "t3_x" || ems[1].Lang != "id" || len(ems[1].Brands) != 1 || ems[1].Brands[0].Name != "Globex" ||
		len(ems[1].Topics) != 1 || ems[1].Topics[0] != "delivery" {
		t.Errorf("bare mention: %+v", ems[1])
	}
	// Each bad line is one JSON object on stderr naming its line.
	want := map[int]string{4: "json", 5: "schema", 6: "schema", 7: "json", 8: "json"}
	got := map[int]string{}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(l, "{") {
			continue // the summary
		}
		var b badLine
		if err := json.Unmarshal([]byte(l), &b); err != nil {
			t.Fatalf("stderr line %q: %v", l, err)
		}
		if b.Reason == "" {
			t.Errorf("line %d: no reason", b.Line)
		}
		got[b.Line] = b.Class
	}
	for n, class := range want {
		if got[n] != class {
			t.Errorf("line %d: class %q, want %q (stderr:\n%s)", n, got[n], class, stderr)
		}
	}
	if len(got) != len(want) {
		t.Errorf("bad lines %v, want %v", got, want)
	}
	if !strings.Contains(stderr, "2 enriched, 0 excluded, 5 failed") {
		t.Errorf("summary missing:\n%s", stderr)
	}
}

func TestReadLineTooLong(t *testing.T) {
	long := strings.Repeat("x", maxLine+10)
	r := bufio.NewReaderSize(strings.NewReader("a\n"+long+"\nb"), 1<<16)
	var got []string
	for {
		line, tooLong, err := readLine(r)
		if err != nil {
			break
		}
		if tooLong {
			got = append(got, "TOO LONG")
			continue
		}
		got = append(got, string(line))
	}
	if strings.Join(got, ",") != "a,TOO LONG,b" {
		t.Fatalf("lines %v", got)
	}
}
