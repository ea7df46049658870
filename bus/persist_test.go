package bus

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

const persistParts = 6

// persistFixture is what a first broker life leaves behind: a topic, its
// messages and a group that committed about half of them.
type persistFixture struct {
	topic, group string
	written      []Message       // as read back, with partition/offset
	committed    map[int]int64   // next offset per partition
	uncommitted  map[string]bool // values the group has not committed
}

// fillBroker writes n more messages (values from..from+n-1) to topic,
// creating it if needed, then has group read all total messages of the
// topic and commit the first half of every partition.
func fillBroker(ctx context.Context, cfg Config, topic, group string, from, n, total int) (persistFixture, error) {
	f := persistFixture{topic: topic, group: group, committed: map[int]int64{}, uncommitted: map[string]bool{}}
	if err := EnsureTopics(ctx, cfg, []TopicSpec{{Name: topic, Partitions: persistParts}}); err != nil {
		return f, err
	}
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	if err := w.Write(ctx, numberedFrom(topic, from, n, strconv.Itoa)...); err != nil {
		return f, err
	}
	r := NewReader(cfg, ReaderOptions{Group: f.group, Topics: []string{topic}}, nil)
	defer r.Close()
	for len(f.written) < total {
		b, err := r.FetchBatch(ctx, total-len(f.written), 50*time.Millisecond)
		if err != nil {
			return f, err
		}
		f.written = append(f.written, b...)
	}
	var commit []Message
	for _, m := range f.written {
		if m.Offset < countPart(f.written, m.Partition)/2 {
			commit = append(commit, m)
			f.committed[m.Partition] = max(f.committed[m.Partition], m.Offset+1)
		} else {
			f.uncommitted[string(m.Value)] = true
		}
	}
	return f, r.Commit(ctx, commit)
}

// checkRestored verifies that a broker restarted on the fixture's data dir
// has the topic, every message and the group's commits.
func checkRestored(t *testing.T, cfg Config, f persistFixture) {
	t.Helper()
	t.Logf("checking topic %s, group %s", f.topic, f.group)
	ctx := testCtx(t)
	got, err := ReadAll(ctx, cfg, f.topic)
	if err != nil {
		t.Fatalf("ReadAll after restart: %v", err)
	}
	if len(got) != len(f.written) {
		t.Fatalf("after restart: %d messages, want %d", len(got), len(f.written))
	}
	want := make(map[[2]int64]Message, len(f.written))
	for _, m := range f.written {
		want[[2]int64{int64(m.Partition), m.Offset}] = m
	}
	for _, m := range got {
		w, ok := want[[2]int64{int64(m.Partition), m.Offset}]
		if !ok || string(w.Key) != string(m.Key) || string(w.Value) != string(m.Value) || !reflect.DeepEqual(w.Headers, m.Headers) {
			t.Fatalf("after restart %d@%d = %q/%q, want %q/%q", m.Partition, m.Offset, m.Key, m.Value, w.Key, w.Value)
		}
	}

	if c := committedOffsets(t, cfg, f.group, f.topic, persistParts); !reflect.DeepEqual(c, f.committed) {
		t.Errorf("committed offsets after restart %v, want %v", c, f.committed)
	}

	// The group resumes where it committed: it gets exactly the rest.
	r := newTestReader(t, cfg, f.group, f.topic)
	start := time.Now()
	rest := readN(ctx, t, r, len(f.uncommitted))
	t.Logf("restarted group got %d uncommitted messages in %v", len(rest), time.Since(start))
	if !equalSets(values(rest), f.uncommitted) {
		t.Errorf("restarted group got a different set than the %d uncommitted messages", len(f.uncommitted))
	}
}

// checkWritable verifies the restarted broker appends after the restored
// log end instead of overwriting it.
func checkWritable(t *testing.T, cfg Config, f persistFixture) {
	t.Helper()
	ctx := testCtx(t)
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	if err := w.Write(ctx, Message{Topic: f.topic, Key: []byte("after"), Value: []byte("after")}); err != nil {
		t.Fatalf("Write after restart: %v", err)
	}
	got, err := ReadAll(ctx, cfg, f.topic)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if len(got) != len(f.written)+1 {
		t.Fatalf("after one more write: %d messages, want %d", len(got), len(f.written)+1)
	}
}

func TestEmbeddedPersistence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := testCtx(t)
	b1, err := StartEmbedded(ctx, dir, 0, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	cfg1 := Config{Brokers: b1.Addrs()}
	topic := topicName(t, "in")
	f, err := fillBroker(ctx, cfg1, topic, "g1", 0, 600, 600)
	if err != nil {
		b1.Close()
		t.Fatalf("fill: %v", err)
	}
	if err := b1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	start := time.Now()
	_, cfg2 := startBroker(t, dir)
	t.Logf("restart after Close took %v", time.Since(start))
	checkRestored(t, cfg2, f)
	checkWritable(t, cfg2, f)
}

func TestEmbeddedDataDirLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	startBroker(t, dir)
	b, err := StartEmbedded(t.Context(), dir, 0, testLogger())
	if err == nil {
		b.Close()
		t.Fatal("second broker on the same data dir started")
	}
	if !strings.Contains(err.Error(), "in use") {
		t.Errorf("error %q does not say the dir is in use", err)
	}
}

// crashChildEnv makes the test binary act as a broker process that fills
// itself and waits to be killed.
const crashChildEnv = "EARSHOT_BUS_CRASH_CHILD_DIR"

func TestEmbeddedSurvivesSIGKILL(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		lives, _ := strconv.Atoi(os.Getenv("EARSHOT_BUS_CRASH_LIVES"))
		crashChild(dir, os.Getenv("EARSHOT_BUS_CRASH_TOPIC"), lives)
		return
	}
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	tests := []struct {
		name  string
		lives int
	}{
		// Killed in its first life: no snapshot was ever written.
		{"first life", 1},
		// Killed after a clean restart: the snapshots are stale.
		{"after a clean restart", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			fs := runCrashChild(t, dir, topicName(t, "in"), tc.lives)

			start := time.Now()
			_, cfg := startBroker(t, dir)
			t.Logf("restart after SIGKILL took %v", time.Since(start))
			if len(fs) == 2 {
				// g1's commits from the first life must survive the second
				// life's crash; its uncommitted set now includes the second
				// life's writes.
				for _, m := range fs[1].written {
					if m.Offset >= fs[0].committed[m.Partition] {
						fs[0].uncommitted[string(m.Value)] = true
					}
				}
				fs[0].written = fs[1].written
			}
			for _, f := range fs {
				checkRestored(t, cfg, f)
			}
			checkWritable(t, cfg, fs[len(fs)-1])
		})
	}
}

// runCrashChild runs the test binary as a broker process on dir, waits for
// its fixtures and SIGKILLs it.
func runCrashChild(t *testing.T, dir, topic string, lives int) []persistFixture {
	t.Helper()
	cmd := exec.CommandContext(testCtx(t), os.Args[0], "-test.run=^TestEmbeddedSurvivesSIGKILL$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "EARSHOT_BUS_CRASH_TOPIC="+topic,
		"EARSHOT_BUS_CRASH_LIVES="+strconv.Itoa(lives))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The child prints its fixtures once everything is acknowledged.
	var fs []persistFixture
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<24)
	for len(fs) < lives && sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "FIXTURE "); ok {
			fs = append(fs, decodeFixture(t, line))
		}
	}
	if len(fs) < lives {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child reported %d of %d fixtures: %v", len(fs), lives, sc.Err())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	return fs
}

// crashChild fills a broker on dir and waits to be killed. With lives=2 the
// first life ends with Close, so its partitions get snapshots, and the
// second appends to the same partitions, making those snapshots stale.
func crashChild(dir, topic string, lives int) {
	ctx := context.Background()
	die := func(err error) {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	b, err := StartEmbedded(ctx, dir, 0, testLogger())
	if err != nil {
		die(err)
	}
	f1, err := fillBroker(ctx, Config{Brokers: b.Addrs()}, topic, "g1", 0, 600, 600)
	if err != nil {
		die(err)
	}
	fmt.Println("FIXTURE " + encodeFixture(f1))
	if lives == 2 {
		if err := b.Close(); err != nil {
			die(err)
		}
		if b, err = StartEmbedded(ctx, dir, 0, testLogger()); err != nil {
			die(err)
		}
		f2, err := fillBroker(ctx, Config{Brokers: b.Addrs()}, topic, "g2", 600, 600, 1200)
		if err != nil {
			die(err)
		}
		fmt.Println("FIXTURE " + encodeFixture(f2))
	}
	select {} // wait for SIGKILL; never Close
}

// The fixture crosses the process boundary as one line:
// topic group p:o,p:o,... then partition@offset=key/value pairs.
func encodeFixture(f persistFixture) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s ", f.topic, f.group)
	for p, o := range f.committed {
		fmt.Fprintf(&sb, "%d:%d,", p, o)
	}
	for _, m := range f.written {
		fmt.Fprintf(&sb, " %d@%d=%s/%s", m.Partition, m.Offset, m.Key, m.Value)
	}
	return sb.String()
}

func decodeFixture(t *testing.T, line string) persistFixture {
	t.Helper()
	fields := strings.Fields(line)
	f := persistFixture{topic: fields[0], group: fields[1], committed: map[int]int64{}, uncommitted: map[string]bool{}}
	for _, pc := range strings.Split(strings.TrimSuffix(fields[2], ","), ",") {
		var p int
		var o int64
		if _, err := fmt.Sscanf(pc, "%d:%d", &p, &o); err != nil {
			t.Fatalf("fixture commit %q: %v", pc, err)
		}
		f.committed[p] = o
	}
	for _, mf := range fields[3:] {
		var m Message
		pos, kv, _ := strings.Cut(mf, "=")
		if _, err := fmt.Sscanf(pos, "%d@%d", &m.Partition, &m.Offset); err != nil {
			t.Fatalf("fixture message %q: %v", mf, err)
		}
		k, v, _ := strings.Cut(kv, "/")
		m.Key, m.Value = []byte(k), []byte(v)
		m.Headers = []kafka.Header{{Key: "idx", Value: []byte("h" + v)}}
		f.written = append(f.written, m)
		if m.Offset >= f.committed[m.Partition] {
			f.uncommitted[v] = true
		}
	}
	return f
}
