package enrich

import (
	"math/rand/v2"
	"testing"
)

// TestSlotTable checks the table against a Go map through random puts,
// conditional deletes and lookups, with keys crowded into few cells so
// probe runs wrap and backward shifts happen.
func TestSlotTable(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	tab := newSlotTable()
	want := map[uint64]uint32{}
	keys := make([]uint64, 3000)
	for i := range keys {
		keys[i] = r.Uint64()
		if i%3 == 0 {
			keys[i] = uint64(i) // small keys share high bits: long runs
		}
	}
	keys[0] = 0
	for step := range 200_000 {
		k := keys[r.IntN(len(keys))]
		switch r.IntN(3) {
		case 0:
			v := uint32(r.IntN(10))
			tab.put(k, v)
			want[tableKey(k)] = v
		case 1:
			v := uint32(r.IntN(10))
			tab.deleteIf(k, v)
			if w, ok := want[tableKey(k)]; ok && w == v {
				delete(want, tableKey(k))
			}
		default:
			got, ok := tab.get(k)
			w, wok := want[tableKey(k)]
			if ok != wok || got != w {
				t.Fatalf("step %d: get(%d) = %d %v, want %d %v", step, k, got, ok, w, wok)
			}
		}
		if tab.n != len(want) {
			t.Fatalf("step %d: %d entries, want %d", step, tab.n, len(want))
		}
	}
	for k, w := range want {
		if got, ok := tab.get(k); !ok || got != w {
			t.Fatalf("get(%d) = %d %v, want %d", k, got, ok, w)
		}
	}
}
