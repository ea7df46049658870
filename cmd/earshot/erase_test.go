package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// storeEnv is an embedded-engine data directory and a config for it.
func storeEnv(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "earshot.yaml")
	body := "data_dir: " + filepath.Join(dir, "data") + "\nhttp:\n  listen: \"\"\n" + extra
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func runBinary(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func TestEraseCommand(t *testing.T) {
	cfg := storeEnv(t, "")
	stdout, stderr, err := runBinary(t, "erase", "--config", cfg, "--handle", "@bob", "--dry-run")
	if err != nil {
		t.Fatalf("erase --dry-run: %v\n%s%s", err, stdout, stderr)
	}
	for _, want := range []string{"TABLE", "mentions", "alerts", "dry run, nothing changed: handles [bob]", "0 rollup window(s) affected"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	for _, args := range [][]string{{}, {"--author", "1", "--handle", "b"}} {
		_, stderr, err := runBinary(t, append([]string{"erase", "--config", cfg}, args...)...)
		if err == nil || !strings.Contains(stderr, "exactly one of --author ID or --handle H") {
			t.Errorf("erase %v: err %v, stderr %q", args, err, stderr)
		}
	}
}

// 'earshot migrate' applies the retention section as TTLs, and a bad value
// is named with its key before anything is touched.
func TestMigrateAppliesRetention(t *testing.T) {
	cfg := storeEnv(t, "retention:\n  mentions_days: 30\n  rollups_days: 400\n")
	if out, stderr, err := runBinary(t, "migrate", "--config", cfg); err != nil {
		t.Fatalf("migrate: %v\n%s%s", err, out, stderr)
	}
	out, stderr, err := runBinary(t, "sql", "--config", cfg,
		"SELECT name, engine_full LIKE '%TTL%' FROM system.tables WHERE database = currentDatabase() AND name IN ('mentions', 'post_metrics', 'mentions_hourly') ORDER BY name")
	if err != nil {
		t.Fatalf("sql: %v\n%s", err, stderr)
	}
	if want := "mentions\t1\nmentions_hourly\t1\npost_metrics\t0\n"; !strings.HasSuffix(out, want) {
		t.Errorf("TTLs after migrate:\n%s\nwant to end with\n%s", out, want)
	}

	bad := storeEnv(t, "retention:\n  business_days: 30\n")
	_, stderr, err = runBinary(t, "migrate", "--config", bad)
	if err == nil || !strings.Contains(stderr, "retention.business_days") || !strings.Contains(stderr, "62 days or more") {
		t.Errorf("bad retention: err %v, stderr %q", err, stderr)
	}
}
