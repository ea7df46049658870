package notify

import (
	"testing"

	"github.com/earshot-dev/earshot/internal/smtptest"
)

// startSMTP starts the shared test SMTP server answering RCPT TO with
// rcptReply.
func startSMTP(t *testing.T, rcptReply string) *smtptest.Server {
	t.Helper()
	srv := smtptest.Start(t)
	srv.Refuse(rcptReply)
	return srv
}
