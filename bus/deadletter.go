package bus

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

// Headers a dead letter carries on top of the original message's own.
const (
	HeaderStage      = "earshot-stage"
	HeaderReason     = "earshot-reason"
	HeaderErrorClass = "earshot-error-class"
	HeaderTopic      = "earshot-topic"
	HeaderPartition  = "earshot-partition"
	HeaderOffset     = "earshot-offset"
	HeaderFailedAt   = "earshot-failed-at"
)

var deadLetterHeaders = map[string]bool{
	HeaderStage: true, HeaderReason: true, HeaderErrorClass: true, HeaderTopic: true,
	HeaderPartition: true, HeaderOffset: true, HeaderFailedAt: true,
}

// DeadLetters sends messages a stage cannot process to a dead-letter topic
// (Snowplow's "bad rows"): the original key and value untouched, plus
// headers saying where it came from and why it failed, so nothing is dropped
// silently and it can be replayed once the cause is fixed.
type DeadLetters struct {
	w     *Writer
	topic string
	stage string
	m     *telemetry.Metrics
	now   func() time.Time
}

// NewDeadLetters sends through w to topic, labelling letters with stage.
func NewDeadLetters(w *Writer, topic, stage string, m *telemetry.Metrics) *DeadLetters {
	return &DeadLetters{w: w, topic: topic, stage: stage, m: m, now: time.Now}
}

// Failure is a message a stage could not process, and why. Class is a
// short machine label ("json", "schema", "validation") for metrics and
// filtering; Reason is the human-readable error.
type Failure struct {
	Msg    Message
	Class  string
	Reason string
}

// Send writes the failures to the dead-letter topic in one batch: a Write
// costs a round trip, so a burst of bad rows must not pay it per row. The
// caller may commit the originals once Send returned nil.
func (d *DeadLetters) Send(ctx context.Context, failures ...Failure) error {
	if len(failures) == 0 {
		return nil
	}
	letters := make([]Message, len(failures))
	for i, f := range failures {
		letters[i] = d.letter(f)
	}
	if err := d.w.Write(ctx, letters...); err != nil {
		first := failures[0].Msg
		return fmt.Errorf("bus: dead-letter %d message(s) (first %s/%d@%d, %s) to %s: %w",
			len(failures), first.Topic, first.Partition, first.Offset, failures[0].Class, d.topic, err)
	}
	for _, f := range failures {
		d.m.Dead(d.stage, f.Class)
	}
	return nil
}

func (d *DeadLetters) letter(f Failure) Message {
	orig := f.Msg
	hs := make([]kafka.Header, 0, len(orig.Headers)+len(deadLetterHeaders))
	for _, h := range orig.Headers {
		// A letter that failed again after a replay gets fresh headers
		// rather than two conflicting sets.
		if !deadLetterHeaders[h.Key] {
			hs = append(hs, h)
		}
	}
	hs = append(hs,
		kafka.Header{Key: HeaderStage, Value: []byte(d.stage)},
		kafka.Header{Key: HeaderReason, Value: []byte(f.Reason)},
		kafka.Header{Key: HeaderErrorClass, Value: []byte(f.Class)},
		kafka.Header{Key: HeaderTopic, Value: []byte(orig.Topic)},
		kafka.Header{Key: HeaderPartition, Value: []byte(strconv.Itoa(orig.Partition))},
		kafka.Header{Key: HeaderOffset, Value: []byte(strconv.FormatInt(orig.Offset, 10))},
		kafka.Header{Key: HeaderFailedAt, Value: []byte(d.now().UTC().Format(time.RFC3339Nano))},
	)
	return Message{Topic: d.topic, Key: orig.Key, Value: orig.Value, Headers: hs}
}

// DeadLetter is the parsed view of a dead-letter message. Msg is the
// dead-letter message as read (its Topic, Partition and Offset are the
// dead-letter topic's); Topic, Partition and Offset are the original's.
// Fields whose header is missing or malformed are zero (Partition and Offset
// -1) rather than an error, so a listing shows every letter.
type DeadLetter struct {
	Stage, Class, Reason, Topic string
	Partition                   int
	Offset                      int64
	FailedAt                    time.Time
	Msg                         Message
}

// ParseDeadLetter reads the dead-letter headers of m.
func ParseDeadLetter(m Message) DeadLetter {
	d := DeadLetter{Partition: -1, Offset: -1, Msg: m}
	for _, h := range m.Headers {
		v := string(h.Value)
		switch h.Key {
		case HeaderStage:
			d.Stage = v
		case HeaderReason:
			d.Reason = v
		case HeaderErrorClass:
			d.Class = v
		case HeaderTopic:
			d.Topic = v
		case HeaderPartition:
			if p, err := strconv.Atoi(v); err == nil {
				d.Partition = p
			}
		case HeaderOffset:
			if o, err := strconv.ParseInt(v, 10, 64); err == nil {
				d.Offset = o
			}
		case HeaderFailedAt:
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				d.FailedAt = t
			}
		}
	}
	return d
}

// Replay sends each letter's original key, value and headers (without the
// dead-letter headers) back to its original topic, where the key puts it in
// its original partition again. It returns how many were acknowledged. A
// letter without an original topic stops the replay before anything is sent.
func Replay(ctx context.Context, w *Writer, letters []DeadLetter) (int, error) {
	msgs := make([]Message, 0, len(letters))
	for i, l := range letters {
		if l.Topic == "" {
			return 0, fmt.Errorf("bus: replay: letter %d (dead-letter offset %d/%d) has no %s header",
				i, l.Msg.Partition, l.Msg.Offset, HeaderTopic)
		}
		hs := make([]kafka.Header, 0, len(l.Msg.Headers))
		for _, h := range l.Msg.Headers {
			if !deadLetterHeaders[h.Key] {
				hs = append(hs, h)
			}
		}
		msgs = append(msgs, Message{Topic: l.Topic, Key: l.Msg.Key, Value: l.Msg.Value, Headers: hs})
	}
	n, err := w.write(ctx, msgs)
	if err != nil {
		return n, fmt.Errorf("bus: replay %d letters (%d sent): %w", len(msgs), n, err)
	}
	return n, nil
}
