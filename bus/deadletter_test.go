package bus

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

func TestDeadLetters(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	ctx := testCtx(t)
	in, dead := topicName(t, "in"), topicName(t, "dead")
	mustEnsure(t, cfg, TopicSpec{Name: in}, TopicSpec{Name: dead, Partitions: 2})
	m := telemetry.New(prometheus.NewRegistry())
	w := NewWriter(cfg, "collector", m)
	defer w.Close()

	origHeaders := []kafka.Header{{Key: "trace", Value: []byte("abc")}, {Key: "schema", Value: []byte("v1")}}
	orig := numbered(in, 20, func(i int) string { return "src:" + strconv.Itoa(i) })
	for i := range orig {
		orig[i].Headers = origHeaders
	}
	if err := w.Write(ctx, orig...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	read, err := ReadAll(ctx, cfg, in)
	if err != nil {
		t.Fatalf("ReadAll %s: %v", in, err)
	}

	// Every third message fails, with a mix of classes.
	classes := []string{"json", "schema", "validation"}
	dl := NewDeadLetters(w, dead, "enrich", m)
	failed := make(map[string]Message)
	failedClass := make(map[string]string)
	before := time.Now().UTC()
	for i, msg := range read {
		if i%3 != 0 {
			continue
		}
		class := classes[i%len(classes)]
		if err := dl.Send(ctx, Failure{msg, class, "bad row " + string(msg.Value) + ": unexpected '}'"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		failed[string(msg.Key)] = msg
		failedClass[string(msg.Key)] = class
	}

	letters, err := ReadAll(ctx, cfg, dead)
	if err != nil {
		t.Fatalf("ReadAll %s: %v", dead, err)
	}
	if len(letters) != len(failed) {
		t.Fatalf("%d dead letters, want %d", len(letters), len(failed))
	}
	var parsed []DeadLetter
	for _, l := range letters {
		d := ParseDeadLetter(l)
		o, ok := failed[string(l.Key)]
		if !ok {
			t.Fatalf("unexpected dead letter key %q", l.Key)
		}
		want := DeadLetter{
			Stage: "enrich", Class: failedClass[string(l.Key)], Reason: "bad row " + string(o.Value) + ": unexpected '}'",
			Topic: in, Partition: o.Partition, Offset: o.Offset, FailedAt: d.FailedAt, Msg: l,
		}
		if !reflect.DeepEqual(d, want) {
			t.Errorf("parsed %+v\nwant   %+v", d, want)
		}
		if d.FailedAt.Before(before) || d.FailedAt.After(time.Now()) {
			t.Errorf("FailedAt %v outside the test's run", d.FailedAt)
		}
		if string(l.Value) != string(o.Value) {
			t.Errorf("letter value %q, want the original %q", l.Value, o.Value)
		}
		if !reflect.DeepEqual(l.Headers[:2], origHeaders) {
			t.Errorf("original headers not kept first: %+v", l.Headers)
		}
		parsed = append(parsed, d)
	}
	var dead3 float64
	for _, c := range classes {
		dead3 += counterValue(t, m.DeadLetters.WithLabelValues("enrich", c))
	}
	if dead3 != float64(len(failed)) {
		t.Errorf("dead_letters_total = %v, want %d", dead3, len(failed))
	}

	n, err := Replay(ctx, w, parsed)
	if err != nil || n != len(parsed) {
		t.Fatalf("Replay = %d, %v; want %d, nil", n, err, len(parsed))
	}
	after, err := ReadAll(ctx, cfg, in)
	if err != nil {
		t.Fatalf("ReadAll %s: %v", in, err)
	}
	if len(after) != len(read)+len(failed) {
		t.Fatalf("%s holds %d messages after replay, want %d", in, len(after), len(read)+len(failed))
	}
	replayed := 0
	for _, msg := range after {
		o, ok := failed[string(msg.Key)]
		if !ok || msg.Offset == o.Offset {
			continue
		}
		replayed++
		if msg.Partition != o.Partition {
			t.Errorf("replayed %s to partition %d, was %d", msg.Key, msg.Partition, o.Partition)
		}
		if string(msg.Value) != string(o.Value) || !reflect.DeepEqual(msg.Headers, origHeaders) {
			t.Errorf("replayed %s = %q %+v, want %q %+v", msg.Key, msg.Value, msg.Headers, o.Value, origHeaders)
		}
	}
	if replayed != len(failed) {
		t.Errorf("found %d replayed messages, want %d", replayed, len(failed))
	}
}

func TestDeadLetterOfDeadLetterHasOneHeaderSet(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	ctx := testCtx(t)
	dead := topicName(t, "dead")
	mustEnsure(t, cfg, TopicSpec{Name: dead})
	w := NewWriter(cfg, "s", nil)
	defer w.Close()
	dl := NewDeadLetters(w, dead, "second", nil)
	prior := Message{Topic: "x", Partition: 1, Offset: 7, Value: []byte("v"), Headers: []kafka.Header{
		{Key: HeaderStage, Value: []byte("first")}, {Key: "keep", Value: []byte("me")},
	}}
	if err := dl.Send(ctx, Failure{prior, "json", "again"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := ReadAll(ctx, cfg, dead)
	if err != nil || len(got) != 1 {
		t.Fatalf("ReadAll = %d, %v", len(got), err)
	}
	stages := 0
	for _, h := range got[0].Headers {
		if h.Key == HeaderStage {
			stages++
		}
	}
	if d := ParseDeadLetter(got[0]); stages != 1 || d.Stage != "second" || got[0].Headers[0].Key != "keep" {
		t.Errorf("headers %+v: want the old dead-letter set replaced", got[0].Headers)
	}
}

func TestParseDeadLetter(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 12, 0, 0, 123456789, time.UTC)
	h := func(kv ...string) []kafka.Header {
		var hs []kafka.Header
		for i := 0; i < len(kv); i += 2 {
			hs = append(hs, kafka.Header{Key: kv[i], Value: []byte(kv[i+1])})
		}
		return hs
	}
	tests := []struct {
		name    string
		headers []kafka.Header
		want    DeadLetter
	}{
		{
			name: "complete",
			headers: h(HeaderStage, "enrich", HeaderReason, "r", HeaderErrorClass, "schema", HeaderTopic, "t",
				HeaderPartition, "3", HeaderOffset, "42", HeaderFailedAt, at.Format(time.RFC3339Nano)),
			want: DeadLetter{Stage: "enrich", Reason: "r", Class: "schema", Topic: "t", Partition: 3, Offset: 42, FailedAt: at},
		},
		{
			name:    "no headers",
			headers: nil,
			want:    DeadLetter{Partition: -1, Offset: -1},
		},
		{
			name:    "malformed numbers and time",
			headers: h(HeaderPartition, "x", HeaderOffset, "", HeaderFailedAt, "yesterday", HeaderTopic, "t"),
			want:    DeadLetter{Topic: "t", Partition: -1, Offset: -1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := Message{Topic: "dead", Value: []byte("v"), Headers: tc.headers}
			tc.want.Msg = msg
			if got := ParseDeadLetter(msg); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReplayRefusesLetterWithoutTopic(t *testing.T) {
	t.Parallel()
	w := NewWriter(Config{Brokers: []string{"127.0.0.1:1"}}, "s", nil)
	defer w.Close()
	n, err := Replay(testCtx(t), w, []DeadLetter{{Topic: "ok"}, {Msg: Message{Value: []byte("v")}}})
	if err == nil || n != 0 || !strings.Contains(err.Error(), HeaderTopic) {
		t.Errorf("Replay = %d, %v; want 0 and an error naming %s", n, err, HeaderTopic)
	}
}
