package query

// termIndex maps a token to the patterns it may match: an open-addressing
// hash table with linear probing, filled once at Compile. Every token of
// every document is looked up, and almost all of them miss; a miss here
// costs one cheap hash and usually one probe of a dense []uint32, against
// a Go map's string hash and group scan (a fifth of matching time before).
type termIndex struct {
	mask  uint32
	hs    []uint32 // per slot: the key's hash, 0 if empty
	keys  []string
	start []int32 // per slot: ids[start : start+count]
	count []int32
	ids   []int32
}

func newTermIndex(m map[string][]int32) termIndex {
	var ix termIndex
	if len(m) == 0 {
		return ix
	}
	// A load of at most 1/4 keeps most misses at their first probe.
	size := 16
	for size < 4*len(m) {
		size <<= 1
	}
	ix.mask = uint32(size - 1)
	ix.hs = make([]uint32, size)
	ix.keys = make([]string, size)
	ix.start = make([]int32, size)
	ix.count = make([]int32, size)
	for k, ids := range m {
		h := strHash(k)
		i := h & ix.mask
		for ix.hs[i] != 0 {
			i = (i + 1) & ix.mask
		}
		ix.hs[i], ix.keys[i] = h, k
		ix.start[i], ix.count[i] = int32(len(ix.ids)), int32(len(ids))
		ix.ids = append(ix.ids, ids...)
	}
	return ix
}

// get returns the ids stored under s, or nil.
func (ix *termIndex) get(s string) []int32 {
	if ix.hs == nil {
		return nil
	}
	h := strHash(s)
	for i := h & ix.mask; ; i = (i + 1) & ix.mask {
		switch ix.hs[i] {
		case 0:
			return nil
		case h:
			if ix.keys[i] == s {
				st := ix.start[i]
				return ix.ids[st : st+ix.count[i]]
			}
		}
	}
}

// strHash mixes 8 bytes at a time (a multiply-xorshift, as in splitmix64);
// short strings are read as two overlapping words, as wyhash does, so a
// word costs a handful of instructions. It is never 0, which marks an
// empty slot.
func strHash(s string) uint32 {
	n := len(s)
	h := uint64(n) * 0x9e3779b97f4a7c15
	var a, b uint64
	switch {
	case n >= 8:
		// Whole words, then the last 8 bytes (overlapping the last word).
		for i := 0; i+8 < n; i += 8 {
			h = (h ^ le64(s[i:])) * 0xbf58476d1ce4e5b9
			h ^= h >> 31
		}
		a = le64(s[n-8:])
	case n >= 4:
		a = uint64(le32(s))
		b = uint64(le32(s[n-4:]))
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1])
	}
	h = (h ^ a ^ b<<32) * 0x94d049bb133111eb
	h ^= h >> 29
	return uint32(h>>32) | 1
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
