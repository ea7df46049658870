package enrich

import "math/bits"

// slotTable maps 64-bit hashes to ring slots: open addressing with linear
// probing and backward-shift deletion. The window deletes as often as it
// inserts; Go maps leave tombstones behind on delete, which at a million
// entries made every miss probe far. Keys are hashes already; 0 marks an
// empty cell, so key 0 is stored as 1.
type slotTable struct {
	cells []slotCell
	n     int
	shift uint // 64 − log2(len(cells))
}

type slotCell struct {
	key  uint64
	slot uint32
}

const minTableBits = 10

func newSlotTable() slotTable {
	return slotTable{cells: make([]slotCell, 1<<minTableBits), shift: 64 - minTableBits}
}

func tableKey(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// home is a key's preferred cell (Fibonacci hashing on the high bits).
func (t *slotTable) home(k uint64) uint64 { return (k * 0x9e3779b97f4a7c15) >> t.shift }

func (t *slotTable) mask() uint64 { return uint64(len(t.cells) - 1) }

func (t *slotTable) get(k uint64) (uint32, bool) {
	k = tableKey(k)
	for i := t.home(k); ; i = (i + 1) & t.mask() {
		switch c := &t.cells[i]; c.key {
		case k:
			return c.slot, true
		case 0:
			return 0, false
		}
	}
}

func (t *slotTable) put(k uint64, slot uint32) {
	if 2*(t.n+1) > len(t.cells) { // keep the load at most one half
		t.resize(2 * len(t.cells))
	}
	k = tableKey(k)
	for i := t.home(k); ; i = (i + 1) & t.mask() {
		c := &t.cells[i]
		if c.key == k {
			c.slot = slot
			return
		}
		if c.key == 0 {
			*c = slotCell{key: k, slot: slot}
			t.n++
			return
		}
	}
}

// deleteIf removes k when it still maps to slot: a newer entry with the
// same key must survive the eviction of an older one.
func (t *slotTable) deleteIf(k uint64, slot uint32) {
	k = tableKey(k)
	m := t.mask()
	i := t.home(k)
	for {
		c := &t.cells[i]
		if c.key == 0 {
			return
		}
		if c.key == k {
			if c.slot != slot {
				return
			}
			break
		}
		i = (i + 1) & m
	}
	t.n--
	// Backward shift: pull later cells of the probe run into the hole
	// unless their home lies cyclically in (hole, cell].
	for {
		t.cells[i] = slotCell{}
		j := i
		for {
			j = (j + 1) & m
			c := t.cells[j]
			if c.key == 0 {
				return
			}
			h := t.home(c.key)
			stays := i < j && i < h && h <= j || i > j && (i < h || h <= j)
			if !stays {
				t.cells[i] = c
				i = j
				break
			}
		}
	}
}

func (t *slotTable) resize(size int) {
	old := t.cells
	t.cells = make([]slotCell, size)
	t.shift = uint(64 - bits.Len(uint(size-1)))
	t.n = 0
	for _, c := range old {
		if c.key != 0 {
			t.put(c.key, c.slot)
		}
	}
}

func (t *slotTable) reset() {
	clear(t.cells)
	t.n = 0
}
