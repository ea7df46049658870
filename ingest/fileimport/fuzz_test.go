package fileimport

import (
	"context"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCSV feeds arbitrary files and date formats through a custom
// mapping: no panic, no hang; every row is either published (and valid,
// which the recorder checks against the schemas) or rejected with its
// line; and a bad date format is refused up front.
func FuzzCSV(f *testing.F) {
	f.Add([]byte(badCSV), "YYYY-MM-DDTHH:mm:ssZ", false)
	f.Add([]byte("Page;Fans;Day\nacme;1.204;01.11.2026\n"), "DD.MM.YYYY", true)
	f.Add([]byte("\ufeffa,b\n\"x\ny\",\"\"\"\n"), "MM/DD/YYYY HH:mm", false)
	f.Add([]byte("Total: Account,--\n#x\n\n"), "YYYY", false)
	f.Add([]byte{0xff, 0xfe, 'a', 0, ',', 0}, "D MMM YYYY", false)
	f.Fuzz(func(t *testing.T, content []byte, dateFormat string, semicolon bool) {
		m := Mapping{Kind: "audience", Columns: map[string]string{"account": "Page", "followers": "Fans", "observed_at": "Day"},
			Values: map[string]string{"network": "facebook"}, DateFormat: dateFormat, SkipPrefixes: []string{"Total:"}}
		if semicolon {
			m.Delimiter, m.Decimal = ";", ","
		}
		spec, err := m.compile("fuzz")
		if _, lerr := Layout(dateFormat); dateFormat != "" && (lerr == nil) != (err == nil) {
			t.Fatalf("Layout(%q) err %v but compile err %v", dateFormat, lerr, err)
		}
		if err != nil {
			return
		}
		path := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		rec := ingesttest.NewRecorder(t)
		rep, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: spec, SkipInvalid: true})
		if err != nil {
			if rep != nil && rep.Published != 0 && !strings.Contains(err.Error(), "line") {
				t.Fatalf("failed after publishing: %v", err)
			}
			return
		}
		if rep.Published != len(rec.Envelopes()) || rep.Published != rep.Events || len(rec.Rejects()) != len(rep.Rejected) {
			t.Fatalf("report %+v, published %d, rejects %d", rep, len(rec.Envelopes()), len(rec.Rejects()))
		}
		lines := strings.Count(string(content), "\n") + 1
		for _, r := range rep.Rejected {
			if r.Line < 1 || r.Line > lines || r.Reason == "" {
				t.Fatalf("rejected row without a sane line or reason: %+v", r)
			}
		}
	})
}
