package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runReport runs 'earshot report ARGS' as a separate process with a
// configuration whose data_dir is dir.
func runReport(t *testing.T, dir string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cfgPath := filepath.Join(dir, "earshot.yaml")
	cfg := fmt.Sprintf("data_dir: %s\nhttp:\n  listen: \"\"\nreport:\n  out_dir: %s\n", filepath.Join(dir, "data"), filepath.Join(dir, "reports"))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"report", "--config", cfgPath}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// TestReportCommand makes a report of a month without data on a fresh
// embedded store: the files are written and the summary says what is
// missing rather than showing zeros.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	stdout, stderr, err := runReport(t, dir, "--month", "2026-10", "--format", "csv,html", "--out", out, "--lang", "id")
	if err != nil {
		t.Fatalf("report: %v\n%s%s", err, stdout, stderr)
	}
	html := filepath.Join(out, "earshot-acme-2026-10.html")
	want := fmt.Sprintf("report Acme 2026-10: wrote %s, %s\n", filepath.Join(out, "earshot-acme-2026-10-csv"), html)
	if !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, "no data this month for: mentions, share_of_voice") {
		t.Errorf("stdout %q, want it to start with %q", stdout, want)
	}
	for _, p := range []string{html, filepath.Join(out, "earshot-acme-2026-10-csv", "kpis.csv")} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestReportCommandErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--month", "2026-13"}, `--month "2026-13": use YYYY-MM`},
		{[]string{"--format", "pdf,docx"}, `--format "docx": use pdf, xlsx, csv or html`},
		{[]string{"--lang", "fr"}, `--lang "fr": use en or id`},
		{[]string{"--email"}, "--email: no e-mail is configured"},
		{[]string{"--out", ""}, "nowhere to put the report"},
	}
	for _, c := range cases {
		_, stderr, err := runReport(t, t.TempDir(), c.args...)
		if err == nil || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: err %v, stderr %q, want %q", c.args, err, stderr, c.want)
		}
	}
}
