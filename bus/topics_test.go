package bus

import (
	"testing"

	"github.com/segmentio/kafka-go"
)

func TestEnsureTopicsIdempotent(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	cfg.Partitions = 4
	a, b, c := topicName(t, "a"), topicName(t, "b"), topicName(t, "c")
	steps := []struct {
		name   string
		topics []TopicSpec
		want   map[string]int // partitions per topic after the step
	}{
		{"create", []TopicSpec{{Name: a, Partitions: 3}, {Name: b}}, map[string]int{a: 3, b: 4}},
		{"again", []TopicSpec{{Name: a, Partitions: 3}, {Name: b}}, map[string]int{a: 3, b: 4}},
		{"existing left alone", []TopicSpec{{Name: a, Partitions: 9}}, map[string]int{a: 3, b: 4}},
		{"mix of new and existing", []TopicSpec{{Name: b}, {Name: c, Partitions: 2}, {Name: c}}, map[string]int{a: 3, b: 4, c: 2}},
		{"nothing", nil, map[string]int{a: 3, b: 4, c: 2}},
	}
	for _, st := range steps {
		if err := EnsureTopics(testCtx(t), cfg, st.topics); err != nil {
			t.Fatalf("%s: EnsureTopics: %v", st.name, err)
		}
		for topic, want := range st.want {
			if got := partitionCount(t, cfg, topic); got != want {
				t.Errorf("%s: %s has %d partitions, want %d", st.name, topic, got, want)
			}
		}
	}
	if err := EnsureTopics(testCtx(t), cfg, []TopicSpec{{Name: ""}}); err == nil {
		t.Error("EnsureTopics with an empty name: no error")
	}
}

func partitionCount(t *testing.T, cfg Config, topic string) int {
	t.Helper()
	client := &kafka.Client{Addr: kafka.TCP(cfg.Brokers...), Transport: cfg.transport()}
	meta, err := client.Metadata(testCtx(t), &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		t.Fatalf("Metadata: %v", err)
	}
	for _, tm := range meta.Topics {
		if tm.Name == topic && tm.Error == nil {
			return len(tm.Partitions)
		}
	}
	return 0
}
