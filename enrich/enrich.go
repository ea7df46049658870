// Package enrich tags mentions: language, the brands, topics and campaigns
// they match, sentiment, intent, extracted entities, duplicates, spam and
// reach. Each tag comes from a Step; the Enricher runs the configured steps
// in order and is pure (no I/O). Stage runs it between Kafka topics.
package enrich

import (
	"time"

	"github.com/earshot-dev/earshot/event"
)

// Enricher runs steps over mentions.
type Enricher struct {
	Steps []Step
	Now   func() time.Time
}

// parallel returns the steps that may run on many documents at once, and
// serial the ones that must see documents one by one in order.
func (e *Enricher) split() (parallel, serial []Step) {
	for _, s := range e.Steps {
		if _, ok := s.(SerialStep); ok {
			serial = append(serial, s)
		} else {
			parallel = append(parallel, s)
		}
	}
	return parallel, serial
}

func run(steps []Step, d *Doc) error {
	for _, s := range steps {
		if err := s.Apply(d); err != nil {
			if IsExcluded(err) {
				return err
			}
			return &StepError{Step: s.Name(), Err: err}
		}
	}
	return nil
}

// Enrich runs every step on one mention.
func (e *Enricher) Enrich(id, source string, m event.Mention) (event.EnrichedMention, error) {
	d := NewDoc(id, source, m)
	parallel, serial := e.split()
	if err := run(parallel, d); err != nil {
		return event.EnrichedMention{}, err
	}
	if err := run(serial, d); err != nil {
		return event.EnrichedMention{}, err
	}
	return e.finish(d), nil
}

func (e *Enricher) finish(d *Doc) event.EnrichedMention {
	out := d.Out
	if out.Sentiment.Label == "" {
		out.Sentiment.Label = event.Neutral
	}
	if out.Brands == nil {
		out.Brands = []event.BrandMatch{}
	}
	out.EnrichedAt = e.Now().UTC()
	return out
}
