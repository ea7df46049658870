package query

import (
	"fmt"
	"testing"
)

func TestTermIndex(t *testing.T) {
	keys := map[string][]int32{}
	// Every length the hash reads differently (0–3 bytes, 4–7, 8, over 8)
	// and keys that differ only in their middle or last byte.
	for i, k := range []string{"a", "ab", "abc", "abcd", "abce", "abcdefg", "abcdefgh", "abcdefgi", "abcdefghijklmnopq",
		"abcdefghXjklmnopq", "café", "ñandú", "https://acme.com/promo", "acme", "acm"} {
		keys[k] = []int32{int32(i), int32(100 + i)}
	}
	for i := range 300 { // enough to wrap and probe
		keys[fmt.Sprintf("w%03d", i)] = []int32{int32(1000 + i)}
	}
	ix := newTermIndex(keys)
	for k, want := range keys {
		got := ix.get(k)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("get(%q) = %v, want %v", k, got, want)
		}
	}
	for _, k := range []string{"", "b", "abcf", "abcdefgj", "abcdefghijklmnopr", "cafe", "w300", "acmee"} {
		if got := ix.get(k); got != nil {
			t.Errorf("get(%q) = %v, want nil", k, got)
		}
	}
	var empty termIndex
	if empty.get("acme") != nil {
		t.Error("empty index found a key")
	}
}

func BenchmarkTermIndexMiss(b *testing.B) {
	keys := map[string][]int32{}
	for i := range 400 {
		keys[fmt.Sprintf("brand%d", i)] = []int32{int32(i)}
	}
	ix := newTermIndex(keys)
	words := []string{"the", "pesanan", "belum", "sampai", "customer", "service", "livraison", "a", "bestellung"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.get(words[i%len(words)])
	}
}

// The fast path of normValue must agree with the full normalization.
func FuzzNormValue(f *testing.F) {
	for _, s := range []string{"janedoe", "@JaneDoe", "www.acme.com", "https://blog.acme.co.id/x", "a b", "news.kompas.com", "user_1", "-x.", "wwwx.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, field := range []string{FieldAuthor, FieldSite, FieldLang} {
			if got, want := normValue(field, v), normValueFull(field, v); got != want {
				t.Fatalf("normValue(%s, %q) = %q, want %q", field, v, got, want)
			}
		}
	})
}
