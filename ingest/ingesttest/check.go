package ingesttest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/ingest"
)

// NoDuplicates fails the test for every id that occurs more than once:
// re-collection must never publish an item twice.
func NoDuplicates(t testing.TB, ids []string) {
	t.Helper()
	seen := make(map[string]int, len(ids))
	for _, id := range ids {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("%s published twice", id)
		}
	}
}

// WantReject is a dead letter a test expects. Empty fields are not
// checked.
type WantReject struct {
	Source string
	Class  string // "malformed", "invalid", …
	Body   string // the raw input, whole
	Key    string // a part of the key, such as the request's path
}

func (w WantReject) matches(rj ingest.Rejected) bool {
	return (w.Source == "" || rj.Source == w.Source) && (w.Class == "" || rj.Class == w.Class) &&
		(w.Body == "" || string(rj.Body) == w.Body) && strings.Contains(rj.Key, w.Key)
}

// CheckRejects fails the test unless got holds exactly one dead letter
// per want, in order, each as wanted; with no want, got must be empty.
func CheckRejects(t testing.TB, got []ingest.Rejected, want ...WantReject) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d dead letters %v, want %d: %+v", len(got), describe(got...), len(want), want)
		return
	}
	for i, w := range want {
		if !w.matches(got[i]) {
			t.Errorf("dead letter %d = %v, want %+v", i, describe(got[i]), w)
		}
	}
}

// describe shows dead letters with their bodies as text.
func describe(rjs ...ingest.Rejected) []string {
	out := make([]string, len(rjs))
	for i, rj := range rjs {
		out[i] = fmt.Sprintf("{Source:%s Class:%s Key:%s Body:%q Reason:%s}", rj.Source, rj.Class, rj.Key, rj.Body, rj.Reason)
	}
	return out
}

// Distinct returns the ids sorted, each once.
func Distinct(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
