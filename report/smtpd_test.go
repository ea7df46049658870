package report_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
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

// smtpServer is a small in-process SMTP server (RFC 5321): enough for a
// client to deliver mail over a real TCP conversation.
type smtpServer struct {
	Addr string
	rcpt string // reply to RCPT TO

	mu   sync.Mutex
	mail []smtpMail
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &smtpServer{Addr: ln.Addr().String(), rcpt: "250 OK"}
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

func (s *smtpServer) hostPort(t *testing.T) (string, int) {
	h, p, err := net.SplitHostPort(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

func (s *smtpServer) serve(t *testing.T, conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	say := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !say("220 report-test ESMTP") {
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
			_ = tp.PrintfLine("250-report-test hello %s", arg)
			say("250 8BITMIME")
		case "HELO", "NOOP":
			say("250 OK")
		case "RSET":
			cur = smtpMail{}
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
				t.Errorf("smtp test server: DATA: %v", err)
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.mail = append(s.mail, cur)
			s.mu.Unlock()
			cur = smtpMail{}
			say("250 OK queued")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func mailbox(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// refuse makes RCPT TO answer reply from now on.
func (s *smtpServer) refuse(reply string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcpt = reply
}

func (s *smtpServer) received() []smtpMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMail(nil), s.mail...)
}

// parsedMail is a received message taken apart: subject, plain body and
// attachments by file name, decoded.
type parsedMail struct {
	subject     string
	body        string
	attachments map[string][]byte
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsedMail{subject: subject, attachments: map[string][]byte{}}
	walkPart(t, textproto.MIMEHeader(m.Header), m.Body, &p)
	return p
}

func walkPart(t *testing.T, h textproto.MIMEHeader, body io.Reader, p *parsedMail) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type %q: %v", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walkPart(t, part.Header, part, p)
		}
	}
	var r io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && dp["filename"] != "" {
		p.attachments[dp["filename"]] = b
		return
	}
	if mt == "text/plain" {
		p.body += string(b)
	}
}
