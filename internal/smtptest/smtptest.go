// Package smtptest is a small in-process SMTP server (RFC 5321) for tests:
// enough for a real client to deliver mail over a real TCP conversation,
// recording what it accepts. Alerts and reports both send e-mail.
package smtptest

import (
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Mail is one message the server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// Server is a running test server.
type Server struct {
	Addr string

	mu   sync.Mutex
	rcpt string // reply to RCPT TO
	mail []Mail
}

// Start listens on a free loopback port until the test ends. RCPT TO is
// answered "250 OK" until Refuse says otherwise.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), rcpt: "250 OK"}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(t, conn) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return s
}

// HostPort splits Addr for clients configured by host and port.
func (s *Server) HostPort(t testing.TB) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

// Refuse makes RCPT TO answer reply from now on ("550 no such mailbox",
// "451 try again later"; "250 OK" accepts again).
func (s *Server) Refuse(reply string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcpt = reply
}

// Received returns the messages accepted so far.
func (s *Server) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

func (s *Server) serve(t testing.TB, conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	say := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !say("220 smtptest ESMTP") {
		return
	}
	var cur Mail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			_ = tp.PrintfLine("250-smtptest hello %s", arg)
			say("250 8BITMIME")
		case "HELO", "NOOP":
			say("250 OK")
		case "RSET":
			cur = Mail{}
			say("250 OK")
		case "MAIL":
			cur.From = mailbox(arg)
			say("250 OK")
		case "RCPT":
			s.mu.Lock()
			reply := s.rcpt
			s.mu.Unlock()
			if strings.HasPrefix(reply, "250") {
				cur.To = append(cur.To, mailbox(arg))
			}
			say(reply)
		case "DATA":
			if !say("354 go ahead") {
				return
			}
			data, err := tp.ReadDotBytes()
			if err != nil {
				t.Errorf("smtptest: DATA: %v", err)
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.mail = append(s.mail, cur)
			s.mu.Unlock()
			cur = Mail{}
			say("250 OK queued")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

// mailbox takes the address out of "FROM:<a@b>" or "TO:<a@b> SIZE=…".
func mailbox(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
