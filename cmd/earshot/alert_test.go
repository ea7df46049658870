package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/alert/notify"
)

// TestAlertTestSendsASample runs 'earshot alert test' in-process against
// a webhook channel served locally.
func TestAlertTestSendsASample(t *testing.T) {
	got := make(chan notify.Alert, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Earshot-Signature") == "" {
			http.Error(w, "unsigned", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var a notify.Alert
		if err := json.Unmarshal(body, &a); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got <- a
	}))
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "earshot.yaml")
	body := "alerts:\n  channels:\n    - name: crm\n      type: webhook\n      url: " + srv.URL + "\n      secret: ${ALERT_SECRET}\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALERT_SECRET", "0123456789abcdef0123")

	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"alert", "test", "--channel", "crm", "--config", cfg}, ""},
		{[]string{"alert", "test", "--channel", "nope", "--config", cfg}, `no channel named "nope"`},
	}
	for _, tt := range tests {
		root := newRootCmd()
		root.SetArgs(tt.args)
		err := root.ExecuteContext(context.Background())
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err = %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		a := <-got
		if a.State != notify.StateFiring || !strings.Contains(a.Brand, "test") || len(a.TopMentions) == 0 {
			t.Errorf("sample alert = %+v", a)
		}
	}
}
