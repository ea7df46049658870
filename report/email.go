package report

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// emailTimeout bounds one SMTP conversation: attachments of a few MB.
const emailTimeout = 2 * time.Minute

// SendEmail sends the rendered report to e.To with every file attached.
func SendEmail(ctx context.Context, e Email, rd *Rendered) error {
	subject := e.Subject
	if subject == "" {
		subject = DefaultConfig().Email.Subject
	}
	month := rd.Report.Month.Format("2006-01")
	subject = strings.NewReplacer("{brand}", rd.Report.Brand, "{month}", month).Replace(subject)

	m := mail.NewMsg()
	if err := m.From(e.From); err != nil {
		return fmt.Errorf("report e-mail: from %q: %w", e.From, err)
	}
	if err := m.To(e.To...); err != nil {
		return fmt.Errorf("report e-mail: to %v: %w", e.To, err)
	}
	m.Subject(subject)
	m.SetDate()
	att := rd.Attachments()
	names := make([]string, len(att))
	for i, p := range att {
		names[i] = filepath.Base(p)
		m.AttachFile(p, mail.WithFileName(names[i]))
	}
	m.SetBodyString(mail.TypeTextPlain, fmt.Sprintf(
		"The %s social media report for %s is attached:\n\n  %s\n\nMade by earshot from the rollup tables on %s.\n",
		rd.Report.Brand, month, strings.Join(names, "\n  "), rd.Report.GeneratedAt.Format(time.RFC1123)))

	port := e.Port
	if port == 0 {
		port = 25
		if e.StartTLS {
			port = 587
		}
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(emailTimeout), mail.WithTLSPolicy(mail.NoTLS)}
	if e.StartTLS {
		opts[2] = mail.WithTLSPolicy(mail.TLSMandatory)
	}
	if e.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(e.Username), mail.WithPassword(e.Password))
	}
	c, err := mail.NewClient(e.Host, opts...)
	if err != nil {
		return fmt.Errorf("report e-mail via %s:%d: %w", e.Host, port, err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("report e-mail via %s:%d to %v: %w", e.Host, port, e.To, err)
	}
	return nil
}
