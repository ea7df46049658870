package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Broker is an in-process Kafka broker (kfake) for running earshot on one
// machine without a Kafka cluster.
//
// Durability, as read in kfake's persist.go and checked by this package's
// tests (TestEmbeddedPersistence, TestEmbeddedSurvivesSIGKILL):
//
//   - Every produced batch is appended to a segment file with write(2)
//     before the produce is acknowledged; every offset commit and group
//     change is appended to groups.log the same way; topic changes are
//     rewritten to topics.json (tmp file, fsync, rename) when they happen.
//   - Close drains pending offset commits, then writes snapshots of every
//     partition, the groups log and meta.json, fsyncs and closes the files.
//     A restart on the same directory gets topics, messages and committed
//     offsets back and starts fast from the snapshots.
//   - SIGKILL (or a panic, or os.Exit without Close) loses nothing that was
//     acknowledged: the bytes are in the kernel's page cache, which outlives
//     the process. On restart kfake finds the partition snapshots missing or
//     stale (they no longer match the segment sizes), replays the segments
//     (CRC-checked, a torn tail is truncated) and the groups log, so topics,
//     messages and commits are back. Group membership is not persisted, so
//     the restarted process rejoins without waiting for dead members'
//     sessions to expire.
//   - Data is fsynced only on segment roll (100 MiB) and on Close, like real
//     Kafka's default flush policy. A kernel crash or power loss can
//     therefore lose recently acknowledged messages and commits (what the
//     kernel had not written back yet, typically the last few seconds). We
//     accept that for the embedded mode: per-batch fsync (kfake.SyncWrites)
//     measured 35% fewer msg/s for 1000-message Writes and 45% fewer for
//     10-message Writes on this machine's ext4, and it runs on kfake's single
//     request loop, so every fsync also stalls fetches and commits. A
//     deployment that must survive power loss runs a replicated Kafka.
type Broker struct {
	cluster *kfake.Cluster
	unlock  func() error
	log     *slog.Logger

	closeOnce sync.Once
	closeErr  error
}

// StartEmbedded starts a single in-process broker listening on 127.0.0.1:port
// (0 picks a free port) that persists under dataDir, so a later start on the
// same directory keeps topics, messages and committed group offsets. An empty
// dataDir keeps everything in memory (tests). ctx bounds the start only; the
// broker runs until Close.
//
// The directory is locked for the broker's lifetime: two brokers writing one
// directory would corrupt each other's segments.
func StartEmbedded(ctx context.Context, dataDir string, port int, log *slog.Logger) (*Broker, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bus: start embedded broker: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "kfake")

	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(port),
		kfake.DefaultNumPartitions(defaultPartitions),
		kfake.WithLogger(kfakeLogger{log}),
		kfake.BrokerConfigs(map[string]string{
			// Kafka forgets a group's offsets 7 days after its last commit
			// once the group is empty. A laptop install can sit idle that
			// long; forgetting would replay every topic from the start.
			"offsets.retention.minutes": strconv.Itoa(10 * 365 * 24 * 60),
		}),
	}
	unlock := func() error { return nil }
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("bus: create broker data dir %s: %w", dataDir, err)
		}
		u, err := lockDir(dataDir)
		if err != nil {
			return nil, fmt.Errorf("bus: broker data dir %s: %w", dataDir, err)
		}
		unlock = u
		opts = append(opts, kfake.DataDir(dataDir))
	}

	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("bus: start embedded broker (dir %q, port %d): %w", dataDir, port, err), unlock())
	}
	b := &Broker{cluster: c, unlock: unlock, log: log}
	log.Info("embedded broker started", "addrs", b.Addrs(), "data_dir", dataDir)
	return b, nil
}

// Addrs returns the host:port the broker listens on, for Config.Brokers.
func (b *Broker) Addrs() []string {
	return b.cluster.ListenAddrs()
}

// Close stops the broker and, with a data dir, writes its snapshots and
// fsyncs them. Safe to call more than once.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		// kfake logs persistence failures during Close instead of
		// returning them; they reach b.log at ERROR.
		b.cluster.Close()
		if err := b.unlock(); err != nil {
			b.closeErr = fmt.Errorf("bus: unlock broker data dir: %w", err)
		}
		b.log.Info("embedded broker stopped")
	})
	return b.closeErr
}

// kfakeLogger forwards kfake's printf-style logs to slog. kfake's info level
// logs every request, so it goes to DEBUG.
type kfakeLogger struct{ l *slog.Logger }

func (k kfakeLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	var lvl slog.Level
	switch level {
	case kfake.LogLevelError:
		lvl = slog.LevelError
	case kfake.LogLevelWarn:
		lvl = slog.LevelWarn
	case kfake.LogLevelNone:
		return
	default:
		lvl = slog.LevelDebug
	}
	ctx := context.Background()
	if !k.l.Enabled(ctx, lvl) {
		return
	}
	k.l.Log(ctx, lvl, fmt.Sprintf(format, args...))
}
