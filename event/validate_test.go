package event

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/schema"
)

func mustValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParse(t *testing.T) {
	v := mustValidator(t)
	good := Mention{Network: "x", NativeID: "1", Kind: KindPost, Author: Author{ID: "a1", Followers: 10}, Text: "hello acme", CreatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
	env, err := Wrap(SchemaMention, ID("synthetic", "1"), "synthetic", time.Now(), good)
	if err != nil {
		t.Fatal(err)
	}
	goodRaw, _ := env.Encode()

	tests := []struct {
		name      string
		raw       string
		wantClass string
		wantIn    string
	}{
		{"valid mention", string(goodRaw), "", ""},
		{"not json", `{"schema":`, "json", "not JSON"},
		{"unknown schema", `{"schema":"earshot/nope/v1","id":"s:1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{}}`, "schema", "/schema"},
		{"missing id", `{"schema":"earshot/mention/v1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{}}`, "schema", "id"},
		{"bad time", `{"schema":"earshot/audience/v1","id":"s:1","source":"s","collected_at":"yesterday","data":{"network":"x","account":"a","followers":1,"observed_at":"2026-11-01T00:00:00Z"}}`, "schema", "/collected_at"},
		{"negative followers", `{"schema":"earshot/audience/v1","id":"s:1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","account":"a","followers":-5,"observed_at":"2026-11-01T00:00:00Z"}}`, "schema", "/followers"},
		{"mention without text", `{"schema":"earshot/mention/v1","id":"s:1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","native_id":"1","kind":"post","author":{"id":"a"},"created_at":"2026-11-01T00:00:00Z"}}`, "schema", "text"},
		{"bad kind", `{"schema":"earshot/mention/v1","id":"s:1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","native_id":"1","kind":"tweet","author":{"id":"a"},"text":"t","created_at":"2026-11-01T00:00:00Z"}}`, "schema", "/kind"},
		{"ad spend bad currency", `{"schema":"earshot/ad_spend/v1","id":"s:1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{"date":"2026-11-01","network":"meta","campaign":"c","spend":1,"currency":"usd"}}`, "schema", "/currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := v.Parse([]byte(tt.raw))
			if tt.wantClass == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				var m Mention
				if err := env.Decode(&m); err != nil || m.Text != good.Text || !m.CreatedAt.Equal(good.CreatedAt) {
					t.Fatalf("decode = %+v, %v", m, err)
				}
				return
			}
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InvalidError", err)
			}
			if ie.Class != tt.wantClass || !strings.Contains(ie.Reason, tt.wantIn) {
				t.Fatalf("got %s %q, want class %s containing %q", ie.Class, ie.Reason, tt.wantClass, tt.wantIn)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	v := mustValidator(f)
	f.Add([]byte(`{"schema":"earshot/mention/v1","id":"s:1","source":"s","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","native_id":"1","kind":"post","author":{"id":"a"},"text":"t","created_at":"2026-11-01T00:00:00Z"}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"schema":1}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := v.Parse(raw)
		if err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not *InvalidError: %v", err)
			}
			return
		}
		if env.ID == "" || env.Schema == "" {
			t.Fatalf("valid envelope without id or schema: %q", raw)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	v := mustValidator(b)
	m := Mention{Network: "x", NativeID: "1", Kind: KindPost, Author: Author{ID: "a1", Followers: 10}, Text: strings.Repeat("acme is great ", 15), CreatedAt: time.Now()}
	env, _ := Wrap(SchemaMention, "synthetic:1", "synthetic", time.Now(), m)
	raw, _ := env.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
