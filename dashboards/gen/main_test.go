package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/dashboards"
)

const regenerate = "run `go generate ./dashboards` (or `make dashboards`) and commit dashboards/json"

// TestCommittedJSONIsGenerated: dashboards/json is exactly what this
// generator writes, so nobody edits the JSON by hand and the Go code and
// the provisioned dashboards cannot drift apart.
func TestCommittedJSONIsGenerated(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(dashboards.Files, "json/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var committed []string
	for _, n := range names {
		committed = append(committed, filepath.Base(n))
	}
	for name, b := range want {
		got, err := fs.ReadFile(dashboards.Files, "json/"+name)
		if err != nil {
			t.Errorf("%s is generated but not committed: %s", name, regenerate)
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("dashboards/json/%s differs from the generator's output (%s)\n%s", name, regenerate, firstDiff(got, b))
		}
	}
	for _, name := range committed {
		if _, ok := want[name]; !ok {
			t.Errorf("dashboards/json/%s is not generated: delete it, or add it to all() in dashboards/gen", name)
		}
	}
}

// firstDiff shows the first line where committed and generated differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  committed: %s\n  generated: %s", i+1, a, b)
		}
	}
	return ""
}

// TestWrite: write makes a directory hold exactly the dashboards, and a
// second run changes nothing.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "old.json")
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != len(all()) {
		t.Errorf("first run wrote %v, want every dashboard", changed)
	}
	if again, err := write(dir); err != nil || len(again) != 0 {
		t.Errorf("second run rewrote %v (%v), want nothing", again, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale dashboard file was left behind")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	var want []string
	for _, f := range all() {
		want = append(want, f.name)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("wrote %v, want %v", got, want)
	}
	for _, name := range got {
		var v map[string]any
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestGenerateIsDeterministic: map iteration and the like never reach the
// output.
func TestGenerateIsDeterministic(t *testing.T) {
	a, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, err := generate()
		if err != nil {
			t.Fatal(err)
		}
		for name := range a {
			if !bytes.Equal(a[name], b[name]) {
				t.Fatalf("%s differs between two runs", name)
			}
		}
	}
}

func TestUIDsAreStable(t *testing.T) {
	want := map[string]string{
		"overview.json":        "earshot-overview", // linked from alert notifications
		"listening.json":       "earshot-listening",
		"share-of-voice.json":  "earshot-share-of-voice",
		"engagement.json":      "earshot-engagement",
		"audience.json":        "earshot-audience",
		"conversions-roi.json": "earshot-conversions-roi",
		"care-queue.json":      "earshot-care-queue",
		"pipeline-health.json": "earshot-pipeline",
	}
	files := all()
	if len(files) != len(want) {
		t.Errorf("%d dashboards, want %d", len(files), len(want))
	}
	for _, f := range files {
		if want[f.name] != f.dash.UID {
			t.Errorf("%s: uid %q, want %q (uids are linked from outside; never change one)", f.name, f.dash.UID, want[f.name])
		}
	}
}

func TestSQLDedent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"\n\t\tSELECT 1\n\t\tFROM t\n\t\t  WHERE x\n", "SELECT 1\nFROM t\n  WHERE x"},
		{"\n\t\t\tSELECT a,\n\t\t\t\tb", "SELECT a,\n  b"},
		{"SELECT 1  ", "SELECT 1"},
	}
	for _, tc := range tests {
		if got := sql(tc.in); got != tc.want {
			t.Errorf("sql(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
