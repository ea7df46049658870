package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Request signing, the scheme Stripe and Slack use:
//
//	X-Earshot-Timestamp: <unix seconds>
//	X-Earshot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
//
// The timestamp is inside the signed bytes, so a captured request cannot
// be replayed with a fresh timestamp; the receiver refuses timestamps
// outside its tolerance. A replay inside the window publishes the same
// event ids again, which the store deduplicates.
const (
	HeaderTimestamp = "X-Earshot-Timestamp"
	HeaderSignature = "X-Earshot-Signature"
	signaturePrefix = "sha256="
)

// Sign returns the X-Earshot-Signature value for body sent at ts.
func Sign(secret string, ts time.Time, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, strconv.FormatInt(ts.Unix(), 10), body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

var errBadSignature = errors.New("signature does not match: sign \"<X-Earshot-Timestamp>.<raw body>\" with HMAC-SHA256 and the sender's secret, and send it hex-encoded as X-Earshot-Signature: sha256=<hex>")

// verify checks the timestamp and signature headers of a request.
func verify(secret, tsHeader, sigHeader string, body []byte, now time.Time, tolerance time.Duration) error {
	if tsHeader == "" {
		return fmt.Errorf("missing %s: send the request time in unix seconds", HeaderTimestamp)
	}
	secs, err := strconv.ParseInt(strings.TrimSpace(tsHeader), 10, 64)
	if err != nil {
		return fmt.Errorf("%s %q is not unix seconds", HeaderTimestamp, tsHeader)
	}
	// Compare in seconds: a duration built from an arbitrary int64 would
	// overflow.
	skew := now.Unix() - secs
	if skew < 0 {
		skew = -skew
	}
	if skew < 0 || skew > int64(tolerance/time.Second) {
		return fmt.Errorf("%s is %ds away from the receiver's clock, outside the %s replay window: sign each request when sending it, and check the sender's clock", HeaderTimestamp, skew, tolerance)
	}
	if sigHeader == "" {
		return fmt.Errorf("missing %s: send sha256=<hex HMAC-SHA256 of \"<timestamp>.<raw body>\">", HeaderSignature)
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(sigHeader), signaturePrefix)
	if !ok {
		return fmt.Errorf("%s must start with %q", HeaderSignature, signaturePrefix)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return errBadSignature
	}
	if !hmac.Equal(got, mac(secret, strings.TrimSpace(tsHeader), body)) {
		return errBadSignature
	}
	return nil
}
