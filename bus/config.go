package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
)

// Message is the unit the bus carries. It is kafka-go's type so callers get
// keys, headers and partition/offset without conversion.
type Message = kafka.Message

// Config says where the brokers are and how this process names itself.
type Config struct {
	// Brokers are host:port addresses. Empty means the caller must start an
	// embedded broker first and use its Addrs.
	Brokers []string
	// ClientID names this process in broker logs; default "earshot".
	ClientID string
	// Partitions is the default partition count for EnsureTopics; default 6.
	Partitions int
	// ReplicationFactor is the default replication for EnsureTopics; default 1.
	ReplicationFactor int
	// Log, if set, receives kafka-go's internal errors (reconnects, failed
	// fetches it retries on its own) at WARN. They are otherwise invisible
	// because kafka-go retries them without surfacing them to the caller.
	Log *slog.Logger
}

const (
	defaultClientID          = "earshot"
	defaultPartitions        = 6
	defaultReplicationFactor = 1
	dialTimeout              = 10 * time.Second
)

var errNoBrokers = errors.New("bus: no brokers configured (start an embedded broker and use its Addrs)")

func (c Config) clientID() string {
	if c.ClientID == "" {
		return defaultClientID
	}
	return c.ClientID
}

func (c Config) partitions() int {
	if c.Partitions <= 0 {
		return defaultPartitions
	}
	return c.Partitions
}

func (c Config) replicationFactor() int {
	if c.ReplicationFactor <= 0 {
		return defaultReplicationFactor
	}
	return c.ReplicationFactor
}

func (c Config) addr() (net.Addr, error) {
	if len(c.Brokers) == 0 {
		return nil, errNoBrokers
	}
	return kafka.TCP(c.Brokers...), nil
}

// transport returns a Transport of its own. kafka-go's DefaultTransport is
// shared process-wide and caches metadata for 6 s, so a topic created after
// its first use stays invisible to every writer for that long.
func (c Config) transport() *kafka.Transport {
	return &kafka.Transport{
		ClientID:    c.clientID(),
		DialTimeout: dialTimeout,
		MetadataTTL: metadataTTL,
	}
}

// dialer is used by kafka-go's Reader, which still speaks through the older
// Conn API rather than a Transport.
func (c Config) dialer() *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:  c.clientID(),
		Timeout:   dialTimeout,
		DualStack: true,
	}
}

func (c Config) errorLogger(component string) kafka.Logger {
	if c.Log == nil {
		return nil
	}
	l := c.Log.With("component", component)
	return kafka.LoggerFunc(func(msg string, args ...any) {
		l.Warn(fmt.Sprintf(msg, args...))
	})
}
