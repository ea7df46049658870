package detect

import (
	"math"
	"time"
)

// Window is a labelled anomaly: the span in which an alert is a hit
// (the Numenta Anomaly Benchmark's convention).
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Evaluation compares episodes with labelled windows.
type Evaluation struct {
	Episodes, TruePositives int // alerts, and those overlapping a window
	Windows, Detected       int // labelled windows, and those alerted on
	// MeanDelay is the mean of (first overlapping episode's start −
	// window start) over detected windows; negative when alerts come
	// early in wide windows.
	MeanDelay time.Duration
}

// Precision is the share of alerts that hit a window; NaN without alerts.
func (e Evaluation) Precision() float64 {
	return ratio(e.TruePositives, e.Episodes)
}

// Recall is the share of windows alerted on; NaN without windows.
func (e Evaluation) Recall() float64 {
	return ratio(e.Detected, e.Windows)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Compare scores episodes against labelled windows. An episode hits a
// window when their closed spans overlap.
func Compare(eps []Episode, windows []Window) Evaluation {
	ev := Evaluation{Episodes: len(eps), Windows: len(windows)}
	for _, e := range eps {
		for _, w := range windows {
			if overlaps(e, w) {
				ev.TruePositives++
				break
			}
		}
	}
	var total time.Duration
	for _, w := range windows {
		for _, e := range eps {
			if overlaps(e, w) {
				ev.Detected++
				total += e.Start.Sub(w.Start)
				break
			}
		}
	}
	if ev.Detected > 0 {
		ev.MeanDelay = total / time.Duration(ev.Detected)
	}
	return ev
}

func overlaps(e Episode, w Window) bool {
	return !e.End.Before(w.Start) && !w.End.Before(e.Start)
}
