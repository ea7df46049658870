package bluesky

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/ingest/fetch"
)

// session is a logged-in account (com.atproto.server.createSession).
type session struct {
	AccessJwt  string          `json:"accessJwt"`
	RefreshJwt string          `json:"refreshJwt"`
	Handle     string          `json:"handle"`
	DID        string          `json:"did"`
	DidDoc     json.RawMessage `json:"didDoc"`

	// endpoint is the account's PDS, from the DID document: authenticated
	// app.bsky reads go there and it proxies them to the AppView.
	endpoint string
}

// xrpcError is the body of an XRPC error answer.
type xrpcError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// errRejected marks a poll that stopped on a body already dead-lettered.
var errRejected = errors.New("malformed answer dead-lettered")

// query calls an XRPC query (a GET) and decodes its output into v. With
// credentials it goes to the session's PDS with the access token, logging
// in first and refreshing the session once when the token has expired;
// without, it goes to the AppView at base_url. A malformed body is
// dead-lettered here.
func (r *run) query(ctx context.Context, method string, q url.Values, v any) error {
	authed := r.cfg.Identifier != ""
	if authed && r.sess == nil {
		if err := r.login(ctx); err != nil {
			return err
		}
	}
	get := func() (string, error) {
		base, header := r.cfg.BaseURL, http.Header(nil)
		if authed {
			base, header = r.sess.endpoint, http.Header{"Authorization": {"Bearer " + r.sess.AccessJwt}}
		}
		u := base + "/xrpc/" + method + "?" + q.Encode()
		_, err := r.api.GetJSON(ctx, u, header, v)
		return u, err
	}
	u, err := get()
	if authed && tokenExpired(err) {
		if err := r.renew(ctx); err != nil {
			return err
		}
		u, err = get()
	}
	var m *fetch.MalformedError
	if errors.As(err, &m) {
		r.reject(ctx, u, m.Body, "malformed", m.Err.Error())
		return fmt.Errorf("%s: %w", method, errRejected)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// tokenExpired tells an answer that a fresh access token would fix.
func tokenExpired(err error) bool {
	var se *fetch.StatusError
	if !errors.As(err, &se) || (se.Code != http.StatusBadRequest && se.Code != http.StatusUnauthorized) {
		return false
	}
	var e xrpcError
	if json.Unmarshal([]byte(se.Body), &e) != nil {
		return false
	}
	return e.Error == "ExpiredToken" || e.Error == "InvalidToken"
}

// loginHold is how long a refused login keeps the collector from trying
// again: Bluesky allows few logins a day, and a wrong password stays wrong.
const loginHold = 15 * time.Minute

// login creates a session with the app password.
func (r *run) login(ctx context.Context) error {
	if r.now().Before(r.loginAfter) {
		return fmt.Errorf("log in as %s: refused before; next try after %s (check identifier and app_password)",
			r.cfg.Identifier, r.loginAfter.Format(time.RFC3339))
	}
	body, err := json.Marshal(map[string]string{"identifier": r.cfg.Identifier, "password": r.cfg.AppPassword})
	if err != nil {
		return fmt.Errorf("encode login: %w", err)
	}
	s, err := r.procedure(ctx, "com.atproto.server.createSession", "", body)
	if err != nil {
		var se *fetch.StatusError
		if errors.As(err, &se) && (se.Code == http.StatusBadRequest || se.Code == http.StatusUnauthorized) {
			r.loginAfter = r.now().Add(loginHold)
		}
		return fmt.Errorf("log in as %s: %w (check identifier and app_password)", r.cfg.Identifier, err)
	}
	r.sess = s
	r.log.Info("logged in", "handle", s.Handle, "pds", s.endpoint)
	return nil
}

// renew refreshes the session, or logs in again when the refresh token
// is no longer accepted either (it expires after a few weeks).
func (r *run) renew(ctx context.Context) error {
	s, err := r.procedure(ctx, "com.atproto.server.refreshSession", r.sess.RefreshJwt, nil)
	if err == nil {
		r.sess = s
		return nil
	}
	var se *fetch.StatusError
	if !errors.As(err, &se) || (se.Code != http.StatusBadRequest && se.Code != http.StatusUnauthorized) {
		return fmt.Errorf("refresh session: %w", err)
	}
	r.log.Info("session refresh refused; logging in again", "err", err)
	return r.login(ctx)
}

// procedure calls a session procedure (a POST) at pds_url. Its answer
// holds tokens, so a malformed one is logged without its body and never
// dead-lettered.
func (r *run) procedure(ctx context.Context, method, bearer string, body []byte) (*session, error) {
	u := r.cfg.PDSURL + "/xrpc/" + method
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", method, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := r.api.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := r.api.ReadBody(resp)
	if err != nil {
		return nil, err
	}
	var s session
	if err := json.Unmarshal(raw, &s); err != nil || s.AccessJwt == "" || s.DID == "" {
		return nil, fmt.Errorf("%s: answer is not a session (%d bytes)", method, len(raw))
	}
	s.endpoint = pdsEndpoint(s.DidDoc, r.cfg.PDSURL)
	return &s, nil
}

// pdsEndpoint reads the #atproto_pds service of a DID document. Only
// https endpoints are taken (http only when the configured PDS is http
// too, as a local test PDS is), since the access token goes there.
func pdsEndpoint(doc json.RawMessage, fallback string) string {
	var d struct {
		Service []struct {
			ID              string `json:"id"`
			Type            string `json:"type"`
			ServiceEndpoint string `json:"serviceEndpoint"`
		} `json:"service"`
	}
	if len(doc) == 0 || json.Unmarshal(doc, &d) != nil {
		return fallback
	}
	for _, s := range d.Service {
		if !strings.HasSuffix(s.ID, "#atproto_pds") {
			continue
		}
		u, err := url.Parse(s.ServiceEndpoint)
		if err != nil || u.Host == "" || u.RawQuery != "" {
			return fallback
		}
		if u.Scheme == "https" || (u.Scheme == "http" && strings.HasPrefix(fallback, "http://")) {
			return strings.TrimRight(u.String(), "/")
		}
		return fallback
	}
	return fallback
}
