// Command gen writes earshot's Grafana dashboards, defined in Go in this
// package, as the JSON files Grafana provisions from dashboards/json.
//
//	go generate ./dashboards        (or: make dashboards)
//
// The files are committed; a test fails when they differ from what this
// command writes, so edit the Go code, never the JSON.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// file is one generated dashboard and the name it is written under.
type file struct {
	name string
	dash *dashboard
}

// all lists every dashboard. overview.json keeps its name: docker-compose.yml
// makes it Grafana's home dashboard.
func all() []file {
	return []file{
		{"overview.json", overview()},
		{"listening.json", listening()},
		{"share-of-voice.json", shareOfVoice()},
		{"engagement.json", engagement()},
		{"audience.json", audience()},
		{"conversions-roi.json", conversions()},
		{"care-queue.json", care()},
		{"pipeline-health.json", pipeline()},
	}
}

// generate renders every dashboard, by file name.
func generate() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, f := range all() {
		b, err := render(f.dash)
		if err != nil {
			return nil, err
		}
		out[f.name] = b
	}
	return out, nil
}

func main() {
	dir := flag.String("out", "dashboards/json", "directory to write the dashboards into; other *.json files there are removed")
	flag.Parse()
	changed, err := write(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dashboards/gen:", err)
		os.Exit(1)
	}
	if len(changed) > 0 {
		fmt.Printf("dashboards/gen: wrote %s\n", strings.Join(changed, ", "))
	}
}

// write makes dir hold exactly the generated dashboards, rewriting only the
// files that changed, and returns their names.
func write(dir string) ([]string, error) {
	files, err := generate()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, p := range old {
		if _, ok := files[filepath.Base(p)]; !ok {
			if err := os.Remove(p); err != nil {
				return nil, fmt.Errorf("remove stale dashboard: %w", err)
			}
		}
	}
	var changed []string
	for _, f := range all() {
		name, b := f.name, files[f.name]
		p := filepath.Join(dir, name)
		if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, b) {
			continue
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, fmt.Errorf("write dashboard: %w", err)
		}
		changed = append(changed, name)
	}
	return changed, nil
}
