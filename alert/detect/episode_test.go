package detect

import (
	"testing"
	"time"
)

func TestEpisodes(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	// series builds 5-minute results; anomalous minutes carry a z-score.
	series := func(z map[int]float64) []Result {
		var rs []Result
		for m := 0; m < 240; m += 5 {
			rs = append(rs, Result{T: at(m), Z: z[m], Anomalous: z[m] > 0})
		}
		return rs
	}
	tests := []struct {
		name     string
		z        map[int]float64
		cooldown time.Duration
		want     []Episode
	}{
		{"none", nil, time.Hour, nil},
		{"one point", map[int]float64{50: 5}, time.Hour, []Episode{{Start: at(50), End: at(50), Peak: Result{T: at(50), Z: 5, Anomalous: true}, Points: 1}}},
		{"consecutive merge even with no cooldown", map[int]float64{10: 4, 15: 9, 20: 5}, 0,
			[]Episode{{Start: at(10), End: at(20), Peak: Result{T: at(15), Z: 9, Anomalous: true}, Points: 3}}},
		{"gap within cooldown merges", map[int]float64{10: 4, 40: 6}, 30 * time.Minute,
			[]Episode{{Start: at(10), End: at(40), Peak: Result{T: at(40), Z: 6, Anomalous: true}, Points: 2}}},
		{"gap past cooldown splits", map[int]float64{10: 4, 45: 6}, 30 * time.Minute, []Episode{
			{Start: at(10), End: at(10), Peak: Result{T: at(10), Z: 4, Anomalous: true}, Points: 1},
			{Start: at(45), End: at(45), Peak: Result{T: at(45), Z: 6, Anomalous: true}, Points: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Episodes(series(tt.z), tt.cooldown)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d episodes %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("episode %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCompare(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	eps := []Episode{
		{Start: at(10), End: at(30)},   // hits window 1, 10 minutes late
		{Start: at(100), End: at(100)}, // false alarm
		{Start: at(195), End: at(220)}, // hits window 2, 5 minutes early
	}
	ws := []Window{{Start: at(0), End: at(60)}, {Start: at(200), End: at(260)}, {Start: at(400), End: at(460)}}
	ev := Compare(eps, ws)
	want := Evaluation{Episodes: 3, TruePositives: 2, Windows: 3, Detected: 2, MeanDelay: 150 * time.Second}
	if ev != want {
		t.Fatalf("Compare = %+v, want %+v", ev, want)
	}
	if p, r := ev.Precision(), ev.Recall(); p != 2.0/3 || r != 2.0/3 {
		t.Errorf("precision %v recall %v, want 2/3 each", p, r)
	}
	if empty := Compare(nil, nil); empty.Precision() == empty.Precision() || empty.Recall() == empty.Recall() {
		t.Errorf("precision and recall of nothing should be NaN, got %v %v", empty.Precision(), empty.Recall())
	}
}
