package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
	"github.com/earshot-dev/earshot/alert/detect/detecttest"
)

// runBacktest runs 'earshot alert backtest ARGS' in-process.
func runBacktest(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb}
	cmd := a.alertBacktestCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// writeSeries writes pts as a CSV in dir, with RFC 3339 or unix-second
// timestamps, and their windows as labels.
func writeSeries(t *testing.T, dir string, pts []detect.Point, ws []detect.Window, unix bool) (csvPath, labelsPath string) {
	t.Helper()
	var b strings.Builder
	if !unix {
		b.WriteString("timestamp,count\n")
	}
	for _, p := range pts {
		if unix {
			fmt.Fprintf(&b, "%d,%g\n", p.T.Unix(), p.V)
		} else {
			fmt.Fprintf(&b, "%s,%g\n", p.T.Format(time.RFC3339), p.V)
		}
	}
	csvPath = filepath.Join(dir, "series.csv")
	labelsPath = filepath.Join(dir, "windows.json")
	lb, err := json.Marshal(ws)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(labelsPath, lb, 0o644); err != nil {
		t.Fatal(err)
	}
	return csvPath, labelsPath
}

func TestAlertBacktestEndToEnd(t *testing.T) {
	day := func(d int, h time.Duration) time.Time {
		return detecttest.Monday().Add(time.Duration(d)*24*time.Hour + h)
	}
	pts, ws := detecttest.Series(detecttest.Config{Start: detecttest.Monday(), Weeks: 4, Step: 5 * time.Minute, Seed: 1, Peak: 30,
		Spikes: []detecttest.Change{
			{At: day(16, 10*time.Hour), Duration: time.Hour, Factor: 4},
			{At: day(23, 15*time.Hour), Duration: time.Hour, Factor: 5},
		}})
	for _, unix := range []bool{false, true} {
		t.Run(fmt.Sprintf("unix=%v", unix), func(t *testing.T) {
			dir := t.TempDir()
			series, labels := writeSeries(t, dir, pts, ws, unix)
			scores := filepath.Join(dir, "scores.csv")
			out, err := runBacktest(t, "--input", series, "--labels", labels, "--scores", scores)
			if err != nil {
				t.Fatalf("backtest: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 4 {
				t.Fatalf("want 2 alerts, the scores and a summary, got:\n%s", out)
			}
			for i, w := range ws {
				start, _, _ := strings.Cut(lines[i], " ")
				at, err := time.Parse(time.RFC3339, start)
				if err != nil || at.Before(w.Start) || at.Sub(w.Start) > 15*time.Minute {
					t.Errorf("alert %q does not start within 15 minutes of %v", lines[i], w.Start)
				}
				if !strings.Contains(lines[i], " peak=") || !strings.Contains(lines[i], " expected=") || !strings.Contains(lines[i], " score=") {
					t.Errorf("alert line %q lacks peak, expected or score", lines[i])
				}
			}
			if !strings.HasPrefix(lines[2], "precision 1.00 (2 of 2 alerts in a window), recall 1.00 (2 of 2 windows), mean detection delay ") {
				t.Errorf("scores line %q", lines[2])
			}
			if !strings.HasPrefix(lines[3], "2 alert(s) over 8064 points from 2026-01-05T00:00:00Z to ") {
				t.Errorf("summary %q", lines[3])
			}
			b, err := os.ReadFile(scores)
			if err != nil {
				t.Fatal(err)
			}
			rows := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(rows) != len(pts)+1 || rows[0] != "timestamp,count,expected,score" || !strings.HasPrefix(rows[1], "2026-01-05T00:00:00Z,") {
				t.Errorf("scores file: %d rows, starting %q %q", len(rows), rows[0], rows[1])
			}
		})
	}
}

func TestAlertBacktestBadInput(t *testing.T) {
	tests := []struct {
		name, csv string
		args      []string
		want      string
	}{
		{"bad count", "timestamp,count\n2026-01-05T00:00:00Z,3\n2026-01-05T00:05:00Z,many\n", nil, "series.csv:3: count \"many\""},
		{"negative count", "2026-01-05T00:00:00Z,-1\n", nil, "series.csv:1: count \"-1\""},
		{"bad timestamp", "timestamp,count\n2026-01-05T00:00:00Z,3\nyesterday,4\n", nil, "series.csv:3: timestamp \"yesterday\""},
		{"one column", "2026-01-05T00:00:00Z\n", nil, "series.csv:1: want timestamp,count"},
		{"empty", "timestamp,count\n", nil, "no timestamp,count rows"},
		{"bad sensitivity", "2026-01-05T00:00:00Z,1\n", []string{"--sensitivity", "paranoid"}, `sensitivity "paranoid"`},
		{"bad direction", "2026-01-05T00:00:00Z,1\n", []string{"--direction", "left"}, `direction "left"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "series.csv")
			if err := os.WriteFile(path, []byte(tt.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := runBacktest(t, append([]string{"--input", path}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestAlertBacktestBadLabels(t *testing.T) {
	dir := t.TempDir()
	series := filepath.Join(dir, "series.csv")
	labels := filepath.Join(dir, "windows.json")
	if err := os.WriteFile(series, []byte("0,1\n300,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(labels, []byte(`[{"start":"2026-01-05T02:00:00Z","end":"2026-01-05T01:00:00Z"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runBacktest(t, "--input", series, "--labels", labels); err == nil || !strings.Contains(err.Error(), "windows.json: window 1") {
		t.Fatalf("error %v, want one naming window 1", err)
	}
}
