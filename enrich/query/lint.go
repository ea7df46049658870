package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Warning is a lint finding: the query parses but probably does not do
// what its author meant, or is expensive.
type Warning struct {
	Code    string // short-wildcard, leading-wildcard, not-only, filter-only, one-word-phrase, wide-near, wide-proximity, lowercase-operator
	Node    string // the node concerned, canonical form
	Message string
}

func (w Warning) String() string { return w.Code + ": " + w.Message + " (" + w.Node + ")" }

// MaxNear is the NEAR/ONEAR distance above which Lint warns.
const MaxNear = 50

// Lint returns the warnings for a parsed query, outermost first.
func Lint(n Node) []Warning {
	var ws []Warning
	add := func(code string, n Node, format string, args ...any) {
		ws = append(ws, Warning{Code: code, Node: n.String(), Message: fmt.Sprintf(format, args...)})
	}
	if !hasPositive(n) {
		if hasText(n) {
			add("not-only", n, "the query only excludes: it matches almost every post")
		} else {
			add("filter-only", n, "the query has no terms: it matches every post that passes the filters")
		}
	}
	var term func(t *Term, in Node)
	term = func(t *Term, in Node) {
		if t.Case || !t.Wildcard() {
			if t.Kind == Word && !t.Case && (t.Text == "and" || t.Text == "or" || t.Text == "not" || t.Text == "near") {
				add("lowercase-operator", in, "'%s' is searched as a word; operators are upper-case (%s)", t.Text, strings.ToUpper(t.Text))
			}
			return
		}
		lead := strings.IndexAny(t.Text, "*?")
		if lead == 0 {
			add("leading-wildcard", in, "a wildcard at the start matches a huge number of words and is slow")
		} else if utf8.RuneCountInString(t.Text[:lead]) < 3 {
			add("short-wildcard", in, "a wildcard after fewer than 3 letters matches too many words; write at least 3")
		}
	}
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Term:
			term(n, n)
		case *Phrase:
			if len(n.Words) == 1 && n.Words[0].Kind != URL && !n.Case {
				if n.Slop > 0 {
					add("one-word-phrase", n, "proximity ~%d on a single word does nothing", n.Slop)
				} else {
					add("one-word-phrase", n, "a phrase of one word: the quotes do nothing")
				}
			}
			if n.Slop > MaxNear {
				add("wide-proximity", n, "proximity ~%d is wider than %d words: nearly any post containing the words matches", n.Slop, MaxNear)
			}
			for _, w := range n.Words {
				term(w, n)
			}
		case *And:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *Or:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *Not:
			walk(n.Node)
		case *Near:
			if n.N > MaxNear {
				add("wide-near", n, "a distance of %d is wider than %d words: use AND instead", n.N, MaxNear)
			}
			walk(n.Left)
			walk(n.Right)
		case *Field:
			if strings.HasPrefix(n.Value, "*") || strings.HasPrefix(n.Value, "?") {
				add("leading-wildcard", n, "a wildcard at the start of a filter value is slow and broad")
			}
		}
	}
	walk(n)
	return ws
}

// hasPositive reports whether every way for n to match requires some term
// or filter to be present (rather than absent).
func hasPositive(n Node) bool {
	switch n := n.(type) {
	case *Not:
		return false
	case *And:
		for _, c := range n.Nodes {
			if hasPositive(c) {
				return true
			}
		}
		return false
	case *Or:
		for _, c := range n.Nodes {
			if !hasPositive(c) {
				return false
			}
		}
		return true
	case *Field, *Range:
		return hasText(n) // filters alone are reported as filter-only
	}
	return true
}

// hasText reports whether n contains a text term anywhere.
func hasText(n Node) bool {
	switch n := n.(type) {
	case *Term, *Phrase, *Near:
		return true
	case *And:
		for _, c := range n.Nodes {
			if hasText(c) {
				return true
			}
		}
	case *Or:
		for _, c := range n.Nodes {
			if hasText(c) {
				return true
			}
		}
	case *Not:
		return hasText(n.Node)
	}
	return false
}
