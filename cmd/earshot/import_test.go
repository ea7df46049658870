package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/schema"
)

// importEnv is a broker the earshot binary imports into, and a
// configuration pointing at it.
type importEnv struct {
	cfgPath string
	bus     bus.Config
	prefix  string
	dir     string
}

func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	dir := t.TempDir()
	b, err := bus.StartEmbedded(context.Background(), filepath.Join(dir, "broker"), 0, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	e := &importEnv{dir: dir, prefix: "imp.", bus: bus.Config{Brokers: b.Addrs(), Log: slog.New(slog.DiscardHandler)}}
	e.cfgPath = filepath.Join(dir, "earshot.yaml")
	cfg := fmt.Sprintf(`data_dir: %s
http:
  listen: ""
kafka:
  brokers: [%s]
  topic_prefix: %s
  partitions: 3
`, filepath.Join(dir, "data"), b.Addrs()[0], e.prefix)
	if err := os.WriteFile(e.cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

// run runs 'earshot import ARGS' as a separate process.
func (e *importEnv) run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"import", "--config", e.cfgPath}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func (e *importEnv) read(t *testing.T, suffix string) []bus.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	msgs, err := bus.ReadAll(ctx, e.bus, e.prefix+suffix)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func sample(name string) string {
	return filepath.Join("..", "..", "ingest", "fileimport", "testdata", name)
}

// TestImportEndToEnd runs the binary against a broker and reads the topic
// back: exact counts, valid events, and a second import of the same file
// adds no new ids.
func TestImportEndToEnd(t *testing.T) {
	e := newImportEnv(t)
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}

	// A generated file of 5000 rows in the generic layout.
	var b strings.Builder
	b.WriteString("network,account,post_id,published_at,impressions,reach,likes\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "instagram,acmehq,p%d,2026-11-01T10:00:00Z,\"%d\",%d,%d\n", i, 1000+i, 900+i, i%50)
	}
	generated := filepath.Join(e.dir, "posts.csv")
	os.WriteFile(generated, []byte(b.String()), 0o644)

	stdout, stderr, err := e.run(t, "--kind", "post-metrics", generated)
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "imported 5,000 post metrics from posts.csv in ") || !strings.Contains(stdout, "(0 rejected)") {
		t.Errorf("summary: %q", stdout)
	}
	stdout, stderr, err = e.run(t, "--kind", "post-metrics", "--preset", "facebook-posts", sample("facebook_posts.csv"))
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, stdout, stderr)
	}
	msgs := e.read(t, "raw.metrics")
	if len(msgs) != 5003 {
		t.Fatalf("raw.metrics holds %d messages, want exactly 5003", len(msgs))
	}
	ids := map[string]bool{}
	for _, m := range msgs {
		env, err := v.Parse(m.Value)
		if err != nil {
			t.Fatalf("message fails the schemas: %v", err)
		}
		if env.Source != "import" || string(m.Key) != env.ID {
			t.Errorf("message %s: source %s key %s", env.ID, env.Source, m.Key)
		}
		ids[env.ID] = true
	}
	if len(ids) != 5003 {
		t.Errorf("%d distinct ids, want 5003", len(ids))
	}

	// Importing again writes the same ids: the store keeps one of each.
	if _, stderr, err := e.run(t, "--kind", "post-metrics", "--preset", "facebook-posts", sample("facebook_posts.csv")); err != nil {
		t.Fatalf("re-import: %v\n%s", err, stderr)
	}
	again := e.read(t, "raw.metrics")
	if len(again) != 5006 {
		t.Fatalf("after re-import %d messages, want 5006", len(again))
	}
	for _, m := range again {
		if !ids[string(m.Key)] {
			t.Errorf("re-import made the new id %s", m.Key)
		}
	}
}

// TestImportBadRows: all or nothing by default, named lines, non-zero
// exit; --skip-invalid publishes the good rows and dead-letters the bad.
func TestImportBadRows(t *testing.T) {
	e := newImportEnv(t)
	path := filepath.Join(e.dir, "spend.csv")
	os.WriteFile(path, []byte("date,network,campaign,spend,currency\n2026-11-01,google,brand,12.50,EUR\n2026-11-01,google,winter,twelve,EUR\n2026-11-02,google,brand,3,euro\n"), 0o644)

	stdout, stderr, err := e.run(t, "--kind", "ad-spend", path)
	if err == nil {
		t.Fatalf("import of a file with bad rows exited 0: %s", stdout)
	}
	for _, want := range []string{"2 rejected row(s)", "line 3: spend (column \"spend\"): \"twelve\" is not a number", "line 4:", "/currency", "2 of 3 rows are invalid, so nothing was imported"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if n := len(e.read(t, "raw.business")); n != 0 {
		t.Errorf("all-or-nothing import left %d events", n)
	}

	stdout, stderr, err = e.run(t, "--kind", "ad-spend", "--skip-invalid", path)
	if err != nil {
		t.Fatalf("--skip-invalid: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "imported 1 ad spend row from spend.csv") || !strings.Contains(stdout, "2 rejected and sent to the dead-letter topic") {
		t.Errorf("summary: %q", stdout)
	}
	if n := len(e.read(t, "raw.business")); n != 1 {
		t.Errorf("raw.business holds %d events, want 1", n)
	}
	letters := e.read(t, "deadletter")
	if len(letters) != 2 {
		t.Fatalf("%d dead letters, want 2", len(letters))
	}
	d := bus.ParseDeadLetter(letters[0])
	if d.Stage != "import" || !strings.HasPrefix(string(d.Msg.Key), "import:spend.csv:") || !strings.Contains(string(d.Msg.Value), "google") {
		t.Errorf("dead letter %+v key %s value %s", d, d.Msg.Key, d.Msg.Value)
	}
}

// TestImportDryRunNeedsNoBroker checks a file without touching Kafka.
func TestImportDryRunNeedsNoBroker(t *testing.T) {
	cmd := exec.Command(binary, "import", "--kind", "conversions", "--preset", "ga4-conversions", "--dry-run", sample("ga4_conversions.csv"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "checked 6 conversions in ga4_conversions.csv") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	cmd = exec.Command(binary, "import", "--kind", "post-metrics", "--preset", "google-ads", sample("google_ads_campaigns.csv"))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "--kind ad-spend") {
		t.Errorf("kind mismatch: %v\n%s", err, out)
	}
}

// TestImportMappingsFromConfig reads sources.import.mappings.
func TestImportMappingsFromConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(`sources:
  import:
    mappings:
      crm-followers:
        kind: audience
        columns: {account: Handle, followers: Followers, observed_at: Date}
        values: {network: tiktok}
        date_format: DD/MM/YYYY
`), 0o644)
	a := &app{configPath: good}
	c, err := a.importMappings()
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := c.Mappings["crm-followers"]; !ok || m.Columns["followers"] != "Followers" || m.Values["network"] != "tiktok" {
		t.Errorf("got %+v", c)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("sources:\n  import:\n    mappings:\n      x:\n        kind: audience\n        columns: {followers: F}\n"), 0o644)
	a.configPath = bad
	if _, err := a.importMappings(); err == nil || !strings.Contains(err.Error(), "sources.import.mappings.x") || !strings.Contains(err.Error(), "network has no column") {
		t.Errorf("bad mapping: %v", err)
	}
}
