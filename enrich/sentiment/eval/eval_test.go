package eval

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestReport checks the scores against a confusion matrix computed by
// hand. Rows are gold, columns predicted: negative, neutral, positive.
//
//	          neg neu pos
//	neg        8   1   1   support 10
//	neu        2   5   3   support 10
//	pos        0   0  10   support 10
//
// accuracy 23/30; negative P 8/10 R 8/10; neutral P 5/6 R 5/10;
// positive P 10/14 R 10/10.
func TestReport(t *testing.T) {
	var c Confusion
	c.M = [3][3]int{{8, 1, 1}, {2, 5, 3}, {0, 0, 10}}
	r := c.Report()
	if r.N != 30 || !near(r.Accuracy, 23.0/30) {
		t.Fatalf("N %d accuracy %v", r.N, r.Accuracy)
	}
	f1 := func(p, r float64) float64 { return 2 * p * r / (p + r) }
	want := []Class{
		{Label: "negative", Precision: 0.8, Recall: 0.8, F1: 0.8, Support: 10, Predicted: 10, Right: 8},
		{Label: "neutral", Precision: 5.0 / 6, Recall: 0.5, F1: f1(5.0/6, 0.5), Support: 10, Predicted: 6, Right: 5},
		{Label: "positive", Precision: 10.0 / 14, Recall: 1, F1: f1(10.0/14, 1), Support: 10, Predicted: 14, Right: 10},
	}
	for i, w := range want {
		g := r.Classes[i]
		if g.Label != w.Label || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) ||
			g.Support != w.Support || g.Predicted != w.Predicted || g.Right != w.Right {
			t.Errorf("class %d = %+v, want %+v", i, g, w)
		}
	}
	if mf := (want[0].F1 + want[1].F1 + want[2].F1) / 3; !near(r.MacroF1, mf) {
		t.Errorf("macro-F1 %v, want %v", r.MacroF1, mf)
	}
	if mp := (0.8 + 5.0/6 + 10.0/14) / 3; !near(r.MacroP, mp) {
		t.Errorf("macro precision %v, want %v", r.MacroP, mp)
	}
	if mr := (0.8 + 0.5 + 1) / 3; !near(r.MacroR, mr) {
		t.Errorf("macro recall %v, want %v", r.MacroR, mr)
	}
}

// TestReportEmptyClass: a class never predicted nor present scores 0,
// not NaN.
func TestReportEmptyClass(t *testing.T) {
	var c Confusion
	for _, p := range [][2]string{{"positive", "positive"}, {"positive", "negative"}, {"negative", "negative"}} {
		if err := c.Add(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	r := c.Report()
	if !near(r.Accuracy, 2.0/3) {
		t.Errorf("accuracy %v", r.Accuracy)
	}
	neu := r.Classes[1]
	if neu.Precision != 0 || neu.Recall != 0 || neu.F1 != 0 {
		t.Errorf("neutral = %+v, want zeros", neu)
	}
	// negative: P 1/2, R 1; positive: P 1, R 1/2; both F1 2/3.
	if !near(r.MacroF1, (2.0/3+0+2.0/3)/3) {
		t.Errorf("macro-F1 %v", r.MacroF1)
	}
	if err := c.Add("positive", "mixed"); err == nil {
		t.Error("Add accepted an unknown label")
	}
	if r := (&Confusion{}).Report(); r.Accuracy != 0 || r.MacroF1 != 0 {
		t.Errorf("empty report = %+v", r)
	}
}

func TestWrite(t *testing.T) {
	var c Confusion
	c.M = [3][3]int{{8, 1, 1}, {2, 5, 3}, {0, 0, 10}}
	var b bytes.Buffer
	if err := c.Report().Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"accuracy  0.767", "macro-F1  0.753", "neutral      0.833   0.500  0.625", "negative         8        1         1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestParseTSV(t *testing.T) {
	good := "# header\n\npositive\tgreat stuff\r\nneutral\tit opens at 9\nnegative\tbad\tand a tab inside\n"
	exs, err := ParseTSV(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{{3, "positive", "great stuff"}, {4, "neutral", "it opens at 9"}, {5, "negative", "bad\tand a tab inside"}}
	if len(exs) != len(want) {
		t.Fatalf("got %v", exs)
	}
	for i := range want {
		if exs[i] != want[i] {
			t.Errorf("example %d = %+v, want %+v", i, exs[i], want[i])
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"positive\tok\nno tab here\n", "line 2: want label<TAB>text"},
		{"# c\nPositive\tok\n", `line 2: label "Positive"`},
		{"mixed\tok\n", "use positive, neutral or negative"},
		{"positive\t  \n", "line 1: empty text"},
		{"positive\tok\n" + strings.Repeat("x", 2<<20), "line 2:"},
	} {
		_, err := ParseTSV(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseTSV(%.30q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestRun(t *testing.T) {
	exs := []Example{{1, "positive", "good"}, {2, "negative", "bad"}, {3, "neutral", "meh"}}
	r, misses := Run(exs, func(s string) string {
		if s == "good" {
			return "positive"
		}
		return "negative"
	})
	if r.N != 3 || !near(r.Accuracy, 2.0/3) || len(misses) != 1 || misses[0].Line != 3 || misses[0].Predicted != "negative" {
		t.Errorf("Run = %+v, misses %+v", r, misses)
	}
}

func FuzzParseTSV(f *testing.F) {
	for _, s := range []string{"", "positive\tx\n", "# c\nneutral\ty", "negative\t\n", "\t\t\t", "positive\r\n", "neutral\tä\n\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		exs, err := ParseTSV(strings.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line number: %v", err)
			}
			return
		}
		prev := 0
		for _, ex := range exs {
			if labelIndex(ex.Label) < 0 || strings.TrimSpace(ex.Text) == "" || ex.Line <= prev {
				t.Fatalf("bad example %+v", ex)
			}
			prev = ex.Line
		}
	})
}
