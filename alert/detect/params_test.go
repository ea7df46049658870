package detect

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		want string // substring of the error; empty for valid
	}{
		{"zero is medium", Params{}, ""},
		{"all set", Params{Sensitivity: High, Threshold: 2, MinCount: 1, MinRatio: 1.2, MinSpread: 0.01, Cooldown: time.Minute, SeasonWeeks: 3, Trailing: 6, Direction: Down}, ""},
		{"unknown sensitivity", Params{Sensitivity: "extreme"}, `sensitivity "extreme"`},
		{"negative threshold", Params{Threshold: -1}, "threshold -1"},
		{"NaN ratio", Params{MinRatio: math.NaN()}, "min ratio NaN"},
		{"infinite count", Params{MinCount: math.Inf(1)}, "min count +Inf"},
		{"negative cooldown", Params{Cooldown: -time.Second}, "cooldown -1s"},
		{"too many weeks", Params{SeasonWeeks: 53}, "season weeks 53"},
		{"negative trailing", Params{Trailing: -2}, "trailing -2"},
		{"sideways", Params{Direction: "sideways"}, `direction "sideways"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := New(tt.p); err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.want)
			}
			if _, err := New(tt.p); err == nil {
				t.Fatal("New accepted invalid parameters")
			}
		})
	}
}

func TestResolvedKeepsOverrides(t *testing.T) {
	got := Params{Sensitivity: Low, MinCount: 3}.Resolved()
	want := Params{Sensitivity: Low, Threshold: 6, MinCount: 3, MinRatio: 3, Cooldown: DefaultCooldown,
		SeasonWeeks: DefaultSeasonWeeks, Trailing: DefaultTrailing, Direction: Up}
	if got != want {
		t.Fatalf("Resolved = %+v, want %+v", got, want)
	}
}
