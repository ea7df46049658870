package reddit

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/ingest/fetch"
)

// auth holds an application-only OAuth token (client credentials grant)
// and renews it before it expires or when the API turns it down.
type auth struct {
	url, id, secret string
	http            *fetch.Client
	now             func() time.Time

	token   string
	expires time.Time
}

// bearer returns a valid access token, fetching one if needed.
func (a *auth) bearer(ctx context.Context) (string, error) {
	if a.token != "" && a.now().Before(a.expires) {
		return a.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("reddit token request: %w", err)
	}
	req.SetBasicAuth(a.id, a.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("reddit token: %w (check client_id and client_secret)", err)
	}
	defer resp.Body.Close()
	body, err := a.http.ReadBody(resp)
	if err != nil {
		return "", fmt.Errorf("reddit token: %w", err)
	}
	var tok struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
		Error       string  `json:"error"`
	}
	// A token answer is never dead-lettered: it carries a credential.
	if err := json.Unmarshal(body, &tok); err != nil {
		return "", fmt.Errorf("reddit token: %s answered %d bytes that are not JSON: %w", a.url, len(body), err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("reddit token: %s gave no access token (error %q): check client_id and client_secret", a.url, tok.Error)
	}
	ttl := time.Duration(tok.ExpiresIn * float64(time.Second))
	if ttl <= 0 {
		ttl = time.Hour
	}
	// Renew early so no request leaves with a token about to lapse.
	a.token, a.expires = tok.AccessToken, a.now().Add(ttl-min(time.Minute, ttl/10))
	return a.token, nil
}

// reset forgets the token after the API refused it.
func (a *auth) reset() { a.token = "" }
