package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runEvalCmd(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestEvalSentimentCmd(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tsv")
	if err := os.WriteFile(good, []byte("# label<TAB>text\npositive\tI love it, great service!\nnegative\tTerrible, never again 😡\nneutral\tThe store opens at nine.\npositive\tThe store opens at ten.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runEvalCmd(t, "", "eval", "sentiment", "--input", good, "--misses")
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"examples 4", "accuracy 0.750", "macro-F1", "gold \\ predicted", "line 5: positive, scored neutral"} {
		if !strings.Contains(flat, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The real dev set, from standard input, in Indonesian.
	id, err := os.ReadFile(filepath.Join("..", "..", "enrich", "testdata", "sentiment", "id.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out, err = runEvalCmd(t, string(id), "eval", "sentiment", "--input", "-", "--lang", "id")
	if err != nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "examples 303") {
		t.Errorf("id dev set: err %v\n%s", err, out)
	}

	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("positive\tok\n\npositve\ttypo in the label\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--input", bad}, `bad.tsv: line 3: label "positve"`},
		{[]string{"--input", filepath.Join(dir, "missing.tsv")}, "no such file"},
		{[]string{}, "--input is required"},
		{[]string{"--input", good, "--scorer", "bert"}, `--scorer "bert"`},
		{[]string{"--input", good, "--lang", ""}, "--lang is empty"},
	} {
		_, err := runEvalCmd(t, "", append([]string{"eval", "sentiment"}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("eval sentiment %v: err = %v, want %q", tt.args, err, tt.want)
		}
	}
}
