// Package eval measures a sentiment classifier against a labelled set:
// it reads label<TAB>text files and computes accuracy, per-class
// precision, recall and F1, macro averages and the confusion matrix.
package eval

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/earshot-dev/earshot/event"
)

// Labels are the classes in the order reports print them.
var Labels = []string{event.Negative, event.Neutral, event.Positive}

func labelIndex(l string) int {
	for i, x := range Labels {
		if x == l {
			return i
		}
	}
	return -1
}

// Example is one labelled text and the line it came from.
type Example struct {
	Line  int
	Label string
	Text  string
}

// ParseTSV reads label<TAB>text lines. Blank lines and lines starting
// with # are skipped. An error names the line and what is wrong with it.
func ParseTSV(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, text, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want label<TAB>text, found no tab", n)
		}
		label = strings.TrimSpace(label)
		if labelIndex(label) < 0 {
			return nil, fmt.Errorf("line %d: label %q: use positive, neutral or negative", n, label)
		}
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("line %d: empty text after the label", n)
		}
		out = append(out, Example{Line: n, Label: label, Text: text})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}

// Confusion counts predictions: M[gold][predicted], indexed like Labels.
type Confusion struct {
	M [3][3]int
}

// Add records one prediction. Unknown labels are an error.
func (c *Confusion) Add(gold, pred string) error {
	g, p := labelIndex(gold), labelIndex(pred)
	if g < 0 || p < 0 {
		return fmt.Errorf("unknown label in (%q, %q)", gold, pred)
	}
	c.M[g][p]++
	return nil
}

// Class is one label's scores. A score whose denominator is zero is 0.
type Class struct {
	Label                     string
	Precision, Recall, F1     float64
	Support, Predicted, Right int
}

// Report is what a confusion matrix says.
type Report struct {
	N         int
	Accuracy  float64
	Classes   []Class
	MacroP    float64
	MacroR    float64
	MacroF1   float64
	Confusion Confusion
}

// Report computes the scores.
func (c *Confusion) Report() Report {
	r := Report{Confusion: *c}
	right := 0
	for i := range Labels {
		for j := range Labels {
			r.N += c.M[i][j]
		}
		right += c.M[i][i]
	}
	r.Accuracy = ratio(right, r.N)
	for i, l := range Labels {
		cl := Class{Label: l, Right: c.M[i][i]}
		for j := range Labels {
			cl.Support += c.M[i][j]
			cl.Predicted += c.M[j][i]
		}
		cl.Precision = ratio(cl.Right, cl.Predicted)
		cl.Recall = ratio(cl.Right, cl.Support)
		if cl.Precision+cl.Recall > 0 {
			cl.F1 = 2 * cl.Precision * cl.Recall / (cl.Precision + cl.Recall)
		}
		r.MacroP += cl.Precision / float64(len(Labels))
		r.MacroR += cl.Recall / float64(len(Labels))
		r.MacroF1 += cl.F1 / float64(len(Labels))
		r.Classes = append(r.Classes, cl)
	}
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Write prints the report as aligned text.
func (r Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "examples\t%d\t\n", r.N)
	fmt.Fprintf(tw, "accuracy\t%.3f\t\n", r.Accuracy)
	fmt.Fprintf(tw, "macro-F1\t%.3f\t\n\n", r.MacroF1)
	fmt.Fprintf(tw, "class\tprecision\trecall\tF1\tsupport\t\n")
	for _, c := range r.Classes {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t\n", c.Label, c.Precision, c.Recall, c.F1, c.Support)
	}
	fmt.Fprintf(tw, "macro avg\t%.3f\t%.3f\t%.3f\t%d\t\n\n", r.MacroP, r.MacroR, r.MacroF1, r.N)
	fmt.Fprintf(tw, "gold \\ predicted\t%s\t%s\t%s\t\n", Labels[0], Labels[1], Labels[2])
	for i, l := range Labels {
		m := r.Confusion.M[i]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", l, m[0], m[1], m[2])
	}
	return tw.Flush()
}

// Classifier labels a text.
type Classifier func(text string) string

// Run labels every example and returns the report, plus the examples
// the classifier got wrong with what it said.
func Run(exs []Example, classify Classifier) (Report, []Miss) {
	var c Confusion
	var misses []Miss
	for _, ex := range exs {
		p := classify(ex.Text)
		if err := c.Add(ex.Label, p); err != nil {
			p = "invalid:" + p
		}
		if p != ex.Label {
			misses = append(misses, Miss{Example: ex, Predicted: p})
		}
	}
	return c.Report(), misses
}

// Miss is an example labelled wrongly.
type Miss struct {
	Example
	Predicted string
}
