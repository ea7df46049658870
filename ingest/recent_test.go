package ingest

import (
	"fmt"
	"testing"
)

func TestRecentIDs(t *testing.T) {
	tests := []struct {
		name string
		size int
		add  []string
		has  []string
		not  []string
	}{
		{"empty", 3, nil, nil, []string{"a", ""}},
		{"within size", 3, []string{"a", "b", "c"}, []string{"a", "b", "c"}, []string{"d"}},
		{"oldest forgotten", 3, []string{"a", "b", "c", "d"}, []string{"b", "c", "d"}, []string{"a"}},
		{"again is no new entry", 3, []string{"a", "b", "a", "c"}, []string{"a", "b", "c"}, nil},
		{"size one", 1, []string{"a", "b"}, []string{"b"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecentIDs(tt.size)
			for _, id := range tt.add {
				r.Add(id)
			}
			for _, id := range tt.has {
				if !r.Has(id) {
					t.Errorf("forgot %q", id)
				}
			}
			for _, id := range tt.not {
				if r.Has(id) {
					t.Errorf("remembers %q", id)
				}
			}
		})
	}
}

func TestRecentIDsStaysBounded(t *testing.T) {
	r := NewRecentIDs(100)
	for i := range 1000 {
		r.Add(fmt.Sprint(i))
	}
	if len(r.ids) != 100 {
		t.Errorf("remembers %d ids, want 100", len(r.ids))
	}
	if !r.Has("999") || !r.Has("900") || r.Has("899") {
		t.Error("want exactly the last 100 remembered")
	}
}
