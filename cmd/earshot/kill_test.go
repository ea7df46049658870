package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/segmentio/kafka-go"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/ingest/synthetic"
)

// binary is the earshot binary built once for the tests that run it as a
// separate process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "earshot-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "earshot")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build earshot: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type proc struct {
	cmd *exec.Cmd
	log *bytes.Buffer
}

func startEarshot(t *testing.T, cfgPath, metricsAddr string, args ...string) *proc {
	t.Helper()
	p := &proc{log: &bytes.Buffer{}}
	p.cmd = exec.Command(binary, append(args, "--config", cfgPath)...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + metricsAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("earshot did not become ready:\n%s", p.log)
	return nil
}

// metrics scrapes the process's /metrics.
func metrics(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	return fams
}

func sumMetric(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (sum float64, series int) {
	f := fams[name]
	if f == nil {
		return 0, 0
	}
next:
	for _, m := range f.GetMetric() {
		for k, v := range labels {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		series++
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		}
	}
	return sum, series
}

// caughtUp reports whether group has committed every partition of topic up
// to its end.
func caughtUp(t *testing.T, broker, group, topic string, partitions int) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &kafka.Client{Addr: kafka.TCP(broker)}
	parts := make([]int, partitions)
	ends := make([]kafka.OffsetRequest, partitions)
	for i := range parts {
		parts[i] = i
		ends[i] = kafka.LastOffsetOf(i)
	}
	committed, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return false
	}
	listed, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: ends}})
	if err != nil {
		return false
	}
	end := map[int]int64{}
	for _, p := range listed.Topics[topic] {
		end[p.Partition] = p.LastOffset
	}
	for _, p := range committed.Topics[topic] {
		if p.CommittedOffset < end[p.Partition] {
			return false
		}
	}
	return len(committed.Topics[topic]) == partitions
}

// TestSIGKILLLosesAndDuplicatesNothing runs the whole pipeline as a
// process on the embedded broker and engine, kills it with SIGKILL while
// the sink is halfway through, starts it again on the same data directory
// and checks that ClickHouse ends with exactly the events sent.
func TestSIGKILLLosesAndDuplicatesNothing(t *testing.T) {
	const n = 20000
	dir := t.TempDir()
	kport, mport := freePort(t), freePort(t)
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", mport)
	cfgPath := filepath.Join(dir, "earshot.yaml")
	cfg := fmt.Sprintf(`data_dir: %s
log: {level: warn, format: text}
http: {listen: "%s"}
kafka: {embedded_port: %d, partitions: 4}
synthetic: {enabled: false}
sink: {batch_size: 500, flush_interval: 100ms}
rollup: {interval: 1h}
`, filepath.Join(dir, "data"), metricsAddr, kport)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	first := startEarshot(t, cfgPath, metricsAddr, "run")

	// Publish n raw mentions from outside, as a collector process would.
	gen, err := synthetic.New(synthetic.Config{Brands: []synthetic.Brand{{Name: "Acme", Own: true, Keywords: []string{"acme"}}}, Rate: 1, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	envs, err := gen.Mentions(time.Now(), n)
	if err != nil {
		t.Fatal(err)
	}
	w := bus.NewWriter(bus.Config{Brokers: []string{fmt.Sprintf("127.0.0.1:%d", kport)}}, "test", nil)
	msgs := make([]bus.Message, len(envs))
	for i, e := range envs {
		raw, _ := e.Encode()
		msgs[i] = bus.Message{Topic: "earshot.raw.mentions", Key: []byte(e.ID), Value: raw}
	}
	ctx := context.Background()
	if err := w.Write(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	w.Close()

	// Kill it mid-stream.
	deadline := time.Now().Add(90 * time.Second)
	for {
		rows, _ := sumMetric(metrics(t, metricsAddr), "earshot_rows_inserted_total", map[string]string{"table": "mentions"})
		if rows >= n/4 {
			t.Logf("SIGKILL after %v rows inserted", rows)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sink inserted %v rows in 90s:\n%s", rows, first.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()

	// Start again on the same directory and wait until both groups have
	// committed everything: the enricher all raw mentions, then the sink
	// all enriched ones.
	second := startEarshot(t, cfgPath, metricsAddr, "run")
	broker := fmt.Sprintf("127.0.0.1:%d", kport)
	deadline = time.Now().Add(90 * time.Second)
	for !caughtUp(t, broker, "earshot-enrich", "earshot.raw.mentions", 4) ||
		!caughtUp(t, broker, "earshot-sink", "earshot.enriched.mentions", 4) {
		if time.Now().After(deadline) {
			t.Fatalf("pipeline did not catch up after restart:\n%s", second.log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("earshot run did not stop cleanly on SIGTERM: %v\n%s", err, second.log)
	}

	out, err := exec.Command(binary, "sql", "--config", cfgPath,
		"SELECT (SELECT count() FROM mentions FINAL), (SELECT uniqExact(id) FROM mentions), "+
			"(SELECT count() FROM (SELECT kafka_partition, kafka_offset FROM mentions GROUP BY 1, 2 HAVING count() > 1))").Output()
	if err != nil {
		t.Fatalf("earshot sql: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if got, want := lines[len(lines)-1], fmt.Sprintf("%d\t%d\t0", n, n); got != want {
		t.Fatalf("after SIGKILL and restart: rows, ids, offsets stored twice = %q, want %q", got, want)
	}
}
