package notify

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/internal/smtptest"
)

func emailTo(t *testing.T, srv *smtptest.Server) Email {
	t.Helper()
	host, port, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return Email{
		Host: host, Port: p,
		From: "earshot <alerts@earshot.example>",
		To:   []string{"oncall@example.com", "Social Team <social@example.com>"},
		now:  func() time.Time { return t1.Add(time.Minute) },
	}
}

// parts reads a multipart/alternative message into its decoded parts by
// content type.
func parts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q: want multipart/alternative (%v)", msg.Header.Get("Content-Type"), err)
	}
	got := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %s is not quoted-printable", p.Header.Get("Content-Type"))
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("decode part: %v", err)
		}
		got[p.Header.Get("Content-Type")] = string(body)
	}
	return got
}

func TestEmail(t *testing.T) {
	srv := startSMTP(t, "250 OK")
	e := emailTo(t, srv)
	a := sample()
	a.Brand = "Acmé" // non-ASCII subjects must be encoded
	if err := e.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("server got %d messages, want 1", len(got))
	}
	if got[0].From != "alerts@earshot.example" || strings.Join(got[0].To, ",") != "oncall@example.com,social@example.com" {
		t.Errorf("envelope from %q to %v", got[0].From, got[0].To)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, got[0].Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != a.Summary() {
		t.Errorf("Subject %q (%v), want %q", subject, err, a.Summary())
	}
	for key, want := range map[string]string{
		"From":            `"earshot" <alerts@earshot.example>`,
		"To":              `<oncall@example.com>, "Social Team" <social@example.com>`,
		"MIME-Version":    "1.0",
		"X-Earshot-Group": a.GroupKey,
		"X-Earshot-State": "firing",
		"In-Reply-To":     "",
	} {
		if g := msg.Header.Get(key); g != want {
			t.Errorf("%s: %q, want %q", key, g, want)
		}
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(t1.Add(time.Minute)) {
		t.Errorf("Date %v (%v)", d, err)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<earshot.") || !strings.HasSuffix(id, "@earshot.example>") {
		t.Errorf("Message-ID %q", id)
	}
	body := parts(t, msg)
	if text := body["text/plain; charset=utf-8"]; !strings.Contains(text, a.Summary()) || !strings.Contains(text, "https://x.com/bigvoice/status/1") {
		t.Errorf("text part:\n%s", text)
	}
	html := body["text/html; charset=utf-8"]
	for _, want := range []string{
		`<a href="https://x.com/bigvoice/status/1">@bigvoice on x</a>`,
		"&lt;again&gt; &amp; nobody", // post text is escaped, not markup
		`href="http://grafana.local/d/earshot-mentions?from=1793714400000&amp;to=1793718000000"`,
		"#acmedown",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
}

// Updates and the resolution thread under the firing email.
func TestEmailThreadsOneSpike(t *testing.T) {
	srv := startSMTP(t, "250 OK")
	e := emailTo(t, srv)
	a := sample()
	for _, state := range []string{StateFiring, StateResolved} {
		a.State = state
		if err := e.Notify(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.Received()
	if len(got) != 2 {
		t.Fatalf("got %d messages, want 2", len(got))
	}
	var hs []mail.Header
	for _, m := range got {
		msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, msg.Header)
	}
	root := hs[0].Get("Message-ID")
	if hs[1].Get("In-Reply-To") != root || hs[1].Get("References") != root || hs[1].Get("Message-ID") == root {
		t.Errorf("resolution: Message-ID %q In-Reply-To %q References %q; want a new id replying to %q",
			hs[1].Get("Message-ID"), hs[1].Get("In-Reply-To"), hs[1].Get("References"), root)
	}
}

func TestEmailFailures(t *testing.T) {
	tests := []struct {
		name      string
		rcpt      string
		edit      func(*Email)
		permanent bool
	}{
		{"mailbox refused (5xx)", "550 5.1.1 no such user", nil, true},
		{"try later (4xx)", "451 4.3.0 try again later", nil, false},
		{"STARTTLS required but not offered", "250 OK", func(e *Email) { e.StartTLS = true }, true},
		{"bad From", "250 OK", func(e *Email) { e.From = "not an address" }, true},
		{"nobody listening", "250 OK", func(e *Email) { e.Port = closedPort(t) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.rcpt)
			e := emailTo(t, srv)
			if tt.edit != nil {
				tt.edit(&e)
			}
			err := e.Notify(context.Background(), sample())
			if err == nil {
				t.Fatal("no error")
			}
			if retry, _ := retryable(err); retry == tt.permanent {
				t.Errorf("error %v: retryable = %v, want %v", err, retry, !tt.permanent)
			}
			if len(srv.Received()) != 0 {
				t.Errorf("a message was delivered")
			}
		})
	}
}

func TestEmailHonoursCancel(t *testing.T) {
	srv := startSMTP(t, "250 OK")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := emailTo(t, srv).Notify(ctx, sample())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// closedPort is a local port with nothing listening.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// No field of an alert can add headers to the email.
func TestEmailHeadersCannotBeInjected(t *testing.T) {
	a := sample()
	a.GroupKey = "g\r\nBcc: attacker@example.com"
	a.Brand = "Acme\r\nBcc: attacker@example.com"
	from, to := &mail.Address{Address: "a@example.com"}, []*mail.Address{{Address: "b@example.com"}}
	raw, err := message(a, from, to, t1)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if bcc := msg.Header.Get("Bcc"); bcc != "" {
		t.Errorf("alert fields injected Bcc: %q", bcc)
	}
}
