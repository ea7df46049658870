package bluesky

import (
	"testing"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

func TestPostURL(t *testing.T) {
	alice := profileBasic{DID: "did:plc:alice", Handle: "alice.test"}
	tests := []struct {
		a    profileBasic
		uri  string
		want string
	}{
		{alice, "at://did:plc:alice/app.bsky.feed.post/3k2abc", "https://bsky.app/profile/alice.test/post/3k2abc"},
		{profileBasic{DID: "did:plc:bob", Handle: "handle.invalid"}, "at://did:plc:bob/app.bsky.feed.post/x1", "https://bsky.app/profile/did:plc:bob/post/x1"},
		{profileBasic{}, "at://did:plc:carol/app.bsky.feed.post/x2", "https://bsky.app/profile/did:plc:carol/post/x2"},
		{alice, "at://did:plc:alice/app.bsky.feed.like/3k2abc", ""},
		{alice, "https://bsky.app/x", ""},
		{alice, "at://did:plc:alice/app.bsky.feed.post/", ""},
	}
	for _, tt := range tests {
		if got := postURL(tt.a, tt.uri); got != tt.want {
			t.Errorf("postURL(%s) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

func TestPDSEndpoint(t *testing.T) {
	doc := func(endpoint string) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"service": []any{
			map[string]any{"id": "#bsky_notif", "serviceEndpoint": "https://notif.example"},
			map[string]any{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": endpoint},
		}})
		return b
	}
	tests := []struct {
		name     string
		doc      json.RawMessage
		fallback string
		want     string
	}{
		{"https pds", doc("https://morel.us-east.host.bsky.network/"), "https://bsky.social", "https://morel.us-east.host.bsky.network"},
		{"http refused for an https setup", doc("http://pds.example"), "https://bsky.social", "https://bsky.social"},
		{"http allowed for an http setup", doc("http://127.0.0.1:9"), "http://127.0.0.1:8", "http://127.0.0.1:9"},
		{"no doc", nil, "https://bsky.social", "https://bsky.social"},
		{"not a doc", json.RawMessage(`"x"`), "https://bsky.social", "https://bsky.social"},
		{"garbage endpoint", doc("::"), "https://bsky.social", "https://bsky.social"},
	}
	for _, tt := range tests {
		if got := pdsEndpoint(tt.doc, tt.fallback); got != tt.want {
			t.Errorf("%s: pdsEndpoint = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTokenExpired(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&fetch.StatusError{Code: 400, Body: `{"error":"ExpiredToken","message":"Token has expired"}`}, true},
		{&fetch.StatusError{Code: 401, Body: `{"error":"InvalidToken"}`}, true},
		{&fetch.StatusError{Code: 400, Body: `{"error":"InvalidRequest"}`}, false},
		{&fetch.StatusError{Code: 500, Body: `{"error":"ExpiredToken"}`}, false},
		{&fetch.StatusError{Code: 400, Body: `not json`}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := tokenExpired(tt.err); got != tt.want {
			t.Errorf("tokenExpired(%v) = %v", tt.err, got)
		}
	}
}

func TestDecodePostTimes(t *testing.T) {
	tests := []struct {
		name, raw       string
		created, sortAt string
		wantErr         bool
	}{
		{"both", `{"uri":"at://d/app.bsky.feed.post/1","author":{"did":"d"},"record":{"createdAt":"2026-11-20T10:00:00Z"},"indexedAt":"2026-11-20T10:00:02.5Z"}`,
			"2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z", false},
		{"dated in the future", `{"uri":"at://d/app.bsky.feed.post/1","author":{"did":"d"},"record":{"createdAt":"2030-01-01T00:00:00+02:00"},"indexedAt":"2026-11-20T10:00:00Z"}`,
			"2029-12-31T22:00:00Z", "2026-11-20T10:00:00Z", false},
		{"createdAt unreadable", `{"uri":"at://d/app.bsky.feed.post/1","author":{"did":"d"},"record":{"createdAt":"yesterday"},"indexedAt":"2026-11-20T10:00:00Z"}`,
			"2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z", false},
		{"no times", `{"uri":"at://d/app.bsky.feed.post/1","author":{"did":"d"},"record":{}}`, "", "", true},
		{"record not an object", `{"uri":"at://d/app.bsky.feed.post/1","author":{"did":"d"},"record":"x","indexedAt":"2026-11-20T10:00:00Z"}`, "", "", true},
		{"no author", `{"uri":"at://d/app.bsky.feed.post/1","record":{},"indexedAt":"2026-11-20T10:00:00Z"}`, "", "", true},
	}
	for _, tt := range tests {
		p, err := decodePost([]byte(tt.raw))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err %v", tt.name, err)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got := p.created.Format("2006-01-02T15:04:05Z07:00"); got != tt.created {
			t.Errorf("%s: created %s, want %s", tt.name, got, tt.created)
		}
		if got := p.sortAt.Format("2006-01-02T15:04:05Z07:00"); got != tt.sortAt {
			t.Errorf("%s: sortAt %s, want %s", tt.name, got, tt.sortAt)
		}
	}
}

func FuzzDecodePost(f *testing.F) {
	f.Add(`{"uri":"at://d/app.bsky.feed.post/1","author":{"did":"d","handle":"h"},"record":{"text":"hi","createdAt":"2026-11-20T10:00:00Z","langs":["en"],"facets":[{"index":{"byteStart":0},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://a.example/?utm_campaign=c"}]}],"embed":{"media":{"external":{"uri":"https://b"}}}},"indexedAt":"2026-11-20T10:00:01Z","likeCount":-3}`)
	f.Add(`{"uri":"x","author":{"did":"y"},"record":{"reply":{"parent":{"uri":"z"}}},"indexedAt":"2026-01-01T00:00:00Z"}`)
	r := &run{Source: &Source{cfg: Config{Name: "fuzz"}}}
	v := ingesttest.Validator(f)
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := decodePost([]byte(raw))
		if err != nil {
			return
		}
		if p.sortAt.After(p.created) || p.created.IsZero() {
			t.Fatalf("sortAt %v after created %v", p.sortAt, p.created)
		}
		_ = postURL(p.view.Author, p.view.URI)
		_ = ingest.CampaignFromURL(firstLink(p))
		env, err := r.mention(p, 0, p.created)
		if err != nil {
			t.Fatalf("mention of a decoded post: %v", err)
		}
		// A post decodePost accepts must make a mention the schemas accept.
		enc, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(enc); err != nil {
			t.Fatalf("mention of %s is invalid: %v", raw, err)
		}
	})
}
