package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is a syntax error with its position in the query.
type ParseError struct {
	Offset int    // byte offset of the problem
	Column int    // 1-based column, in characters
	Msg    string // what was expected or found
	Hint   string // optional advice
}

func (e *ParseError) Error() string {
	s := fmt.Sprintf("%s at column %d (byte %d)", e.Msg, e.Column, e.Offset)
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tPhrase // text in val, slop in n
	tCase   // {…}, text in val
	tLParen
	tRParen
	tLBrack
	tRBrack
	tAnd
	tOr
	tNot
	tMinus
	tNear // n, ordered
	tField
)

type tok struct {
	kind    tokKind
	val     string
	n       int
	ordered bool
	off     int
}

func describe(t tok) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tWord:
		return "'" + t.val + "'"
	case tPhrase:
		return "a phrase"
	case tCase:
		return "{" + t.val + "}"
	case tLParen:
		return "'('"
	case tRParen:
		return "')'"
	case tLBrack:
		return "'['"
	case tRBrack:
		return "']'"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tMinus:
		return "'-'"
	case tNear:
		return "NEAR/" + strconv.Itoa(t.n)
	case tField:
		return "field '" + t.val + ":'"
	}
	return "?"
}

type parser struct {
	src  string
	toks []tok
	i    int
}

func (p *parser) errAt(off int, hint, format string, args ...any) *ParseError {
	return &ParseError{Offset: off, Column: utf8.RuneCountInString(p.src[:off]) + 1, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func isWS(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDelim(c byte) bool {
	return isWS(c) || c == '(' || c == ')' || c == '"' || c == '{' || c == '}' || c == '[' || c == ']'
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func (p *parser) lex() error {
	s := p.src
	i := 0
	afterField := false
	for {
		for i < len(s) && isWS(s[i]) {
			i++
			afterField = false
		}
		if i >= len(s) {
			p.toks = append(p.toks, tok{kind: tEOF, off: len(s)})
			return nil
		}
		start := i
		wasField := afterField
		afterField = false
		switch c := s[i]; c {
		case '(':
			p.toks = append(p.toks, tok{kind: tLParen, off: i})
			i++
		case ')':
			p.toks = append(p.toks, tok{kind: tRParen, off: i})
			i++
		case '[':
			p.toks = append(p.toks, tok{kind: tLBrack, off: i})
			i++
		case ']':
			p.toks = append(p.toks, tok{kind: tRBrack, off: i})
			i++
		case '}':
			return p.errAt(i, "", "unexpected '}' without '{'")
		case '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return p.errAt(len(s), "", "expected '\"' to close the phrase opened at column %d", utf8.RuneCountInString(s[:i])+1)
			}
			t := tok{kind: tPhrase, val: s[i+1 : i+1+j], off: i}
			i += j + 2
			if i < len(s) && s[i] == '~' {
				k := i + 1
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				n, err := strconv.Atoi(s[i+1 : k])
				if err != nil || n > 1000 {
					return p.errAt(i+1, "", "expected a number from 0 to 1000 after '~'")
				}
				t.n = n
				i = k
			}
			p.toks = append(p.toks, t)
		case '{':
			j := strings.IndexByte(s[i+1:], '}')
			if j < 0 {
				return p.errAt(len(s), "", "expected '}' to close the case-sensitive term opened at column %d", utf8.RuneCountInString(s[:i])+1)
			}
			p.toks = append(p.toks, tok{kind: tCase, val: s[i+1 : i+1+j], off: i})
			i += j + 2
		default:
			if c == '-' && i+1 < len(s) && !isWS(s[i+1]) && s[i+1] != ')' && s[i+1] != ']' && s[i+1] != '}' {
				p.toks = append(p.toks, tok{kind: tMinus, off: i})
				i++
				continue
			}
			j := i
			for j < len(s) && !isDelim(s[j]) {
				j++
			}
			w := s[i:j]
			if !wasField {
				if k := strings.IndexByte(w, ':'); k > 0 && isLetters(w[:k]) {
					p.toks = append(p.toks, tok{kind: tField, val: w[:k], off: start})
					i += k + 1
					afterField = true
					continue
				}
			}
			t := tok{kind: tWord, val: w, off: start}
			switch {
			case w == "AND" || w == "&&":
				t.kind = tAnd
			case w == "OR" || w == "||":
				t.kind = tOr
			case w == "NOT":
				t.kind = tNot
			case strings.HasPrefix(w, "NEAR") || strings.HasPrefix(w, "ONEAR"):
				num := strings.TrimPrefix(strings.TrimPrefix(w, "O"), "NEAR")
				t.ordered = w[0] == 'O'
				if !strings.HasPrefix(num, "/") {
					if num == "" {
						return p.errAt(start, "", "expected a distance after %s, as in %s/3", w, w)
					}
					break // a word such as NEARBY
				}
				num = num[1:]
				if strings.HasSuffix(num, "f") {
					num, t.ordered = num[:len(num)-1], true
				}
				n, err := strconv.Atoi(num)
				if err != nil || n < 0 || n > 1000 {
					return p.errAt(start, "", "expected a distance from 0 to 1000 in %s", w)
				}
				t.kind, t.n = tNear, n
			}
			p.toks = append(p.toks, t)
			i = j
		}
	}
}

// Parse parses a listening query.
func Parse(s string) (Node, error) {
	p := &parser{src: s}
	if err := p.lex(); err != nil {
		return nil, err
	}
	if p.peek().kind == tEOF {
		return nil, p.errAt(p.peek().off, "", "expected a term, phrase or '(' in an empty query")
	}
	n, err := p.orExpr("")
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, p.errAt(t.off, "", "unbalanced parentheses: unexpected ')'")
		}
		return nil, p.errAt(t.off, "", "expected an operator or end of query, found %s", describe(t))
	}
	return n, nil
}

func (p *parser) peek() tok { return p.toks[p.i] }
func (p *parser) next() tok { t := p.toks[p.i]; p.i++; return t }

// ctx is the field the expression is inside: "" (text), "title", or a
// keyword field.
func (p *parser) orExpr(ctx string) (Node, error) {
	first, err := p.andExpr(ctx)
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for p.peek().kind == tOr {
		p.next()
		n, err := p.andExpr(ctx)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return flatten(nodes, false), nil
}

func flatten(nodes []Node, and bool) Node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	var out []Node
	for _, n := range nodes {
		if a, ok := n.(*And); ok && and {
			out = append(out, a.Nodes...)
		} else if o, ok := n.(*Or); ok && !and {
			out = append(out, o.Nodes...)
		} else {
			out = append(out, n)
		}
	}
	if and {
		return &And{Nodes: out}
	}
	return &Or{Nodes: out}
}

func startsOperand(k tokKind) bool {
	switch k {
	case tWord, tPhrase, tCase, tLParen, tNot, tMinus, tField:
		return true
	}
	return false
}

func (p *parser) andExpr(ctx string) (Node, error) {
	first, err := p.notExpr(ctx)
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for {
		if p.peek().kind == tAnd {
			p.next()
		} else if !startsOperand(p.peek().kind) {
			break
		}
		n, err := p.notExpr(ctx)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return flatten(nodes, true), nil
}

func (p *parser) notExpr(ctx string) (Node, error) {
	if k := p.peek().kind; k == tNot || k == tMinus {
		p.next()
		n, err := p.notExpr(ctx)
		if err != nil {
			return nil, err
		}
		return &Not{Node: n}, nil
	}
	return p.nearExpr(ctx)
}

func (p *parser) nearExpr(ctx string) (Node, error) {
	left, err := p.primary(ctx)
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tNear {
		op := p.next()
		if _, kw := keyFieldIndex[ctx]; kw {
			return nil, p.errAt(op.off, "", "NEAR/n cannot be used inside a %s: filter", ctx)
		}
		right, err := p.primary(ctx)
		if err != nil {
			return nil, err
		}
		for _, side := range []Node{left, right} {
			if !positional(side) {
				return nil, p.errAt(op.off, "", "%s needs a term, phrase or OR group of them on each side, found %s", describe(op), side.String())
			}
		}
		if fl, fr := leafField(left), leafField(right); fl != fr || fl == "?" {
			return nil, p.errAt(op.off, "", "%s cannot relate title: terms to text terms", describe(op))
		}
		left = &Near{Left: left, Right: right, N: op.n, Ordered: op.ordered}
	}
	return left, nil
}

func positional(n Node) bool {
	switch n := n.(type) {
	case *Term, *Phrase, *Near:
		return true
	case *Or:
		for _, c := range n.Nodes {
			if !positional(c) {
				return false
			}
		}
		return true
	}
	return false
}

// leafField is the field of the text leaves of a positional node, "?" if
// they differ.
func leafField(n Node) string {
	switch n := n.(type) {
	case *Term:
		return n.Field
	case *Phrase:
		return n.Field
	case *Near:
		l, r := leafField(n.Left), leafField(n.Right)
		if l != r {
			return "?"
		}
		return l
	case *Or:
		f := leafField(n.Nodes[0])
		for _, c := range n.Nodes[1:] {
			if leafField(c) != f {
				return "?"
			}
		}
		return f
	}
	return "?"
}

func (p *parser) primary(ctx string) (Node, error) {
	t := p.next()
	_, keyword := keyFieldIndex[ctx]
	switch t.kind {
	case tLParen:
		n, err := p.orExpr(ctx)
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tRParen {
			return nil, p.errAt(c.off, fmt.Sprintf("unbalanced parentheses, '(' opened at column %d", utf8.RuneCountInString(p.src[:t.off])+1), "expected ')', found %s", describe(c))
		}
		p.next()
		return n, nil
	case tField:
		name := strings.ToLower(t.val)
		if ctx != "" {
			return nil, p.errAt(t.off, "", "field '%s:' inside the %s: filter", name, ctx)
		}
		if name == FieldRating {
			return p.rating()
		}
		if _, ok := keyFieldIndex[name]; !ok && name != FieldTitle {
			return nil, p.errAt(t.off, "use "+strings.Join(FieldNames, ", "), "unknown field '%s'", t.val)
		}
		return p.fieldOperand(name)
	case tWord:
		if keyword {
			return p.fieldValue(ctx, t.val, t.off)
		}
		return p.word(ctx, t)
	case tPhrase:
		if keyword {
			return p.fieldValue(ctx, t.val, t.off)
		}
		return p.phrase(ctx, t.val, t.off, t.n, false)
	case tCase:
		if keyword {
			return nil, p.errAt(t.off, "", "case-sensitive {…} cannot be used in the %s: filter", ctx)
		}
		return p.phrase(ctx, t.val, t.off, 0, true)
	case tRParen:
		return nil, p.errAt(t.off, "", "expected a term, phrase or '(' but found ')'")
	}
	return nil, p.errAt(t.off, "", "expected a term, phrase or '(', found %s", describe(t))
}

// fieldOperand parses what follows "field:": an operand, possibly negated
// (lang:-en).
func (p *parser) fieldOperand(field string) (Node, error) {
	if k := p.peek().kind; k == tMinus || k == tNot {
		p.next()
		n, err := p.fieldOperand(field)
		if err != nil {
			return nil, err
		}
		return &Not{Node: n}, nil
	}
	return p.primary(field)
}

func (p *parser) fieldValue(field, v string, off int) (Node, error) {
	nv := normValue(field, v)
	if nv == "" {
		return nil, p.errAt(off, "", "expected a value for the %s: filter", field)
	}
	return &Field{Name: field, Value: nv}, nil
}

func (p *parser) word(ctx string, t tok) (Node, error) {
	w := t.val
	if strings.ContainsAny(w, "*?") {
		toks := tokenize(w, true, nil)
		if len(toks) != 1 || toks[0].Kind == URL || len(toks[0].Orig)+boolInt(toks[0].Kind != Word) != len(w) {
			return nil, p.errAt(t.off, "", "a wildcard term must be a single word of letters and digits, found '%s'", w)
		}
		return &Term{Field: ctx, Kind: toks[0].Kind, Text: toks[0].Norm}, nil
	}
	return p.phrase(ctx, w, t.off, 0, false)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// phrase builds a Term (one bare word) or a Phrase from text. quoted
// phrases stay phrases even with one word.
func (p *parser) phrase(ctx, text string, off, slop int, caseSens bool) (Node, error) {
	quoted := p.toks[p.i-1].kind == tPhrase
	toks := tokenize(text, quoted, nil)
	if len(toks) == 0 {
		return nil, p.errAt(off, "", "expected letters or digits in %q", text)
	}
	words := make([]*Term, len(toks))
	for i, tk := range toks {
		words[i] = &Term{Field: ctx, Kind: tk.Kind, Text: tk.Norm}
		if caseSens {
			words[i].Text, words[i].Case = tk.Orig, true
			if tk.Kind == URL {
				words[i].Text = tk.Orig
			}
		}
	}
	if len(words) == 1 && !quoted && words[0].Kind != URL {
		return words[0], nil
	}
	return &Phrase{Field: ctx, Words: words, Slop: slop, Case: caseSens}, nil
}

func (p *parser) rating() (Node, error) {
	num := func(t tok) (float64, error) {
		if t.kind == tWord && t.val == "*" {
			return math.Inf(1), nil
		}
		if t.kind != tWord {
			return 0, p.errAt(t.off, "", "expected a number, found %s", describe(t))
		}
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return 0, p.errAt(t.off, "", "expected a number, found %s", describe(t))
		}
		return f, nil
	}
	t := p.next()
	if t.kind == tWord {
		f, err := num(t)
		if err != nil || math.IsInf(f, 0) {
			return nil, p.errAt(t.off, "", "expected a rating or a range such as rating:[1 TO 3], found %s", describe(t))
		}
		return &Range{Lo: f, Hi: f}, nil
	}
	if t.kind != tLBrack {
		return nil, p.errAt(t.off, "", "expected a rating or a range such as rating:[1 TO 3], found %s", describe(t))
	}
	lo, err := num(p.next())
	if err != nil {
		return nil, err
	}
	if to := p.next(); to.kind != tWord || to.val != "TO" {
		return nil, p.errAt(to.off, "", "expected TO in the rating range, found %s", describe(to))
	}
	hi, err := num(p.next())
	if err != nil {
		return nil, err
	}
	if c := p.next(); c.kind != tRBrack {
		return nil, p.errAt(c.off, "", "expected ']' to close the rating range, found %s", describe(c))
	}
	if math.IsInf(lo, 1) {
		lo = math.Inf(-1)
	}
	if lo > hi {
		return nil, p.errAt(t.off, "", "empty rating range: %s is above %s", fmtNum(lo), fmtNum(hi))
	}
	return &Range{Lo: lo, Hi: hi}, nil
}
