package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestQueryParseCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"acme", "acme"},
		{"Acme", "acme"},
		{"Café", "cafe"},
		{"acme corp", "(acme AND corp)"},
		{"acme AND corp", "(acme AND corp)"},
		{"acme && corp", "(acme AND corp)"},
		{"acme OR corp", "(acme OR corp)"},
		{"acme || corp", "(acme OR corp)"},
		{"a OR b AND c", "(a OR (b AND c))"},
		{"a AND b OR c", "((a AND b) OR c)"},
		{"a b OR c d", "((a AND b) OR (c AND d))"},
		{"NOT a AND b", "(NOT a AND b)"},
		{"NOT a OR b", "(NOT a OR b)"},
		{"NOT (a OR b)", "NOT (a OR b)"},
		{"-a b", "(NOT a AND b)"},
		{"acme -hiring -\"job offer\"", `(acme AND NOT hiring AND NOT "job offer")`},
		{"a -(b OR c)", "(a AND NOT (b OR c))"},
		{"NOT NOT a", "NOT NOT a"},
		{"a AND (b AND c)", "(a AND b AND c)"},
		{"(a OR b) OR (c OR d)", "(a OR b OR c OR d)"},
		{"((a))", "a"},
		{`"acme corp"`, `"acme corp"`},
		{`"Acme  Corp!"`, `"acme corp"`},
		{`"acme"`, `"acme"`},
		{`"acme corp"~3`, `"acme corp"~3`},
		{`"acme corp"~0`, `"acme corp"`},
		{"coca-cola", `"coca cola"`},
		{"a NEAR/3 b", "(a NEAR/3 b)"},
		{"a ONEAR/3 b", "(a ONEAR/3 b)"},
		{"a NEAR/3f b", "(a ONEAR/3 b)"},
		{"a NEAR/2 b AND c", "((a NEAR/2 b) AND c)"},
		{"NOT a NEAR/2 b", "NOT (a NEAR/2 b)"},
		{`(a OR "b c") NEAR/5 d`, `((a OR "b c") NEAR/5 d)`},
		{"a NEAR/1 b NEAR/2 c", "((a NEAR/1 b) NEAR/2 c)"},
		{"acm*", "acm*"},
		{"colo?r", "colo?r"},
		{`"acm* corp"`, `"acm* corp"`},
		{"#Acme", "#acme"},
		{"@AcmeHQ", "@acmehq"},
		{"#acm*", "#acm*"},
		{"{Acme}", "{Acme}"},
		{"{Acme Corp}", "{Acme Corp}"},
		{"{#Acme}", "{#Acme}"},
		{"lang:en", "lang:en"},
		{"lang:EN", "lang:en"},
		{"LANG:en", "lang:en"},
		{"lang:(en OR id)", "(lang:en OR lang:id)"},
		{"lang:-en", "NOT lang:en"},
		{"network:twitter", "network:twitter"},
		{"source:playstore", "source:playstore"},
		{"author:@JohnDoe", "author:johndoe"},
		{`author:"John Doe"`, `author:"john doe"`},
		{"site:https://www.Acme.com/news", "site:acme.com"},
		{"site:*.gov", "site:*.gov"},
		{"country:ID", "country:id"},
		{"title:acme", "title:acme"},
		{`title:"acme corp"`, `title:"acme corp"`},
		{"title:(acme OR corp)", "(title:acme OR title:corp)"},
		{"title:{Acme}", "title:{Acme}"},
		{"title:(a NEAR/2 b)", "(title:a NEAR/2 title:b)"},
		{"rating:[1 TO 3]", "rating:[1 TO 3]"},
		{"rating:[1.5 TO *]", "rating:[1.5 TO *]"},
		{"rating:[* TO 2]", "rating:[* TO 2]"},
		{"rating:5", "rating:[5 TO 5]"},
		{`"https://acme.com/promo"`, `"https://acme.com/promo"`},
		{"www.acme.com", `"www.acme.com"`},
		{"NEARBY", "nearby"},
		{`(acme OR "acme corp" OR #acme OR @acmehq) AND NOT (hiring OR "job offer") AND lang:(en OR id)`,
			`((acme OR "acme corp" OR #acme OR @acmehq) AND NOT (hiring OR "job offer") AND (lang:en OR lang:id))`},
	}
	for _, c := range cases {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := n.String(); got != c.want {
			t.Errorf("Parse(%q) = %s, want %s", c.in, got, c.want)
		}
		roundTrip(t, c.in, n)
	}
}

func roundTrip(t testing.TB, in string, n Node) {
	t.Helper()
	s := n.String()
	n2, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q).String() = %q does not parse: %v", in, s, err)
	}
	if !reflect.DeepEqual(n, n2) {
		t.Fatalf("round trip of %q changed the tree: %s vs %s", in, s, n2.String())
	}
	if n2.String() != s {
		t.Fatalf("round trip of %q changed the text: %q vs %q", in, s, n2.String())
	}
}

func TestQueryParseTree(t *testing.T) {
	n, err := Parse(`#Acme {Acme} "a b"~2 x NEAR/3 y rating:[1 TO 3]`)
	if err != nil {
		t.Fatal(err)
	}
	want := &And{Nodes: []Node{
		&Term{Kind: Hashtag, Text: "acme"},
		&Term{Text: "Acme", Case: true},
		&Phrase{Words: []*Term{{Text: "a"}, {Text: "b"}}, Slop: 2},
		&Near{Left: &Term{Text: "x"}, Right: &Term{Text: "y"}, N: 3},
		&Range{Lo: 1, Hi: 3},
	}}
	if !reflect.DeepEqual(n, want) {
		t.Fatalf("got %s, want %s", n, want)
	}
}

func TestQueryParseErrors(t *testing.T) {
	cases := []struct {
		in     string
		col    int
		offset int
		msg    string
	}{
		{"", 1, 0, "empty query"},
		{"   ", 4, 3, "empty query"},
		{"(a OR b", 8, 7, "expected ')'"},
		{"acme AND (b OR c", 17, 16, "expected ')', found end of query"},
		{"a OR b)", 7, 6, "unbalanced parentheses"},
		{"a AND", 6, 5, "expected a term"},
		{"a OR OR b", 6, 5, "expected a term, phrase or '(', found OR"},
		{"()", 2, 1, "found ')'"},
		{"langs:en", 1, 0, "unknown field 'langs'"},
		{"acme lang:", 11, 10, "expected a term"},
		{`"acme corp`, 11, 10, `expected '"'`},
		{"{Acme", 6, 5, "expected '}'"},
		{"Acme}", 5, 4, "unexpected '}'"},
		{`"a b"~x`, 7, 6, "after '~'"},
		{"a NEAR b", 3, 2, "expected a distance"},
		{"a NEAR/x b", 3, 2, "expected a distance"},
		{"a NEAR/3", 9, 8, "expected a term"},
		{"(a AND b) NEAR/3 c", 11, 10, "needs a term, phrase or OR group"},
		{"a NEAR/3 lang:en", 3, 2, "needs a term"},
		{"title:a NEAR/3 b", 9, 8, "cannot relate title"},
		{"lang:(en NEAR/2 id)", 10, 9, "cannot be used inside"},
		{"lang:{EN}", 6, 5, "case-sensitive"},
		{"lang:(title:x)", 7, 6, "inside the lang: filter"},
		{"rating:[1 TO", 13, 12, "expected a number"},
		{"rating:[1 3]", 11, 10, "expected TO"},
		{"rating:[1 TO 3", 15, 14, "expected ']'"},
		{"rating:[3 TO 1]", 8, 7, "empty rating range"},
		{"rating:abc", 8, 7, "expected a rating"},
		{"rating:[x TO 2]", 9, 8, "expected a number"},
		{"!!!", 1, 0, "expected letters or digits"},
		{"ac*-me", 1, 0, "wildcard term must be a single word"},
		{"é (x", 5, 5, "expected ')'"}, // column counts characters, offset bytes
		{`lang:""`, 6, 5, "expected a value"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a ParseError", c.in, err)
			continue
		}
		if pe.Column != c.col || pe.Offset != c.offset || !strings.Contains(pe.Error(), c.msg) {
			t.Errorf("Parse(%q): %v (col %d, byte %d), want col %d byte %d containing %q", c.in, err, pe.Column, pe.Offset, c.col, c.offset, c.msg)
		}
	}
	_, err := Parse("langs:en")
	if got := err.Error(); !strings.Contains(got, "at column 1") || !strings.Contains(got, "use lang, network") {
		t.Errorf("unknown field error = %q", got)
	}
}

func TestQueryLint(t *testing.T) {
	cases := []struct {
		in    string
		codes []string
	}{
		{"acme", nil},
		{"acme AND lang:en", nil},
		{"ac*", []string{"short-wildcard"}},
		{"acm*", nil},
		{"*acme", []string{"leading-wildcard"}},
		{"NOT acme", []string{"not-only"}},
		{"-acme -hiring", []string{"not-only"}},
		{"acme OR NOT b", []string{"not-only"}},
		{"lang:en", []string{"filter-only"}},
		{`"acme"`, []string{"one-word-phrase"}},
		{`"acme corp"~80`, []string{"wide-proximity"}},
		{"a NEAR/51 b", []string{"wide-near"}},
		{"a NEAR/50 b", nil},
		{"acme or corp", []string{"lowercase-operator"}},
		{"site:*gov AND x", []string{"leading-wildcard"}},
	}
	for _, c := range cases {
		n, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		var codes []string
		for _, w := range Lint(n) {
			codes = append(codes, w.Code)
			if w.Message == "" || w.Node == "" {
				t.Errorf("Lint(%q): empty warning %+v", c.in, w)
			}
		}
		if !reflect.DeepEqual(codes, c.codes) {
			t.Errorf("Lint(%q) = %v, want %v", c.in, codes, c.codes)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"acme", `(acme OR "acme corp" OR #acme OR @acmehq) AND NOT (hiring OR "job offer") AND lang:(en OR id)`,
		"a NEAR/3 b", "a ONEAR/2 (b OR c)", `"a b"~4`, "acm* colo?r", "{Acme}", "title:(a OR b)",
		"rating:[1 TO 3]", "site:acme.com author:@x", "-a -(b c)", "www.x.com", `"https://x.com/?a=1"`,
		"((a", "a)", "lang:", "é ü ß",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		roundTrip(t, s, n)
		Lint(n)
	})
}
