package notify

import (
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// smtpMail is one message the test server accepted.
type smtpMail struct {
	From string
	To   []string
	Data []byte
}

// smtpServer speaks just enough SMTP (RFC 5321) for net/smtp to deliver
// a message: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT.
type smtpServer struct {
	Addr string
	// rcpt is the reply to RCPT TO; "250 OK" unless a test refuses.
	rcpt string

	mu   sync.Mutex
	mail []smtpMail
}

func startSMTP(t *testing.T, rcptReply string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &smtpServer{Addr: ln.Addr().String(), rcpt: rcptReply}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.session(t, conn) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return s
}

func (s *smtpServer) session(t *testing.T, conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	reply := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !reply("220 test.local ESMTP ready") {
		return
	}
	var cur smtpMail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			_ = tp.PrintfLine("250-test.local greets %s", arg)
			reply("250 8BITMIME")
		case "HELO", "NOOP":
			reply("250 OK")
		case "RSET":
			cur = smtpMail{}
			reply("250 OK")
		case "MAIL":
			cur.From = address(arg)
			reply("250 OK")
		case "RCPT":
			if strings.HasPrefix(s.rcpt, "250") {
				cur.To = append(cur.To, address(arg))
			}
			reply(s.rcpt)
		case "DATA":
			if !reply("354 end with <CRLF>.<CRLF>") {
				return
			}
			data, err := tp.ReadDotBytes()
			if err != nil {
				t.Errorf("smtp test server: read DATA: %v", err)
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.mail = append(s.mail, cur)
			s.mu.Unlock()
			cur = smtpMail{}
			reply("250 OK queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 command not implemented")
		}
	}
}

// address takes the mailbox out of "FROM:<a@b> SIZE=…" or "TO:<a@b>".
func address(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

func (s *smtpServer) received() []smtpMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMail(nil), s.mail...)
}
