package notify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// message composes the email. Updates and the resolution reply to the
// firing message, so mail clients thread one spike into one conversation.
func message(a Alert, from *mail.Address, rcpts []*mail.Address, now time.Time) ([]byte, error) {
	to := make([]string, len(rcpts))
	for i, r := range rcpts {
		to[i] = r.String()
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	local, dom := threadLocal(a.GroupKey), domain(from.Address)
	root := "<" + local + "@" + dom + ">"
	id := root
	if a.State != StateFiring {
		id = fmt.Sprintf("<%s.%s.%d@%s>", local, headerSafe(a.State), now.UnixNano(), dom)
	}
	header := []struct{ k, v string }{
		{"From", from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", a.Summary())},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", id},
		{"MIME-Version", "1.0"},
		{"Content-Type", `multipart/alternative; boundary="` + mw.Boundary() + `"`},
		{"X-Earshot-Group", headerSafe(a.GroupKey)},
		{"X-Earshot-State", headerSafe(a.State)},
	}
	if id != root {
		header = append(header, struct{ k, v string }{"In-Reply-To", root}, struct{ k, v string }{"References", root})
	}
	var head bytes.Buffer
	for _, h := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", h.k, h.v)
	}
	head.WriteString("\r\n")

	html, err := alertHTML(a)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct{ typ, body string }{
		{"text/plain", a.Text()},
		{"text/html", html},
	} {
		if err := writePart(mw, part.typ, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("close multipart: %w", err)
	}
	return append(head.Bytes(), buf.Bytes()...), nil
}

// writePart writes one alternative, quoted-printable so long lines and
// non-ASCII text survive any relay.
func writePart(mw *multipart.Writer, typ, body string) error {
	h := textproto.MIMEHeader{
		"Content-Type":              {typ + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	}
	pw, err := mw.CreatePart(h)
	if err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	qw := quotedprintable.NewWriter(pw)
	if _, err := qw.Write([]byte(body)); err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	if err := qw.Close(); err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	return nil
}

// threadLocal is the local part of the Message-ID of an alert's firing
// email, derived from the group key so every message of one spike can
// refer to it.
func threadLocal(groupKey string) string {
	sum := sha256.Sum256([]byte(groupKey))
	return "earshot." + hex.EncodeToString(sum[:12])
}

// headerSafe keeps a value to one header line of printable ASCII, so no
// field of an alert can add headers of its own.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return '_'
		}
		return r
	}, s)
}

func domain(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok && d != "" {
		return headerSafe(d)
	}
	return "earshot.invalid"
}

var htmlTmpl = template.Must(template.New("alert").Funcs(template.FuncMap{
	"compact": func(n uint64) string { return compact(float64(n)) },
	"clip":    clip,
}).Parse(`<!DOCTYPE html>
<html><body style="font-family:sans-serif">
<h2>{{.A.Title}}</h2>
<p>{{.A.Summary}}</p>
<table cellpadding="4">
<tr><th align="left">Window</th><td>{{.Range}} ({{.A.Window}} buckets)</td></tr>
<tr><th align="left">Observed</th><td>{{.Observed}} (expected {{.Expected}}, score {{printf "%.2f" .A.Score}})</td></tr>
{{if .Sentiment}}<tr><th align="left">Sentiment</th><td>{{.Sentiment}}</td></tr>{{end}}
{{if .A.TopTerms}}<tr><th align="left">Top terms</th><td>{{range $i, $t := .A.TopTerms}}{{if $i}}, {{end}}{{$t}}{{end}}</td></tr>{{end}}
{{if .A.TopNetworks}}<tr><th align="left">Top networks</th><td>{{range $i, $c := .A.TopNetworks}}{{if $i}}, {{end}}{{$c.Name}} {{$c.N}}{{end}}</td></tr>{{end}}
</table>
{{if .Mentions}}<h3>Top mentions by reach</h3>
<ol>{{range .Mentions}}
<li>{{if .URL}}<a href="{{.URL}}">{{.Author}} on {{.Network}}</a>{{else}}{{.Author}} on {{.Network}}{{end}} (reach {{compact .Reach}}): {{clip .Text 300}}</li>{{end}}
</ol>{{end}}
{{if .A.DashboardURL}}<p><a href="{{.A.DashboardURL}}">Open the dashboard for this window</a></p>{{end}}
</body></html>
`))

func alertHTML(a Alert) (string, error) {
	var sentiment string
	if a.Sentiment.Total() > 0 {
		sentiment = a.Sentiment.String()
	}
	var b strings.Builder
	err := htmlTmpl.Execute(&b, map[string]any{
		"A":         a,
		"Range":     a.timeRange(),
		"Observed":  a.value(a.Observed),
		"Expected":  a.value(a.Expected),
		"Sentiment": sentiment,
		"Mentions":  a.topMentions(),
	})
	if err != nil {
		return "", fmt.Errorf("render HTML: %w", err)
	}
	return b.String(), nil
}
