package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// Email sends the alert over SMTP as multipart/alternative: plain text
// for any client, HTML for those that show it.
type Email struct {
	Host     string
	Port     int // default 587 with StartTLS, else 25
	Username string
	Password string
	From     string
	To       []string
	// StartTLS requires the server to upgrade the connection before any
	// credentials or content are sent. Without it nothing is encrypted,
	// and net/smtp refuses to send a password except to localhost.
	StartTLS bool
	// TLSConfig overrides the STARTTLS settings (tests, private CAs).
	TLSConfig *tls.Config
	// Timeout bounds the whole conversation; default DefaultTimeout.
	Timeout time.Duration

	now func() time.Time // for tests; time.Now when nil
}

// Name implements Notifier.
func (e Email) Name() string { return "email" }

func (e Email) addr() string {
	port := e.Port
	if port == 0 {
		port = 25
		if e.StartTLS {
			port = 587
		}
	}
	return net.JoinHostPort(e.Host, strconv.Itoa(port))
}

// Notify implements Notifier.
func (e Email) Notify(ctx context.Context, a Alert) error {
	now := time.Now
	if e.now != nil {
		now = e.now
	}
	from, to, err := e.addresses()
	if err != nil {
		return Permanent(fmt.Errorf("email: %w", err))
	}
	msg, err := message(a, from, to, now())
	if err != nil {
		return Permanent(fmt.Errorf("email: compose alert %s: %w", a.GroupKey, err))
	}
	if err := e.send(ctx, from.Address, to, msg); err != nil {
		return classifySMTP(fmt.Errorf("email via %s: %w", e.addr(), err))
	}
	return nil
}

// send speaks SMTP itself rather than through smtp.SendMail, which takes
// no context and upgrades to TLS only when it happens to be offered.
func (e Email) send(ctx context.Context, from string, to []*mail.Address, msg []byte) error {
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.addr())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	// net/smtp blocks on the connection: closing it is how cancellation
	// reaches a conversation in progress.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, e.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting: %w", ctxErr(ctx, err))
	}
	defer c.Close()
	if err := e.converse(c, from, to, msg); err != nil {
		return ctxErr(ctx, err)
	}
	return nil
}

func (e Email) converse(c *smtp.Client, from string, to []*mail.Address, msg []byte) error {
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if e.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return Permanent(errors.New("the server does not offer STARTTLS: turn starttls off only for a relay on a trusted network"))
		}
		cfg := e.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: e.Host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, e.Host)); err != nil {
			return fmt.Errorf("AUTH as %s: %w", e.Username, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM %s: %w", from, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", rcpt.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("QUIT: %w", err)
	}
	return nil
}

// addresses parses From and To, which may carry display names; the SMTP
// envelope takes the bare addresses.
func (e Email) addresses() (*mail.Address, []*mail.Address, error) {
	from, err := mail.ParseAddress(e.From)
	if err != nil {
		return nil, nil, fmt.Errorf("from %q: %w", e.From, err)
	}
	if len(e.To) == 0 {
		return nil, nil, errors.New("no recipients: list at least one address in to")
	}
	to := make([]*mail.Address, len(e.To))
	for i, t := range e.To {
		if to[i], err = mail.ParseAddress(t); err != nil {
			return nil, nil, fmt.Errorf("to %q: %w", t, err)
		}
	}
	return from, to, nil
}

// ctxErr prefers the context's reason over the closed-connection error
// it caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// classifySMTP marks 5xx replies permanent: in SMTP those say the
// message or a mailbox is refused for good, while 4xx asks to retry.
func classifySMTP(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(err)
	}
	return err
}
