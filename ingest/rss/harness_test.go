package rss

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// server answers each request with the next scripted answer, repeating the
// last one, and keeps the requests it saw.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	script  []http.HandlerFunc
	reqs    []*http.Request
	answers int
}

func newServer(t *testing.T, script ...http.HandlerFunc) *server {
	s := &server{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		h := s.script[min(len(s.reqs), len(s.script))-1]
		s.mu.Unlock()
		h(w, r)
		s.mu.Lock()
		s.answers++
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func (s *server) answered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers
}

// serve is ingesttest.Answer as a handler, serving a 200's body as RSS.
func serve(code int, body string, headers ...string) http.HandlerFunc {
	if code == http.StatusOK {
		headers = append([]string{"Content-Type", "application/rss+xml; charset=utf-8"}, headers...)
	}
	answer := ingesttest.Answer(code, body, headers...)
	return func(w http.ResponseWriter, _ *http.Request) { answer(w) }
}

type item struct {
	guid, title string
	at          time.Time
}

// rssFeed writes an RSS 2.0 document with the items.
func rssFeed(items ...item) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Acme News</title><link>https://news.example.com/</link>`)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>https://news.example.com/a/%s</link><guid>https://news.example.com/a/%s</guid><pubDate>%s</pubDate><description>About Acme: %s</description></item>`,
			it.title, it.guid, it.guid, it.at.Format(time.RFC1123Z), it.title)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}
