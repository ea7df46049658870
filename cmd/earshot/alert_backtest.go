package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/alert/detect"
)

func (a *app) alertBacktestCmd() *cobra.Command {
	var (
		input, labels, scores, direction string
		p                                detect.Params
	)
	cmd := &cobra.Command{
		Use:   "backtest --input series.csv [--labels windows.json] [--scores FILE]",
		Short: "Run the spike detector over a series and print the alerts it would have raised",
		Long: `backtest reads a CSV of timestamp,count rows (header optional; timestamps in
RFC 3339 or unix seconds; any bucket size, inferred from the most common gap)
and prints one line per alert the detector would have raised:

  START END peak=N expected=E score=S

With --scores it also writes timestamp,count,expected,score per point (score
in [0,1]) for plotting or scoring on anomaly benchmarks. With --labels, a JSON
array of {"start": RFC3339, "end": RFC3339} anomaly windows, it prints
precision (alerts overlapping a window), recall (windows alerted on) and the
mean detection delay (alert start − window start). Use it to choose a
sensitivity for your own history.`,
		Example: `  earshot alert backtest --input mentions.csv
  earshot alert backtest --input mentions.csv --labels spikes.json --sensitivity high
  earshot alert backtest --input mentions.csv --scores scores.csv --min-count 5 --cooldown 30m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p.Direction = detect.Direction(direction)
			d, err := detect.New(p)
			if err != nil {
				return err
			}
			return a.backtest(cmd.Context(), d, input, labels, scores)
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "CSV of timestamp,count rows (required)")
	f.StringVar(&labels, "labels", "", "JSON array of labelled anomaly windows {\"start\",\"end\"} to score the alerts against")
	f.StringVar(&scores, "scores", "", "write timestamp,count,expected,score per point to this CSV file")
	f.StringVar(&p.Sensitivity, "sensitivity", detect.DefaultSensitivity, "preset: low, medium or high")
	f.Float64Var(&p.Threshold, "threshold", 0, "robust z-score a point must reach (0: the preset's)")
	f.Float64Var(&p.MinCount, "min-count", 0, "volume under which nothing alerts (0: the preset's)")
	f.Float64Var(&p.MinRatio, "min-ratio", 0, "observed/expected ratio a spike must reach (0: the preset's)")
	f.DurationVar(&p.Cooldown, "cooldown", detect.DefaultCooldown, "quiet time that ends an alert; closer anomalies join it")
	f.StringVar(&direction, "direction", string(detect.Up), "up for spikes, down for drops")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

func (a *app) backtest(ctx context.Context, d *detect.Detector, input, labels, scores string) error {
	series, err := readSeries(ctx, input)
	if err != nil {
		return err
	}
	var windows []detect.Window
	if labels != "" {
		if windows, err = readWindows(labels); err != nil {
			return err
		}
	}
	rs := d.Evaluate(series)
	if scores != "" {
		if err := writeScores(scores, rs); err != nil {
			return err
		}
	}
	eps := detect.Episodes(rs, d.Params().Cooldown)
	for _, e := range eps {
		fmt.Fprintf(a.stdout, "%s %s peak=%s expected=%s score=%.3f\n", stamp(e.Start), stamp(e.End),
			num(e.Peak.Count), num(e.Peak.Expected), e.Peak.Score)
	}
	if labels != "" {
		ev := detect.Compare(eps, windows)
		delay := "n/a"
		if ev.Detected > 0 {
			delay = ev.MeanDelay.String()
		}
		fmt.Fprintf(a.stdout, "precision %s (%d of %d alerts in a window), recall %s (%d of %d windows), mean detection delay %s\n",
			pct(ev.Precision()), ev.TruePositives, ev.Episodes, pct(ev.Recall()), ev.Detected, ev.Windows, delay)
	}
	span := "no points"
	if len(rs) > 0 {
		span = fmt.Sprintf("%d points from %s to %s", len(rs), stamp(rs[0].T), stamp(rs[len(rs)-1].T))
	}
	fmt.Fprintf(a.stdout, "%d alert(s) over %s, sensitivity %s (threshold %g, min count %g, min ratio %g, cooldown %v, %s)\n",
		len(eps), span, d.Params().Sensitivity, d.Params().Threshold, d.Params().MinCount, d.Params().MinRatio, d.Params().Cooldown, d.Params().Direction)
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// num prints counts without a needless fraction and medians with one.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func pct(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

// readSeries reads timestamp,count rows. A first row whose timestamp does
// not parse is a header; any later bad row is an error naming its line.
func readSeries(ctx context.Context, path string) ([]detect.Point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("series: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.ReuseRecord = true
	name := filepath.Base(path)
	var pts []detect.Point
	for row := 0; ; row++ {
		if row%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) < 2 {
			return nil, fmt.Errorf("%s:%d: want timestamp,count, got %d field(s)", name, line, len(rec))
		}
		t, terr := parseStamp(rec[0])
		if terr != nil {
			if row == 0 {
				continue // header
			}
			return nil, fmt.Errorf("%s:%d: timestamp %q: want RFC 3339 (2026-01-05T14:00:00Z) or unix seconds", name, line, rec[0])
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("%s:%d: count %q: want a number ≥ 0", name, line, rec[1])
		}
		pts = append(pts, detect.Point{T: t, V: v})
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("%s: no timestamp,count rows", name)
	}
	return pts, nil
}

func parseStamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	secs, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
		return time.Time{}, fmt.Errorf("timestamp %q", s)
	}
	whole, frac := math.Modf(secs)
	return time.Unix(int64(whole), int64(frac*1e9)).UTC(), nil
}

func readWindows(path string) ([]detect.Window, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	var ws []detect.Window
	if err := json.Unmarshal(b, &ws); err != nil {
		return nil, fmt.Errorf("%s: want a JSON array of {\"start\": RFC3339, \"end\": RFC3339}: %w", filepath.Base(path), err)
	}
	for i, w := range ws {
		if w.Start.IsZero() || w.End.Before(w.Start) {
			return nil, fmt.Errorf("%s: window %d (%s – %s): want a start and an end not before it", filepath.Base(path), i+1, stamp(w.Start), stamp(w.End))
		}
	}
	return ws, nil
}

func writeScores(path string, rs []detect.Result) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("scores: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("scores: %w", cerr)
		}
	}()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"timestamp", "count", "expected", "score"})
	for _, r := range rs {
		_ = w.Write([]string{stamp(r.T), num(r.Count), num(r.Expected), strconv.FormatFloat(r.Score, 'f', 4, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("scores %s: %w", path, err)
	}
	return nil
}
