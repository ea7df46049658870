package query

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// pattern is one distinct word leaf across all compiled queries.
type pattern struct {
	title  bool
	kind   TermKind
	text   string // normalized, or exact when caseSens
	case_  bool
	wild   bool
	prefix string // folded literal prefix before the first wildcard
}

func (p *pattern) matches(ts *tokens, t *itok, norm string) bool {
	switch p.kind {
	case Word:
		if t.kind == URL {
			return false
		}
	default:
		if t.kind != p.kind {
			return false
		}
	}
	if p.case_ {
		return ts.origOf(t) == p.text
	}
	if p.wild {
		return glob(p.text, norm)
	}
	return norm == p.text
}

// glob matches s against pat, where * is any run of characters and ? one.
func glob(pat, s string) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				nextPx, nextSx = px, sx+1
				if sx < len(s) {
					_, n := utf8.DecodeRuneInString(s[sx:])
					nextSx = sx + n
				}
				px++
				continue
			case '?':
				if sx < len(s) {
					_, n := utf8.DecodeRuneInString(s[sx:])
					px++
					sx += n
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

type opcode uint8

const (
	opWord opcode = iota
	opPhrase
	opAnd
	opOr
	opNot
	opNear
	opField
	opRange
)

// expr is the compiled form of a Node.
type expr struct {
	op      opcode
	pats    []int32 // word: 1; phrase: the words
	title   bool
	slop    int
	kids    []*expr
	n       int
	ordered bool
	field   int
	value   string
	wild    bool
	lo, hi  float64
	// mask is set on an OR of single words (the brand and topic lists
	// of most queries): the patterns as bits, so the OR is a few ANDs
	// with the document's pattern bitset.
	mask []maskWord
}

// maskWord is one 64-pattern word of a pattern bitset.
type maskWord struct {
	w    int32
	bits uint64
}

// evalRank orders children by what evaluating them costs.
func evalRank(e *expr) int {
	switch e.op {
	case opField, opRange, opWord:
		return 0
	case opOr:
		if e.mask != nil {
			return 0
		}
		return 2
	case opNot:
		return evalRank(e.kids[0])
	case opAnd:
		return 2
	case opPhrase:
		return 3
	}
	return 4 // NEAR
}

func wordMask(kids []*expr) []maskWord {
	var ms []maskWord
	for _, k := range kids {
		if k.op != opWord {
			return nil
		}
	}
	for _, k := range kids {
		id := k.pats[0]
		w, bit := id>>6, uint64(1)<<(id&63)
		i := slices.IndexFunc(ms, func(m maskWord) bool { return m.w == w })
		if i < 0 {
			ms = append(ms, maskWord{w: w})
			i = len(ms) - 1
		}
		ms[i].bits |= bit
	}
	slices.SortFunc(ms, func(a, b maskWord) int { return int(a.w - b.w) })
	return ms
}

// table interns patterns.
type table struct {
	pats  []pattern
	index map[pattern]int32
	slab  []expr // compiled nodes are allocated together, for locality
}

func (tb *table) node(e expr) *expr {
	if len(tb.slab) == cap(tb.slab) {
		tb.slab = make([]expr, 0, min(256, 8+2*cap(tb.slab)))
	}
	tb.slab = append(tb.slab, e)
	return &tb.slab[len(tb.slab)-1]
}

func (tb *table) intern(t *Term) int32 {
	p := pattern{title: t.Field == FieldTitle, kind: t.Kind, text: t.Text, case_: t.Case}
	if !t.Case && t.Wildcard() {
		p.wild = true
		p.prefix = t.Text[:strings.IndexAny(t.Text, "*?")]
	}
	if id, ok := tb.index[p]; ok {
		return id
	}
	id := int32(len(tb.pats))
	tb.pats = append(tb.pats, p)
	tb.index[p] = id
	return id
}

func (tb *table) compile(n Node) *expr {
	switch n := n.(type) {
	case *Term:
		return tb.node(expr{op: opWord, pats: []int32{tb.intern(n)}, title: n.Field == FieldTitle})
	case *Phrase:
		e := expr{op: opPhrase, slop: n.Slop, title: n.Field == FieldTitle}
		for _, w := range n.Words {
			e.pats = append(e.pats, tb.intern(w))
		}
		return tb.node(e)
	case *And, *Or:
		e := expr{op: opAnd}
		nodes := []Node(nil)
		if a, ok := n.(*And); ok {
			nodes = a.Nodes
		} else {
			e.op, nodes = opOr, n.(*Or).Nodes
		}
		for _, c := range nodes {
			e.kids = append(e.kids, tb.compile(c))
		}
		if e.op == opOr {
			e.mask = wordMask(e.kids)
		}
		// AND and OR stop at the first deciding child, so cheap children
		// go first: a filter or a word lookup before a phrase or NEAR.
		slices.SortStableFunc(e.kids, func(a, b *expr) int { return evalRank(a) - evalRank(b) })
		return tb.node(e)
	case *Not:
		return tb.node(expr{op: opNot, kids: []*expr{tb.compile(n.Node)}})
	case *Near:
		return tb.node(expr{op: opNear, kids: []*expr{tb.compile(n.Left), tb.compile(n.Right)}, n: n.N, ordered: n.Ordered})
	case *Field:
		return tb.node(expr{op: opField, field: keyFieldIndex[n.Name], value: n.Value, wild: strings.ContainsAny(n.Value, "*?")})
	case *Range:
		return tb.node(expr{op: opRange, lo: n.Lo, hi: n.Hi})
	}
	panic(fmt.Sprintf("query: unknown node %T", n))
}

// env is what an evaluation reads: the document and, per pattern, the
// sorted positions of the tokens it matches.
type env struct {
	doc *Document
	pos [][]int32
	// hits has bit id set when pos[id] is not empty; nil in Eval.
	hits []uint64
	// sc lends span buffers for NEAR operands, reused across documents
	// (a field of its own, so the document does not escape with them).
	sc *scratch
}

func (ev *env) take() []span {
	if n := len(ev.sc.free); n > 0 {
		b := ev.sc.free[n-1]
		ev.sc.free = ev.sc.free[:n-1]
		return b[:0]
	}
	return make([]span, 0, 8)
}

func (ev *env) give(b []span) { ev.sc.free = append(ev.sc.free, b) }

type span struct{ s, e int32 }

func (ev *env) eval(e *expr) bool {
	switch e.op {
	case opWord:
		return len(ev.pos[e.pats[0]]) > 0
	case opPhrase:
		var one [1]span
		return len(ev.phrase(e, one[:0], true)) > 0
	case opAnd:
		for _, k := range e.kids {
			if !ev.eval(k) {
				return false
			}
		}
		return true
	case opOr:
		if e.mask != nil && ev.hits != nil {
			for _, m := range e.mask {
				if ev.hits[m.w]&m.bits != 0 {
					return true
				}
			}
			return false
		}
		for _, k := range e.kids {
			if ev.eval(k) {
				return true
			}
		}
		return false
	case opNot:
		return !ev.eval(e.kids[0])
	case opNear:
		sp := ev.spans(e, ev.take(), true)
		ev.give(sp)
		return len(sp) > 0
	case opField:
		return fieldMatch(e, ev.doc.fieldsNorm[e.field])
	case opRange:
		r := ev.doc.Rating
		return r != 0 && e.lo <= r && r <= e.hi
	}
	return false
}

func fieldMatch(e *expr, v string) bool {
	if v == "" {
		return false
	}
	if e.wild {
		return glob(e.value, v)
	}
	if v == e.value {
		return true
	}
	switch e.field {
	case kLang: // en matches en-US
		return len(v) > len(e.value) && strings.HasPrefix(v, e.value) && (v[len(e.value)] == '-' || v[len(e.value)] == '_')
	case kSite: // acme.com matches blog.acme.com
		return len(v) > len(e.value) && strings.HasSuffix(v, e.value) && v[len(v)-len(e.value)-1] == '.'
	}
	return false
}

// spans appends the spans of a positional expression to dst. With first,
// it stops at the first.
func (ev *env) spans(e *expr, dst []span, first bool) []span {
	switch e.op {
	case opWord:
		for _, p := range ev.pos[e.pats[0]] {
			dst = append(dst, span{p, p})
			if first {
				break
			}
		}
	case opPhrase:
		return ev.phrase(e, dst, first)
	case opOr:
		if e.mask != nil && ev.hits != nil {
			for _, m := range e.mask {
				for b := ev.hits[m.w] & m.bits; b != 0; b &= b - 1 {
					id := m.w<<6 | int32(bits.TrailingZeros64(b))
					for _, p := range ev.pos[id] {
						dst = append(dst, span{p, p})
						if first {
							return dst
						}
					}
				}
			}
			return dst
		}
		for _, k := range e.kids {
			dst = ev.spans(k, dst, first)
			if first && len(dst) > 0 {
				break
			}
		}
	case opNear:
		l := ev.spans(e.kids[0], ev.take(), false)
		if len(l) > 0 {
			r := ev.spans(e.kids[1], ev.take(), false)
			dst = near(e, l, r, dst, first)
			ev.give(r)
		}
		ev.give(l)
	}
	return dst
}

// near appends the spans where a span of l and one of r are at most e.n
// tokens apart (in order for ONEAR).
func near(e *expr, l, r, dst []span, first bool) []span {
	n := int32(e.n)
	for _, a := range l {
		for _, b := range r {
			ok := false
			if a.e < b.s {
				ok = b.s-a.e-1 <= n
			} else if !e.ordered && b.e < a.s {
				ok = a.s-b.e-1 <= n
			}
			if ok {
				dst = append(dst, span{min(a.s, b.s), max(a.e, b.e)})
				if first {
					return dst
				}
			}
		}
	}
	return dst
}

// phrase appends the spans where the phrase matches.
func (ev *env) phrase(e *expr, dst []span, first bool) []span {
	p0 := ev.pos[e.pats[0]]
	if len(p0) == 0 {
		return dst
	}
	for _, id := range e.pats[1:] {
		if len(ev.pos[id]) == 0 {
			return dst
		}
	}
	k := int32(len(e.pats))
	if e.slop == 0 {
	next:
		for _, p := range p0 {
			for i := int32(1); i < k; i++ {
				if _, ok := slices.BinarySearch(ev.pos[e.pats[i]], p+i); !ok {
					continue next
				}
			}
			dst = append(dst, span{p, p + k - 1})
			if first {
				return dst
			}
		}
		return dst
	}
	// Proximity: every word on a distinct token, all within a window of
	// k+slop tokens. Words and tokens form a bipartite graph (a token may
	// match several words, e.g. acme and acm*): a window matches when all
	// words can be matched (Kuhn's augmenting paths), which is polynomial.
	window := k + int32(e.slop)
	var starts []int32
	for _, id := range e.pats {
		starts = append(starts, ev.pos[id]...)
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	w := &windowMatch{ev: ev, pats: e.pats}
	last := span{-1, -1}
	for _, lo := range starts {
		sp, ok := w.match(lo, lo+window-1)
		if !ok || sp == last {
			continue
		}
		last = sp
		dst = append(dst, sp)
		if first {
			return dst
		}
	}
	return dst
}

type windowMatch struct {
	ev      *env
	pats    []int32
	lo, hi  int32
	owner   []int // token offset in the window → word, -1 if none
	visited []bool
}

func (w *windowMatch) match(lo, hi int32) (span, bool) {
	w.lo, w.hi = lo, hi
	n := int(hi - lo + 1)
	if cap(w.owner) < n {
		w.owner, w.visited = make([]int, n), make([]bool, n)
	}
	w.owner, w.visited = w.owner[:n], w.visited[:n]
	for i := range w.owner {
		w.owner[i] = -1
	}
	for word := range w.pats {
		clear(w.visited)
		if !w.try(word) {
			return span{}, false
		}
	}
	sp := span{-1, -1}
	for i, o := range w.owner {
		if o >= 0 {
			if sp.s < 0 {
				sp.s = lo + int32(i)
			}
			sp.e = lo + int32(i)
		}
	}
	return sp, true
}

func (w *windowMatch) try(word int) bool {
	for _, p := range w.ev.pos[w.pats[word]] {
		if p < w.lo {
			continue
		}
		if p > w.hi {
			break
		}
		i := p - w.lo
		if w.visited[i] {
			continue
		}
		w.visited[i] = true
		if w.owner[i] < 0 || w.try(w.owner[i]) {
			w.owner[i] = word
			return true
		}
	}
	return false
}

// positions fills pos for the patterns of tb by scanning the document.
func (tb *table) positions(d *Document, pos [][]int32) {
	for id := range tb.pats {
		p := &tb.pats[id]
		ts := &d.text
		if p.title {
			ts = &d.title
		}
		for i := range ts.toks {
			if t := &ts.toks[i]; p.matches(ts, t, ts.normOf(t)) {
				pos[id] = append(pos[id], int32(i))
			}
		}
	}
}

// Eval reports whether one query matches the document, without an index:
// the reference the compiled Matcher is tested against.
func Eval(n Node, d *Document) bool {
	d.Prepare()
	tb := &table{index: map[pattern]int32{}}
	e := tb.compile(n)
	pos := make([][]int32, len(tb.pats))
	tb.positions(d, pos)
	// No pattern bitset: ORs are evaluated kid by kid, the plain way the
	// Matcher's masks are tested against.
	return (&env{doc: d, pos: pos, sc: &scratch{}}).eval(e)
}

// wildKey is the length of the prefix wildcard patterns are indexed by.
const wildKey = 3

// Matcher matches documents against many named queries at once.
type Matcher struct {
	names   []string
	exprs   []*expr
	tb      table
	always  []int32      // queries evaluated for every document
	byPat   [][]int32    // pattern → queries using it
	exact   [2]termIndex // folded text → literal patterns
	wildPre [2]termIndex // first 3 bytes of the literal prefix → wildcard patterns
	// wild2 has bit b0<<8|b1 set for the first two bytes of every key of
	// wildPre: most tokens start like no wildcard, and a bit test is
	// cheaper than a lookup.
	wild2   [2]*[1 << 16 / 64]uint64
	wildAny [2][]int32 // wildcard patterns with a prefix shorter than 3 bytes
	hasWild [2]bool
	pool    sync.Pool
}

type scratch struct {
	pos     [][]int32
	touched []int32
	bits    []uint64 // candidate queries
	hits    []uint64 // patterns found (env.hits)
	free    [][]span // env.free between documents
}

// Compile compiles named queries into one Matcher with a shared term index.
func Compile(named map[string]Node) (*Matcher, error) {
	m := &Matcher{tb: table{index: map[pattern]int32{}}}
	for name, n := range named {
		if n == nil {
			return nil, fmt.Errorf("query %q: nil query", name)
		}
		m.names = append(m.names, name)
	}
	sort.Strings(m.names)
	var exact, wildPre [2]map[string][]int32
	for i := range 2 {
		exact[i] = map[string][]int32{}
		wildPre[i] = map[string][]int32{}
	}
	for qi, name := range m.names {
		n := named[name]
		e := m.tb.compile(n)
		m.exprs = append(m.exprs, e)
		for len(m.byPat) < len(m.tb.pats) {
			m.byPat = append(m.byPat, nil)
		}
		ids, ok := m.tb.triggers(e)
		if !ok {
			m.always = append(m.always, int32(qi))
			continue
		}
		for _, id := range ids {
			if l := m.byPat[id]; len(l) == 0 || l[len(l)-1] != int32(qi) {
				m.byPat[id] = append(l, int32(qi))
			}
		}
	}
	for id := range m.tb.pats {
		p := &m.tb.pats[id]
		f := boolInt(p.title)
		switch {
		case !p.wild:
			key := p.text
			if p.case_ {
				key = fold(p.text)
				if p.kind == URL {
					key = strings.ToLower(p.text)
				}
			}
			exact[f][key] = append(exact[f][key], int32(id))
		case len(p.prefix) < wildKey:
			m.wildAny[f] = append(m.wildAny[f], int32(id))
			m.hasWild[f] = true
		default:
			key := p.prefix[:wildKey]
			wildPre[f][key] = append(wildPre[f][key], int32(id))
			if m.wild2[f] == nil {
				m.wild2[f] = new([1 << 16 / 64]uint64)
			}
			k2 := uint32(key[0])<<8 | uint32(key[1])
			m.wild2[f][k2>>6] |= 1 << (k2 & 63)
			m.hasWild[f] = true
		}
	}
	for f := range 2 {
		m.exact[f], m.wildPre[f] = newTermIndex(exact[f]), newTermIndex(wildPre[f])
	}
	m.pool.New = func() any {
		return &scratch{pos: make([][]int32, len(m.tb.pats)), bits: make([]uint64, (len(m.names)+63)/64),
			hits: make([]uint64, (len(m.tb.pats)+63)/64)}
	}
	return m, nil
}

// triggers returns patterns at least one of which must occur for e to
// match, choosing cheap (long, literal) ones; ok is false when e can match
// with none of its words present (NOT, filters).
func (tb *table) triggers(e *expr) (ids []int32, ok bool) {
	switch e.op {
	case opWord:
		return e.pats, true
	case opPhrase:
		best := e.pats[0]
		for _, id := range e.pats[1:] {
			if tb.cost(id) < tb.cost(best) {
				best = id
			}
		}
		return []int32{best}, true
	case opOr:
		for _, k := range e.kids {
			t, ok := tb.triggers(k)
			if !ok {
				return nil, false
			}
			ids = append(ids, t...)
		}
		return ids, true
	case opAnd, opNear:
		bestCost := -1
		for _, k := range e.kids {
			if t, ok := tb.triggers(k); ok {
				c := 0
				for _, id := range t {
					c += tb.cost(id)
				}
				if bestCost < 0 || c < bestCost {
					ids, bestCost = t, c
				}
			}
		}
		return ids, bestCost >= 0
	}
	return nil, false
}

// cost estimates how often a pattern occurs: short words and wildcards
// with short prefixes are common.
func (tb *table) cost(id int32) int {
	p := &tb.pats[id]
	n := len(p.text)
	if p.wild {
		n = len(p.prefix)
	}
	return 1000 / (n + 1)
}

// Names returns the query names in match order.
func (m *Matcher) Names() []string { return m.names }

// Match returns the names of the queries d matches, in sorted order.
func (m *Matcher) Match(d *Document) []string { return m.MatchAppend(nil, d) }

// MatchAppend appends the names of the matching queries to dst.
func (m *Matcher) MatchAppend(dst []string, d *Document) []string {
	d.Prepare()
	sc := m.pool.Get().(*scratch)
	m.scan(sc, &d.text, 0)
	m.scan(sc, &d.title, 1)
	for _, q := range m.always {
		sc.bits[q>>6] |= 1 << (q & 63)
	}
	for _, id := range sc.touched {
		for _, q := range m.byPat[id] {
			sc.bits[q>>6] |= 1 << (q & 63)
		}
	}
	ev := env{doc: d, pos: sc.pos, hits: sc.hits, sc: sc}
	for w, word := range sc.bits {
		for word != 0 {
			q := w<<6 | bits.TrailingZeros64(word)
			word &= word - 1
			if ev.eval(m.exprs[q]) {
				dst = append(dst, m.names[q])
			}
		}
		sc.bits[w] = 0
	}
	for _, id := range sc.touched {
		sc.pos[id] = sc.pos[id][:0]
		sc.hits[id>>6] = 0
	}
	sc.touched = sc.touched[:0]
	m.pool.Put(sc)
	return dst
}

func (m *Matcher) hit(sc *scratch, id int32, i int) {
	if len(sc.pos[id]) == 0 {
		sc.touched = append(sc.touched, id)
		sc.hits[id>>6] |= 1 << (id & 63)
	}
	sc.pos[id] = append(sc.pos[id], int32(i))
}

func (m *Matcher) scan(sc *scratch, ts *tokens, f int) {
	exact, wild := &m.exact[f], m.hasWild[f]
	for i := range ts.toks {
		t := &ts.toks[i]
		norm := ts.normOf(t)
		for _, id := range exact.get(norm) {
			if m.tb.pats[id].matches(ts, t, norm) {
				m.hit(sc, id, i)
			}
		}
		if !wild {
			continue
		}
		if w2 := m.wild2[f]; w2 != nil && len(norm) >= wildKey && w2[(uint32(norm[0])<<8|uint32(norm[1]))>>6]&(1<<(norm[1]&63)) != 0 {
			for _, id := range m.wildPre[f].get(norm[:wildKey]) {
				if m.tb.pats[id].matches(ts, t, norm) {
					m.hit(sc, id, i)
				}
			}
		}
		for _, id := range m.wildAny[f] {
			p := &m.tb.pats[id]
			if p.prefix != "" && (norm == "" || norm[0] != p.prefix[0]) {
				continue
			}
			if p.matches(ts, t, norm) {
				m.hit(sc, id, i)
			}
		}
	}
}
