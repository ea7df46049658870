package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runQueryCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestQueryCheckCmd(t *testing.T) {
	out, err := runQueryCmd(t, "query", "check", `(acme OR "acme corp" OR #acme) AND NOT hiring AND lang:(en OR id) ac*`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`((acme OR "acme corp" OR #acme) AND NOT hiring AND (lang:en OR lang:id) AND ac*)`,
		"  OR\n    acme\n",
		"short-wildcard",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out, err = runQueryCmd(t, "query", "check", "NOT acme")
	if err != nil || !strings.Contains(out, "not-only") {
		t.Errorf("NOT-only query: err %v, output:\n%s", err, out)
	}

	_, err = runQueryCmd(t, "query", "check", "acme AND (b OR c")
	if err == nil || !strings.Contains(err.Error(), "expected ')'") || !strings.Contains(err.Error(), "column 17") {
		t.Errorf("unbalanced query: err = %v", err)
	}
	_, err = runQueryCmd(t, "query", "check", "langs:en")
	if err == nil || !strings.Contains(err.Error(), "unknown field 'langs' at column 1") {
		t.Errorf("unknown field: err = %v", err)
	}
	if _, err = runQueryCmd(t, "query", "check"); err == nil {
		t.Error("check without a query succeeded")
	}
}
