package enrich

import (
	"errors"
	"fmt"
	"time"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/event"
)

// Doc is one mention on its way through the steps. Steps read the mention
// and what earlier steps wrote, and write their own fields of Out.
type Doc struct {
	ID     string // event id, "source:native_id"
	Source string // collector name
	// Text is the title and the body, what language, sentiment and intent
	// read.
	Text string
	Out  event.EnrichedMention // Out.Mention is the mention itself

	qdoc        *query.Document
	collectedAt time.Time
}

// NewDoc starts a document for one mention.
func NewDoc(id, source string, m event.Mention) *Doc {
	text := m.Text
	if m.Title != "" {
		text = m.Title + ". " + m.Text
	}
	return &Doc{ID: id, Source: source, Text: text, Out: event.EnrichedMention{Mention: m}}
}

// Query returns the document as listening queries see it, tokenized once
// and shared by every step that matches queries. It carries the language
// the lang step chose, so the lang step must run before the first call.
func (d *Doc) Query() *query.Document {
	if d.qdoc == nil {
		m := &d.Out.Mention
		var rating float64
		if m.Rating != nil {
			rating = *m.Rating
		}
		author := m.Author.Handle
		if author == "" {
			author = m.Author.ID
		}
		d.qdoc = query.NewDocument(query.Document{
			// Words in a headline name a brand as much as words in the
			// body; title: restricts a term to the headline.
			Text: d.Text, Title: m.Title, Lang: d.Out.Lang, Network: m.Network, Source: d.Source,
			Author: author, Site: m.Site, Country: m.Country, Rating: rating,
		})
	}
	return d.qdoc
}

// Step is one enrichment stage: language, matching, sentiment and so on,
// ordered by enrich.steps in the configuration. Apply must be safe to call
// from several goroutines on different documents.
type Step interface {
	Name() string
	Apply(d *Doc) error
}

// SerialStep is a step that keeps state across mentions (duplicate
// detection). The enricher runs serial steps after the parallel ones, one
// document at a time in input order, so their results do not depend on
// how a batch was spread over cores.
type SerialStep interface {
	Step
	Serial()
}

// ExcludedError drops a mention on purpose: it matched a configured
// exclusion. It is counted, not dead-lettered.
type ExcludedError struct{ Reason string }

func (e *ExcludedError) Error() string { return "excluded: " + e.Reason }

// IsExcluded reports whether err drops a mention on purpose.
func IsExcluded(err error) bool {
	var x *ExcludedError
	return errors.As(err, &x)
}

// StepError is a step's failure on one mention; the stage dead-letters
// the mention with the step's name and goes on.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("step %s: %v", e.Step, e.Err) }
func (e *StepError) Unwrap() error { return e.Err }
