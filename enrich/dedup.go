package enrich

import (
	"math/bits"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/earshot-dev/earshot/event"
)

// Token counts below which a text is too short to compare. Two words
// ("thank you") repeat by chance all day; near matching on fewer than six
// words flags unrelated replies that share a phrase.
const (
	minExactTokens = 3
	minNearTokens  = 6
)

// DefaultDedupMaxEntries bounds the dedup window when the configuration
// leaves dedup.max_entries at 0.
const DefaultDedupMaxEntries = 500_000

// DedupStep marks a mention that repeats an earlier one within the window:
// exactly (same words once case, spacing, links, @handles and retweet
// markers are removed) or nearly (64-bit SimHashes of word 3-grams at most
// Distance bits apart). Out.Duplicate names the cluster's first mention;
// the first mention itself is not marked.
//
// The state is in memory only: after a restart the window starts empty,
// so a repeat of a mention seen just before the restart is not marked.
// Each enrich process sees only its own partitions, so with several
// processes a repeat that lands on another process is not marked either.
type DedupStep struct {
	window   int64 // nanoseconds
	distance int
	now      func() time.Time

	mu   sync.Mutex // the enricher already serializes; this keeps misuse race-free
	idx  dedupIndex
	norm dedupNorm
}

// NewDedupStep builds the step from the dedup configuration.
func NewDedupStep(c Dedup) *DedupStep {
	limit := c.MaxEntries
	if limit <= 0 {
		limit = DefaultDedupMaxEntries
	}
	return &DedupStep{
		window:   int64(c.Window),
		distance: c.Distance,
		now:      time.Now,
		idx:      newDedupIndex(c.Distance, limit),
	}
}

func (*DedupStep) Name() string { return StepDedup }

// Serial marks the step stateful: duplicates depend on what came before.
func (*DedupStep) Serial() {}

// Len is the number of mentions in the window.
func (s *DedupStep) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.idx.n
}

// Apply sets Out.Duplicate when the mention repeats an earlier one.
func (s *DedupStep) Apply(d *Doc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.timeOf(d.Out.Mention.CreatedAt)
	s.idx.advance(at, s.window)
	var idh uint64
	if d.ID != "" {
		idh = xxhash.Sum64String(d.ID)
		// A redelivered mention gets the answer it got the first time,
		// so the store's copy by id does not change under replays.
		if e, ok := s.idx.byID(idh); ok {
			d.Out.Duplicate = e.result()
			return nil
		}
	}
	n := s.norm.run(d.Text)
	e := dedupEntry{at: at, id: idh, cluster: d.ID}
	if n >= minExactTokens {
		e.text = s.norm.textHash()
		if c, ok := s.idx.exact(e.text, at, s.window); ok {
			e.kind, e.cluster = dupExact, c.cluster
		}
	}
	if n >= minNearTokens {
		e.sim = s.norm.simHash()
		e.indexed = e.kind == dupNone
		if e.kind == dupNone {
			if c, ok := s.idx.near(e.sim, at, s.window); ok {
				e.kind, e.cluster = dupNear, c.cluster
			}
		}
	}
	d.Out.Duplicate = e.result()
	if d.ID != "" && at >= s.idx.watermark-s.window {
		s.idx.insert(e)
	}
	return nil
}

// maxSkew is how far in the future a mention's time may be before the
// clock is trusted instead: one bogus timestamp must not expire the
// whole window.
const maxSkew = time.Hour

func (s *DedupStep) timeOf(t time.Time) int64 {
	now := s.now()
	if t.IsZero() || t.After(now.Add(maxSkew)) {
		t = now
	}
	return t.UnixNano()
}

// dedupNorm turns a text into dedup tokens. It keeps its buffers between
// calls: the step is serial, and reusing them keeps Apply allocation-free.
type dedupNorm struct {
	buf  []byte   // tokens, lower case, separated by one space
	toks []uint64 // hash of each token
}

// retweet markers dropped when a @handle follows them ("RT @x:", "via @y").
func isRepostMarker(tok []byte) bool {
	switch string(tok) {
	case "rt", "mt", "via", "cc":
		return true
	}
	return false
}

var asciiDedupWord, asciiLower = func() (word [128]bool, lower [128]byte) {
	for c := range 128 {
		word[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
		lower[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			lower[c] += 'a' - 'A'
		}
	}
	return word, lower
}()

func isDedupWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiDedupWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isLinkWord reports whether a space-delimited word is a URL, including
// bare shortened links such as bit.ly/x.
func isLinkWord(w string) bool {
	if len(w) < 4 {
		return false
	}
	if hasPrefixFoldASCII(w, "http://") || hasPrefixFoldASCII(w, "https://") || hasPrefixFoldASCII(w, "www.") {
		return true
	}
	dot := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '.' && i > 0 && i+1 < len(w) && isASCIILetterByte(w[i-1]) && isASCIILetterByte(w[i+1]):
			dot = true
		case c == '/' && dot:
			return true
		case c == ':' && i+2 < len(w) && w[i+1] == '/' && w[i+2] == '/':
			return true
		}
	}
	return false
}

func isASCIILetterByte(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func hasPrefixFoldASCII(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// run tokenizes text and returns the number of tokens. It reads each
// byte once: tokens are written as a word is read, and taken back if the
// word turns out to be a link.
func (n *dedupNorm) run(text string) int {
	// Lower-casing grows a rune by half at most, and every separator
	// replaces at least one byte: twice the text always fits.
	if cap(n.buf) < 2*len(text)+8 {
		n.buf = make([]byte, 0, 2*len(text)+8)
	}
	buf, toks := n.buf[:0], n.toks[:0] // locals stay in registers
	lastStart := -1                    // start in buf of the last token
	markerPending := false             // the last word was a lone repost marker
	for i := 0; i < len(text); {
		c := text[i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
				i += size
				continue
			}
		}
		// One space-delimited word.
		wordStart, bufMark, toksMark, lastMark := i, len(buf), len(toks), lastStart
		maybeLink := false // every link has a dot or a colon
		handle := false
	word:
		for i < len(text) {
			c := text[i]
			size := 1
			if c < utf8.RuneSelf {
				switch {
				case asciiDedupWord[c]:
				case c == ' ' || c == '\n' || c == '\t' || c == '\r':
					break word
				case c == '.' || c == ':':
					maybeLink = true
					i++
					continue
				case c == '@':
					r, _ := utf8.DecodeRuneInString(text[i+1:])
					if isDedupWordRune(r) && (i == wordStart || !isDedupWordRune(dedupLastRune(text[wordStart:i]))) {
						// A handle: skip it, and the "RT" before it.
						handle = true
						for i++; i < len(text); {
							r, sz := utf8.DecodeRuneInString(text[i:])
							if !isDedupWordRune(r) && r != '.' {
								break
							}
							i += sz
						}
						continue
					}
					i++
					continue
				default:
					i++
					continue
				}
			} else {
				var r rune
				r, size = utf8.DecodeRuneInString(text[i:])
				if unicode.IsSpace(r) {
					break
				}
				if !isDedupWordRune(r) {
					i += size
					continue
				}
			}
			// A token: letters, digits and marks up to the next other rune.
			if len(buf) > 0 {
				buf = append(buf, ' ')
			}
			start := len(buf)
			for i < len(text) {
				// ASCII without calls, so buf and i stay in registers;
				// run sized buf for the whole text up front.
				for i < len(text) && len(buf) < cap(buf) {
					c := text[i]
					if c >= utf8.RuneSelf || !asciiDedupWord[c] {
						break
					}
					k := len(buf)
					buf = buf[:k+1]
					buf[k] = asciiLower[c]
					i++
				}
				if i == len(text) {
					break
				}
				if c := text[i]; c < utf8.RuneSelf {
					if !asciiDedupWord[c] {
						break
					}
					buf = append(buf, asciiLower[c]) // buf was full
					i++
					continue
				}
				r, size := utf8.DecodeRuneInString(text[i:])
				if !isDedupWordRune(r) {
					break
				}
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
				i += size
			}
			toks = append(toks, xxhash.Sum64(buf[start:]))
			lastStart = start
		}
		if maybeLink && isLinkWord(text[wordStart:i]) {
			buf, toks, lastStart = buf[:bufMark], toks[:toksMark], lastMark
			markerPending = false
			continue
		}
		added := len(toks) - toksMark
		if handle && markerPending && added == 0 {
			// Drop the marker token and its separating space.
			toks = toks[:len(toks)-1]
			buf = buf[:max(lastStart-1, 0)]
		}
		markerPending = added == 1 && !handle && isRepostMarker(buf[lastStart:])
	}
	n.buf, n.toks = buf, toks
	return len(toks)
}

func dedupLastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func (n *dedupNorm) textHash() uint64 { return xxhash.Sum64(n.buf) }

// shingle hashes three token hashes in order.
func shingle(a, b, c uint64) uint64 {
	h := a*0x9e3779b97f4a7c15 ^ bits.RotateLeft64(b, 21)*0xc2b2ae3d27d4eb4f ^ bits.RotateLeft64(c, 42)*0x165667b19e3779f9
	// splitmix64 finalizer: every input bit moves about half the output bits.
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// spread[b] holds bit i of b in byte i, so adding spread values counts
// eight bits at once, one per byte.
var spread = func() (t [256]uint64) {
	for b := range t {
		for i := range 8 {
			t[b] |= uint64(b>>i&1) << (8 * i)
		}
	}
	return t
}()

// simHash is Charikar's SimHash over the word 3-grams: bit i is set when
// most 3-grams have bit i set, so texts sharing most 3-grams differ in few
// bits. Bits are counted eight at a time in byte lanes, flushed before a
// lane can overflow.
func (n *dedupNorm) simHash() uint64 {
	var counts [64]int32
	var l0, l1, l2, l3, l4, l5, l6, l7 uint64 // byte lanes, bits 8k…8k+7 in lk
	t := n.toks
	shingles := int32(len(t) - 2)
	pending := 0
	for i := 2; i < len(t); i++ {
		h := shingle(t[i-2], t[i-1], t[i])
		l0 += spread[byte(h)]
		l1 += spread[byte(h>>8)]
		l2 += spread[byte(h>>16)]
		l3 += spread[byte(h>>24)]
		l4 += spread[byte(h>>32)]
		l5 += spread[byte(h>>40)]
		l6 += spread[byte(h>>48)]
		l7 += spread[byte(h>>56)]
		if pending++; pending == 255 {
			flushLanes(&counts, [8]uint64{l0, l1, l2, l3, l4, l5, l6, l7})
			l0, l1, l2, l3, l4, l5, l6, l7 = 0, 0, 0, 0, 0, 0, 0, 0
			pending = 0
		}
	}
	flushLanes(&counts, [8]uint64{l0, l1, l2, l3, l4, l5, l6, l7})
	var sim uint64
	for b, c := range counts {
		if 2*c > shingles {
			sim |= 1 << b
		}
	}
	return sim
}

func flushLanes(counts *[64]int32, lanes [8]uint64) {
	for k, a := range lanes {
		for i := range 8 {
			counts[8*k+i] += int32(a >> (8 * i) & 0xff)
		}
	}
}

// dedupEntry is one mention in the window.
type dedupEntry struct {
	cluster string // event id of the cluster's first mention
	at      int64  // mention time, unix nanoseconds
	id      uint64 // hash of the event id
	text    uint64 // hash of the normalized text; 0 when too short
	sim     uint64 // SimHash; meaningful when the text is long enough
	kind    uint8  // dupNone, dupExact or dupNear
	indexed bool   // sim is in the block tables
}

// Entry kinds, kept as a byte: an entry is one of a million.
const (
	dupNone uint8 = iota
	dupExact
	dupNear
)

func (e *dedupEntry) result() *event.Duplicate {
	switch e.kind {
	case dupExact:
		return &event.Duplicate{Cluster: e.cluster, Kind: event.DupExact}
	case dupNear:
		return &event.Duplicate{Cluster: e.cluster, Kind: event.DupNear}
	}
	return nil
}

// simBucket holds the SimHashes (kept next to each other for a fast scan)
// and ring slots of the entries sharing one block value.
type simBucket struct {
	sims  []uint64
	slots []uint32
}

// simBlock is one of the distance+1 slices of the 64 SimHash bits. Two
// hashes at most distance bits apart agree on at least one whole block
// (pigeonhole), so a lookup only compares the entries sharing a block.
type simBlock struct {
	shift, width uint
}

// maxBucketBits bounds a table to 65536 buckets; wider blocks are folded
// into 16 bits, which only adds candidates that the distance check drops.
const maxBucketBits = 16

func (b simBlock) key(sim uint64) uint64 {
	v := sim >> b.shift
	if b.width < 64 {
		v &= 1<<b.width - 1
	}
	if b.width > maxBucketBits {
		v = (v * 0x9e3779b97f4a7c15) >> (64 - maxBucketBits)
	}
	return v
}

// dedupIndex is the window: a ring of entries in arrival order, with maps
// from event id and text hash to the newest entry, and the block tables
// for near lookups. Slots are uint32 ring positions.
type dedupIndex struct {
	ring      []dedupEntry
	head, n   int
	max       int
	watermark int64     // latest mention time seen
	ids       slotTable // event id hash → slot
	texts     slotTable // text hash → newest slot with that text
	distance  int
	blocks    []simBlock
	tables    [][]simBucket // per block; allocated at the first near insert
}

func newDedupIndex(distance, max int) dedupIndex {
	nb := distance + 1
	blocks := make([]simBlock, nb)
	shift := uint(0)
	for i := range blocks {
		w := uint(64 / nb)
		if i < 64%nb {
			w++
		}
		blocks[i] = simBlock{shift: shift, width: w}
		shift += w
	}
	return dedupIndex{
		ring: make([]dedupEntry, min(1024, max)), max: max,
		ids: newSlotTable(), texts: newSlotTable(),
		distance: distance, blocks: blocks,
	}
}

func withinWindow(a, b, window int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= window
}

// advance moves the watermark to at and drops the entries that fell out
// of the window. Entries leave in arrival order, so one late-arriving old
// mention waits behind newer ones; lookups check times themselves.
func (x *dedupIndex) advance(at, window int64) {
	if at > x.watermark {
		x.watermark = at
	}
	for x.n > 0 && x.ring[x.head].at < x.watermark-window {
		x.evict()
	}
}

func (x *dedupIndex) byID(id uint64) (*dedupEntry, bool) {
	slot, ok := x.ids.get(id)
	if !ok {
		return nil, false
	}
	return &x.ring[slot], true
}

func (x *dedupIndex) exact(text uint64, at, window int64) (*dedupEntry, bool) {
	slot, ok := x.texts.get(text)
	if !ok {
		return nil, false
	}
	e := &x.ring[slot]
	return e, withinWindow(e.at, at, window)
}

// near returns the closest entry within distance bits and within the
// window; among equals, the one that arrived first.
func (x *dedupIndex) near(sim uint64, at, window int64) (*dedupEntry, bool) {
	if x.tables == nil {
		return nil, false
	}
	best, bestDist, bestAge := -1, x.distance+1, -1
	for t, b := range x.blocks {
		bk := &x.tables[t][b.key(sim)]
		for j, s := range bk.sims {
			d := bits.OnesCount64(s ^ sim)
			if d > x.distance || d > bestDist {
				continue
			}
			slot := int(bk.slots[j])
			e := &x.ring[slot]
			if !withinWindow(e.at, at, window) {
				continue
			}
			age := (slot - x.head + len(x.ring)) % len(x.ring) // arrival rank
			if d < bestDist || age < bestAge {
				best, bestDist, bestAge = slot, d, age
			}
		}
	}
	if best < 0 {
		return nil, false
	}
	return &x.ring[best], true
}

func (x *dedupIndex) insert(e dedupEntry) {
	if x.n == len(x.ring) {
		if len(x.ring) < x.max {
			x.grow(min(2*len(x.ring), x.max))
		} else {
			x.evict()
		}
	}
	slot := (x.head + x.n) % len(x.ring)
	x.ring[slot] = e
	x.n++
	x.link(uint32(slot))
}

// link adds the entry at slot to the maps and tables.
func (x *dedupIndex) link(slot uint32) {
	e := &x.ring[slot]
	x.ids.put(e.id, slot)
	if e.text != 0 {
		x.texts.put(e.text, slot)
	}
	if !e.indexed {
		return
	}
	if x.tables == nil {
		x.tables = make([][]simBucket, len(x.blocks))
		for t, b := range x.blocks {
			x.tables[t] = make([]simBucket, 1<<min(b.width, maxBucketBits))
		}
	}
	for t, b := range x.blocks {
		bk := &x.tables[t][b.key(e.sim)]
		if len(bk.slots) == cap(bk.slots) {
			// Buckets are queues that walk through their arrays (evict
			// pops the front); a floor of four cells spares the many
			// one-entry buckets of a small window an allocation per push.
			n := max(2*len(bk.slots), 4)
			bk.sims = append(make([]uint64, 0, n), bk.sims...)
			bk.slots = append(make([]uint32, 0, n), bk.slots...)
		}
		bk.sims = append(bk.sims, e.sim)
		bk.slots = append(bk.slots, slot)
	}
}

// evict drops the oldest entry.
func (x *dedupIndex) evict() {
	slot := uint32(x.head)
	e := &x.ring[slot]
	x.ids.deleteIf(e.id, slot)
	if e.text != 0 {
		x.texts.deleteIf(e.text, slot)
	}
	if e.indexed {
		for t, b := range x.blocks {
			bk := &x.tables[t][b.key(e.sim)]
			// Buckets fill in arrival order and entries leave in arrival
			// order, so the oldest entry is first in each of its buckets.
			// Reslicing drops it in O(1); append copies only the live
			// part when it next reallocates.
			if len(bk.slots) > 0 && bk.slots[0] == slot {
				bk.slots, bk.sims = bk.slots[1:], bk.sims[1:]
			}
		}
	}
	*e = dedupEntry{}
	x.head = (x.head + 1) % len(x.ring)
	x.n--
}

// grow moves the window into a bigger ring. Slots change, so the maps and
// tables are rebuilt; doubling keeps that amortized O(1) per insert.
func (x *dedupIndex) grow(size int) {
	ring := make([]dedupEntry, size)
	for i := range x.n {
		ring[i] = x.ring[(x.head+i)%len(x.ring)]
	}
	x.ring, x.head = ring, 0
	x.ids.reset()
	x.texts.reset()
	for _, tab := range x.tables {
		for i := range tab {
			tab[i].sims, tab[i].slots = tab[i].sims[:0], tab[i].slots[:0]
		}
	}
	for i := range x.n {
		x.link(uint32(i))
	}
}
