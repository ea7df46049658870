package ingest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest/checkpoint"
)

type testCursor struct {
	Newest time.Time `json:"newest"`
	IDs    []string  `json:"ids,omitempty"`
}

type failingStore struct{ err error }

func (s failingStore) Load(context.Context, string) ([]byte, bool, error) { return nil, false, s.err }
func (s failingStore) Save(context.Context, string, []byte) error         { return s.err }

func TestLoadCursor(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		saved   string // "" saves nothing
		want    testCursor
		ok      bool
		warning bool
	}{
		{name: "none saved"},
		{name: "saved", saved: `{"newest":"2026-11-20T12:00:00Z","ids":["a"]}`, want: testCursor{Newest: at, IDs: []string{"a"}}, ok: true},
		{name: "unreadable", saved: `{"newest":"2026-11-20T12:00:00Z","ids":[`, warning: true},
		{name: "wrong shape", saved: `{"newest":"2026-11-20T12:00:00Z","ids":"a"}`, warning: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &checkpoint.Memory{}
			if tt.saved != "" {
				if err := store.Save(t.Context(), "c/q", []byte(tt.saved)); err != nil {
					t.Fatal(err)
				}
			}
			var logs bytes.Buffer
			got, ok, err := LoadCursor[testCursor](t.Context(), store, slog.New(slog.NewTextHandler(&logs, nil)), "c/q")
			if err != nil || ok != tt.ok || !got.Newest.Equal(tt.want.Newest) || strings.Join(got.IDs, ",") != strings.Join(tt.want.IDs, ",") {
				t.Errorf("LoadCursor = %+v, %v, %v; want %+v, %v, nil", got, ok, err, tt.want, tt.ok)
			}
			if warned := strings.Contains(logs.String(), "unreadable checkpoint"); warned != tt.warning {
				t.Errorf("warned %v, want %v; log: %s", warned, tt.warning, logs.String())
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	store := &checkpoint.Memory{}
	want := testCursor{Newest: time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC), IDs: []string{"x", "y"}}
	if err := SaveCursor(t.Context(), store, "c/q", want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := LoadCursor[testCursor](t.Context(), store, slog.New(slog.DiscardHandler), "c/q")
	if err != nil || !ok || !got.Newest.Equal(want.Newest) || strings.Join(got.IDs, ",") != "x,y" {
		t.Errorf("round trip = %+v, %v, %v; want %+v", got, ok, err, want)
	}
}

func TestCursorStoreErrors(t *testing.T) {
	boom := errors.New("boom")
	store := failingStore{boom}
	if _, _, err := LoadCursor[testCursor](t.Context(), store, slog.New(slog.DiscardHandler), "c/q"); !errors.Is(err, boom) || !strings.Contains(err.Error(), "c/q") {
		t.Errorf("load error %v, want boom naming the key", err)
	}
	if err := SaveCursor(t.Context(), store, "c/q", testCursor{}); !errors.Is(err, boom) || !strings.Contains(err.Error(), "c/q") {
		t.Errorf("save error %v, want boom naming the key", err)
	}
	if err := SaveCursor(t.Context(), &checkpoint.Memory{}, "c/q", func() {}); err == nil {
		t.Error("saved a cursor that does not encode")
	}
}
