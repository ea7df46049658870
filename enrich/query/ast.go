// Package query implements earshot's listening-query language (DESIGN.md §5):
// a Brandwatch-style boolean grammar with proximity operators, wildcards,
// hashtags, mentions, field filters and case-sensitive terms; a linter; and
// a matcher that compiles many named queries into one shared term index.
package query

import (
	"math"
	"strconv"
	"strings"
)

// Node is a node of a parsed query. String prints the canonical, fully
// parenthesised form: Parse(n.String()) gives back the same tree.
type Node interface {
	String() string
	node()
}

// TermKind says which tokens a term matches.
type TermKind uint8

const (
	// Word matches the word, its #hashtag and its @mention.
	Word TermKind = iota
	// Hashtag matches only the #hashtag.
	Hashtag
	// Mention matches only the @mention.
	Mention
	// URL matches a whole URL (only inside phrases: "https://…").
	URL
)

// Field names. Title is a text field (its value is a sub-query); rating
// takes a range; the others compare whole values.
const (
	FieldTitle   = "title"
	FieldRating  = "rating"
	FieldLang    = "lang"
	FieldNetwork = "network"
	FieldSource  = "source"
	FieldAuthor  = "author"
	FieldSite    = "site"
	FieldCountry = "country"
)

// FieldNames lists every field a query may filter on.
var FieldNames = []string{FieldLang, FieldNetwork, FieldSource, FieldAuthor, FieldSite, FieldCountry, FieldTitle, FieldRating}

// Term is one word. Text is normalized (lower-case, accents folded) unless
// Case is set, in which case it is the exact spelling; it never carries the
// leading # or @ (Kind says). It may contain the wildcards * and ?.
type Term struct {
	Field string // "" (post text) or "title"
	Kind  TermKind
	Text  string
	Case  bool
}

// Wildcard reports whether the term contains * or ?.
func (t *Term) Wildcard() bool { return strings.ContainsAny(t.Text, "*?") }

// Phrase is a sequence of words. With Slop 0 they must be adjacent and in
// order; with Slop n ("a b"~n) they must all occur, in any order, within a
// window of len(Words)+n tokens.
type Phrase struct {
	Field string
	Words []*Term
	Slop  int
	Case  bool
}

// And matches when every child matches.
type And struct{ Nodes []Node }

// Or matches when any child matches.
type Or struct{ Nodes []Node }

// Not matches when its child does not.
type Not struct{ Node Node }

// Near matches when a match of Left and a match of Right are at most N
// tokens apart (N counts the tokens between them). Ordered (ONEAR/n)
// requires Left before Right.
type Near struct {
	Left, Right Node
	N           int
	Ordered     bool
}

// Field filters on a document attribute other than the text (lang,
// network, source, author, site, country). Value is normalized and may
// contain wildcards.
type Field struct {
	Name  string
	Value string
}

// Range filters on the rating: Lo <= rating <= Hi; open ends are infinite.
// A document without a rating (0) never matches.
type Range struct {
	Lo, Hi float64
}

func (*Term) node()   {}
func (*Phrase) node() {}
func (*And) node()    {}
func (*Or) node()     {}
func (*Not) node()    {}
func (*Near) node()   {}
func (*Field) node()  {}
func (*Range) node()  {}

func fieldPrefix(f string) string {
	if f == "" {
		return ""
	}
	return f + ":"
}

func (t *Term) bare() string {
	switch t.Kind {
	case Hashtag:
		return "#" + t.Text
	case Mention:
		return "@" + t.Text
	}
	return t.Text
}

func (t *Term) String() string {
	if t.Case {
		return fieldPrefix(t.Field) + "{" + t.bare() + "}"
	}
	return fieldPrefix(t.Field) + t.bare()
}

func (p *Phrase) String() string {
	ws := make([]string, len(p.Words))
	for i, w := range p.Words {
		ws[i] = w.bare()
	}
	if p.Case {
		return fieldPrefix(p.Field) + "{" + strings.Join(ws, " ") + "}"
	}
	s := fieldPrefix(p.Field) + `"` + strings.Join(ws, " ") + `"`
	if p.Slop > 0 {
		s += "~" + strconv.Itoa(p.Slop)
	}
	return s
}

func join(nodes []Node, op string) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, n := range nodes {
		if i > 0 {
			b.WriteString(op)
		}
		b.WriteString(n.String())
	}
	b.WriteByte(')')
	return b.String()
}

func (a *And) String() string { return join(a.Nodes, " AND ") }
func (o *Or) String() string  { return join(o.Nodes, " OR ") }
func (n *Not) String() string { return "NOT " + n.Node.String() }

func (n *Near) String() string {
	op := " NEAR/"
	if n.Ordered {
		op = " ONEAR/"
	}
	return "(" + n.Left.String() + op + strconv.Itoa(n.N) + " " + n.Right.String() + ")"
}

func (f *Field) String() string {
	if simpleValue(f.Value) {
		return f.Name + ":" + f.Value
	}
	return f.Name + `:"` + f.Value + `"`
}

func simpleValue(v string) bool {
	if v == "" || v[0] == '-' {
		return false
	}
	return !strings.ContainsAny(v, " \t\r\n\f\v()\"{}[]:") && !strings.ContainsFunc(v, isSpace)
}

func fmtNum(f float64) string {
	if math.IsInf(f, 0) {
		return "*"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func (r *Range) String() string {
	return "rating:[" + fmtNum(r.Lo) + " TO " + fmtNum(r.Hi) + "]"
}

// Indent prints the tree one node a line, children indented, for
// 'earshot query check'.
func Indent(n Node) string {
	var b strings.Builder
	indent(&b, n, 0)
	return b.String()
}

func indent(b *strings.Builder, n Node, depth int) {
	pad := strings.Repeat("  ", depth)
	switch n := n.(type) {
	case *And:
		b.WriteString(pad + "AND\n")
		for _, c := range n.Nodes {
			indent(b, c, depth+1)
		}
	case *Or:
		b.WriteString(pad + "OR\n")
		for _, c := range n.Nodes {
			indent(b, c, depth+1)
		}
	case *Not:
		b.WriteString(pad + "NOT\n")
		indent(b, n.Node, depth+1)
	case *Near:
		op := "NEAR/"
		if n.Ordered {
			op = "ONEAR/"
		}
		b.WriteString(pad + op + strconv.Itoa(n.N) + "\n")
		indent(b, n.Left, depth+1)
		indent(b, n.Right, depth+1)
	default:
		b.WriteString(pad + n.String() + "\n")
	}
}
