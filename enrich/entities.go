package enrich

import (
	"fmt"
	"strings"
	"sync"

	"github.com/jdkato/prose/v2"

	"github.com/earshot-dev/earshot/event"
)

// proseModel is prose's English tagger and entity model, decoded once per
// process: prose's NewDocument without a model decodes it again on every
// call (~100 MB and most of a second each). It is read-only after
// decoding (tagging and extraction only read its maps), so one model
// serves every goroutine.
var proseModel = sync.OnceValue(func() *prose.Model { return prose.ModelFromData("earshot") })

// EntitiesStep sets Out.Entities with prose's named-entity recognizer
// (PERSON, GPE, ORG … as prose labels them). It is off by default: at a
// few hundred posts a second per core it costs more than every other
// step together.
type EntitiesStep struct {
	model *prose.Model
	// langs are the languages prose's English model is run on; other
	// mentions get no entities rather than noise.
	langs map[string]bool
}

// Limits that bound the cost of one mention: prose's time grows with the
// text, and a post rarely names more entities than this.
const (
	maxEntityText = 4000 // bytes of text read
	maxEntities   = 20
)

// NewEntitiesStep decodes the model (once per process) and runs it on
// mentions in langs (ISO 639-1; empty means English only). An
// undetected language ("") counts as English.
func NewEntitiesStep(langs ...string) *EntitiesStep {
	s := &EntitiesStep{model: proseModel(), langs: map[string]bool{"": true}}
	if len(langs) == 0 {
		langs = []string{"en"}
	}
	for _, l := range langs {
		s.langs[strings.ToLower(l)] = true
	}
	return s
}

func (*EntitiesStep) Name() string { return StepEntities }

// Apply implements Step. A panic inside prose (its tokenizer runs many
// regular expressions over arbitrary text) becomes this mention's error,
// so the stage dead-letters one mention instead of dying.
func (s *EntitiesStep) Apply(d *Doc) (err error) {
	lang := d.Out.Lang
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		lang = lang[:i] // en-US
	}
	if !s.langs[lang] {
		return nil
	}
	text := d.Text
	if len(text) > maxEntityText {
		// Cut, without leaving half a character at the end.
		text = strings.ToValidUTF8(text[:maxEntityText], "")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("named-entity recognizer failed: %v", r)
		}
	}()
	doc, err := prose.NewDocument(text, prose.UsingModel(s.model), prose.WithSegmentation(false))
	if err != nil {
		return fmt.Errorf("named-entity recognizer: %w", err)
	}
	ents := doc.Entities()
	out := make([]event.Entity, 0, min(len(ents), maxEntities))
	for _, e := range ents {
		if len(out) == maxEntities {
			break
		}
		ent := event.Entity{Text: strings.TrimSpace(e.Text), Label: e.Label}
		if ent.Text == "" || containsEntity(out, ent) {
			continue
		}
		out = append(out, ent)
	}
	if len(out) > 0 {
		d.Out.Entities = out
	}
	return nil
}

func containsEntity(es []event.Entity, e event.Entity) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}
