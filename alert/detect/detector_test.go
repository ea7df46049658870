package detect_test

import (
	"testing"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
	"github.com/earshot-dev/earshot/alert/detect/detecttest"
)

func newDetector(t testing.TB, p detect.Params) *detect.Detector {
	t.Helper()
	d, err := detect.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func episodes(t testing.TB, p detect.Params, pts []detect.Point) []detect.Episode {
	t.Helper()
	d := newDetector(t, p)
	return detect.Episodes(d.Evaluate(pts), d.Params().Cooldown)
}

// day returns the time d days and h hours after the series starts.
func day(d int, h time.Duration) time.Time {
	return detecttest.Monday().Add(time.Duration(d)*24*time.Hour + h)
}

// wantEpisodes checks that there is exactly one episode per window and
// that each starts within lead of its window's start and ends inside it.
func wantEpisodes(t *testing.T, eps []detect.Episode, ws []detect.Window, lead time.Duration) {
	t.Helper()
	if len(eps) != len(ws) {
		for _, e := range eps {
			t.Logf("episode %v – %v peak %v expected %.1f z %.1f (%s)", e.Start, e.End, e.Peak.Count, e.Peak.Expected, e.Peak.Z, e.Peak.Basis)
		}
		t.Fatalf("%d episodes, want %d", len(eps), len(ws))
	}
	for i, e := range eps {
		w := ws[i]
		if e.Start.Before(w.Start) || e.Start.Sub(w.Start) > lead || e.End.After(w.End) {
			t.Errorf("episode %v – %v does not match window %v – %v", e.Start, e.End, w.Start, w.End)
		}
	}
}

func TestInjectedSpikesGiveExactlyTheirEpisodes(t *testing.T) {
	tests := []struct {
		name string
		// from is when the series is judged: the first day of hourly
		// counts has only a trailing baseline, which cannot tell the
		// morning rise from a spike.
		from time.Time
		step time.Duration
		peak float64
		// spikes in time order
		spikes []detecttest.Change
	}{
		{"5-minute buckets", time.Time{}, 5 * time.Minute, 30, []detecttest.Change{
			{At: day(3, 11*time.Hour), Duration: time.Hour, Factor: 4}, // trailing baseline
			{At: day(16, 10*time.Hour), Duration: time.Hour, Factor: 4},
			{At: day(20, 15*time.Hour), Duration: 2 * time.Hour, Factor: 3},
			{At: day(26, 12*time.Hour), Duration: time.Hour, Factor: 6}, // a Saturday
			{At: day(33, 18*time.Hour), Duration: 90 * time.Minute, Factor: 5},
		}},
		{"hourly buckets", day(1, 0), time.Hour, 30, []detecttest.Change{
			{At: day(18, 13*time.Hour), Duration: 3 * time.Hour, Factor: 3},
			{At: day(30, 10*time.Hour), Duration: 3 * time.Hour, Factor: 4},
		}},
	}
	for _, tt := range tests {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(tt.name, func(t *testing.T) {
				c := detecttest.Config{Start: detecttest.Monday(), Weeks: 6, Step: tt.step, Seed: seed, Peak: tt.peak, Spikes: tt.spikes}
				pts, ws := detecttest.Series(c)
				var judged []detect.Episode
				for _, e := range episodes(t, detect.Params{}, pts) {
					if !e.Start.Before(tt.from) {
						judged = append(judged, e)
					} else if e.Peak.Basis != detect.Trailing {
						t.Errorf("early episode %+v on a %s baseline", e, e.Peak.Basis)
					}
				}
				wantEpisodes(t, judged, ws, 15*time.Minute+tt.step)
			})
		}
	}
}

func TestSeasonalPatternWithoutSpikesIsQuiet(t *testing.T) {
	for _, s := range []string{detect.Low, detect.Medium} {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(s, func(t *testing.T) {
				// A daily peak at 14:00 ten times the night and quieter
				// weekends, nothing else.
				pts, _ := detecttest.Series(detecttest.Config{Start: detecttest.Monday(), Weeks: 6, Step: 5 * time.Minute, Seed: seed, Peak: 40})
				if eps := episodes(t, detect.Params{Sensitivity: s}, pts); len(eps) > 0 {
					t.Fatalf("%d alerts on a series without spikes, first %+v", len(eps), eps[0])
				}
			})
		}
	}
}

func TestNightBlipsNeverPage(t *testing.T) {
	c := detecttest.Config{Start: detecttest.Monday(), Weeks: 6, Step: 5 * time.Minute, Seed: 7, Peak: 30}
	for d := range 42 {
		c.Blips = append(c.Blips, detecttest.Blip{At: day(d, 3*time.Hour+10*time.Minute), N: 3})
	}
	pts, _ := detecttest.Series(c)
	for _, s := range []string{detect.Low, detect.Medium, detect.High} {
		t.Run(s, func(t *testing.T) {
			for _, r := range newDetector(t, detect.Params{Sensitivity: s}).Evaluate(pts) {
				if h := r.T.Hour(); h >= 1 && h < 5 && r.Anomalous {
					t.Errorf("night bucket %v with %v mentions (expected %.1f) is anomalous", r.T, r.Count, r.Expected)
				}
			}
		})
	}
}

func TestDropsWithDirectionDown(t *testing.T) {
	c := detecttest.Config{Start: detecttest.Monday(), Weeks: 5, Step: 5 * time.Minute, Seed: 3, Peak: 40,
		Drops: []detecttest.Change{
			{At: day(17, 10*time.Hour), Duration: 2 * time.Hour, Factor: 0.1},
			{At: day(30, 13*time.Hour), Duration: 90 * time.Minute, Factor: 0.2},
		}}
	pts, ws := detecttest.Series(c)
	wantEpisodes(t, episodes(t, detect.Params{Direction: detect.Down}, pts), ws, 20*time.Minute)
	if up := episodes(t, detect.Params{}, pts); len(up) != 0 {
		t.Errorf("an upward detector alerted on drops: %+v", up)
	}
}

func TestPresetsOrder(t *testing.T) {
	pts, ws := detecttest.Series(detecttest.Benchmark(1))
	var prev detect.Evaluation
	for i, s := range []string{detect.Low, detect.Medium, detect.High} {
		ev := detect.Compare(episodes(t, detect.Params{Sensitivity: s}, pts), ws)
		t.Logf("%-6s alerts %2d precision %.2f recall %.2f mean delay %v", s, ev.Episodes, ev.Precision(), ev.Recall(), ev.MeanDelay)
		if i > 0 && (ev.Detected <= prev.Detected || ev.Episodes < prev.Episodes) {
			t.Errorf("%s finds %d of %d windows in %d alerts; the level below found %d in %d", s, ev.Detected, ev.Windows, ev.Episodes, prev.Detected, prev.Episodes)
		}
		prev = ev
	}
}
