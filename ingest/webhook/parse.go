package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/event"
)

// item is one event of a request body, before validation.
type item struct {
	raw  []byte
	line int // NDJSON line, 1-based; 0 for JSON bodies
}

// ndjsonTypes are the media types read as one JSON value per line.
var ndjsonTypes = map[string]bool{
	"application/x-ndjson":    true,
	"application/ndjson":      true,
	"application/jsonl":       true,
	"application/x-jsonlines": true,
	"application/jsonlines":   true,
}

func isNDJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && ndjsonTypes[mt]
}

// splitBody cuts a body into items: a JSON array of objects, one JSON
// object, or (ndjson) one object per line. An error means the body as a
// whole is unusable; a bad NDJSON line is left for per-event reporting.
func splitBody(body []byte, ndjson bool) ([]item, error) {
	if ndjson {
		var items []item
		for line := 1; len(body) > 0; line++ {
			var l []byte
			if i := bytes.IndexByte(body, '\n'); i >= 0 {
				l, body = body[:i], body[i+1:]
			} else {
				l, body = body, nil
			}
			if l = bytes.TrimSpace(l); len(l) > 0 {
				items = append(items, item{raw: l, line: line})
			}
		}
		if len(items) == 0 {
			return nil, errors.New("no events in the body: send one JSON object per line")
		}
		return items, nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("empty body: send a JSON array of events, one event object, or NDJSON with Content-Type: application/x-ndjson")
	}
	switch trimmed[0] {
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, fmt.Errorf("body is not a JSON array: %v", err)
		}
		if len(raws) == 0 {
			return nil, errors.New("empty array: no events to accept")
		}
		items := make([]item, len(raws))
		for i, r := range raws {
			items[i] = item{raw: r}
		}
		return items, nil
	case '{':
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		var obj json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			return nil, fmt.Errorf("body is not a JSON object: %v", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, errors.New("more than one JSON value in the body: send a JSON array, or one object per line with Content-Type: application/x-ndjson")
		}
		return []item{{raw: obj}}, nil
	}
	return nil, errors.New("body must be a JSON array of events or one event object (or NDJSON with Content-Type: application/x-ndjson)")
}

// bareSchemas maps the ?schema= names to schemas.
var bareSchemas = map[string]string{
	"mention":      event.SchemaMention,
	"post_metrics": event.SchemaPostMetrics,
	"audience":     event.SchemaAudience,
	"conversion":   event.SchemaConversion,
	"ad_spend":     event.SchemaAdSpend,
}

func bareSchema(q string) (string, bool) {
	if s, ok := bareSchemas[q]; ok {
		return s, true
	}
	for _, s := range bareSchemas {
		if s == q {
			return s, true
		}
	}
	return "", false
}

// builder turns items of one request into validated envelopes.
type builder struct {
	v      *event.Validator
	sender string
	schema string // "" for envelopes, else the schema of bare payloads
	now    time.Time
}

// build returns the envelope of one item, or why it is not one. id is
// whatever id could be read, for the error report.
func (b builder) build(raw []byte) (env event.Envelope, id string, reason string) {
	if b.schema == "" {
		return b.envelope(raw)
	}
	return b.bare(raw)
}

func (b builder) envelope(raw []byte) (event.Envelope, string, string) {
	env, err := b.v.Parse(raw)
	if err != nil {
		return env, looseID(raw), err.Error()
	}
	switch {
	case env.Schema == event.SchemaEnrichedMention:
		return env, env.ID, "schema " + env.Schema + " is written by earshot's enricher and not accepted from outside: send raw mentions (earshot/mention/v1)"
	case env.Source != b.sender:
		return env, env.ID, fmt.Sprintf("source %q differs from the sender %q this request is signed for: set source to %q or post to /v1/events/%s with that sender's secret", env.Source, b.sender, b.sender, env.Source)
	}
	return env, env.ID, ""
}

func (b builder) bare(raw []byte) (event.Envelope, string, string) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return event.Envelope{}, "", "not a JSON object"
	}
	native, reason := nativeID(fields["id"])
	if reason != "" {
		return event.Envelope{}, "", reason
	}
	delete(fields, "id")
	data, err := json.Marshal(fields)
	if err != nil {
		return event.Envelope{}, native, "cannot re-encode the payload: " + err.Error()
	}
	env := event.Envelope{Schema: b.schema, ID: event.ID(b.sender, native), Source: b.sender, CollectedAt: b.now.UTC(), Data: data}
	if err := b.v.Check(&env); err != nil {
		return env, native, err.Error()
	}
	return env, native, ""
}

// nativeID reads a bare payload's id: a string, or a number kept as
// written.
func nativeID(raw json.RawMessage) (string, string) {
	if len(raw) == 0 {
		return "", `missing "id": give every payload the id it has in the sending system`
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		s = strings.TrimSpace(s)
		if s == "" {
			return "", `"id" is empty`
		}
		if len(s) > 256 {
			return "", `"id" is longer than 256 characters`
		}
		return s, ""
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil {
		return n.String(), ""
	}
	return "", `"id" must be a string or a number`
}

// looseID digs the id out of an invalid envelope so the error report can
// name it.
func looseID(raw []byte) string {
	var v struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil || v.ID == nil {
		return ""
	}
	if s, ok := v.ID.(string); ok {
		return s
	}
	return fmt.Sprint(v.ID)
}
