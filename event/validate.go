package event

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	gojson "github.com/goccy/go-json"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

const schemaBase = "https://earshot.dev/schema/events/"

// Validator checks raw messages against the event JSON Schemas. It is safe
// for concurrent use once built.
type Validator struct {
	envelope *jsonschema.Schema
	data     map[string]*jsonschema.Schema // by envelope schema name
}

// NewValidator compiles every schema in fsys (the schema package's Events).
func NewValidator(fsys fs.FS) (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, err := fs.Glob(fsys, "events/*.json")
	if err != nil {
		return nil, fmt.Errorf("list event schemas: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("no event schemas found under events/")
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		if err := c.AddResource(schemaBase+path.Base(f), doc); err != nil {
			return nil, fmt.Errorf("add %s: %w", f, err)
		}
	}
	v := &Validator{data: map[string]*jsonschema.Schema{}}
	if v.envelope, err = c.Compile(schemaBase + "envelope.json"); err != nil {
		return nil, fmt.Errorf("compile envelope schema: %w", err)
	}
	for _, name := range []string{SchemaMention, SchemaPostMetrics, SchemaAudience, SchemaConversion, SchemaAdSpend, SchemaEnrichedMention} {
		file := strings.TrimPrefix(name, "earshot/")
		file = strings.Replace(file, "/", ".", 1) + ".json"
		s, err := c.Compile(schemaBase + file)
		if err != nil {
			return nil, fmt.Errorf("compile %s: %w", name, err)
		}
		v.data[name] = s
	}
	return v, nil
}

// InvalidError says why a message is not a valid event. Class is a short
// label for metrics and dead-letter headers: "json" or "schema".
type InvalidError struct {
	Class  string
	Reason string
}

func (e *InvalidError) Error() string { return e.Class + ": " + e.Reason }

// Parse validates raw (see Validate) and decodes it into an envelope.
// Errors are *InvalidError.
func (v *Validator) Parse(raw []byte) (Envelope, error) {
	var env Envelope
	if err := v.Validate(raw); err != nil {
		return env, err
	}
	if err := gojson.Unmarshal(raw, &env); err != nil {
		return env, &InvalidError{Class: "json", Reason: err.Error()}
	}
	env.checked = true
	return env, nil
}

// decodeDoc decodes raw into the generic form the validator walks, with
// numbers kept exact as json.Number (what jsonschema.UnmarshalJSON does,
// at a third of the cost with goccy/go-json).
func decodeDoc(raw []byte) (any, error) {
	dec := gojson.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	// One JSON value only, as encoding/json.Unmarshal insists.
	if dec.More() {
		return nil, errors.New("data after the JSON value")
	}
	return doc, nil
}

// Check validates an envelope built in Go and marks it checked. Errors
// are *InvalidError.
func (v *Validator) Check(env *Envelope) error {
	raw, err := env.Encode()
	if err != nil {
		return &InvalidError{Class: "json", Reason: err.Error()}
	}
	if err := v.Validate(raw); err != nil {
		return err
	}
	env.checked = true
	return nil
}

// Validate checks raw against the envelope schema and the schema of the
// data it names. Errors are *InvalidError.
func (v *Validator) Validate(raw []byte) error {
	doc, err := decodeDoc(raw)
	if err != nil {
		return &InvalidError{Class: "json", Reason: fmt.Sprintf("not JSON: %v", err)}
	}
	if err := v.envelope.Validate(doc); err != nil {
		return &InvalidError{Class: "schema", Reason: "envelope: " + flatten(err)}
	}
	obj := doc.(map[string]any)
	name := obj["schema"].(string)
	if err := v.data[name].Validate(obj["data"]); err != nil {
		return &InvalidError{Class: "schema", Reason: name + ": " + flatten(err)}
	}
	return nil
}

// flatten turns a jsonschema error tree into one line naming each failing
// location, which is what a person reading a dead letter needs.
func flatten(err error) string {
	en := message.NewPrinter(language.English)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var parts []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			parts = append(parts, loc+": "+e.ErrorKind.LocalizedString(en))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return strings.Join(parts, "; ")
}

// Classify splits an error into the class and reason a dead letter
// carries: an *InvalidError's own, or fallback and the error text.
func Classify(err error, fallback string) (class, reason string) {
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie.Class, ie.Reason
	}
	return fallback, err.Error()
}
