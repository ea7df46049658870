package store

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

var errChdbClosed = errors.New("chdb connection is closed")

// chdbConn is one libchdb connection (a ClickHouse "local server" session).
//
// chdb_query is thread-safe: libchdb queues queries onto its own worker and
// runs them one at a time (measured: 8 goroutines take as long as one doing
// all the work), so we do not add a query mutex of our own. The RWMutex only
// keeps close from freeing the connection under a running query.
type chdbConn struct {
	lib  *chdbLib
	mu   sync.RWMutex
	pp   unsafe.Pointer // chdb_connection*, what chdb_close_conn wants
	conn unsafe.Pointer // chdb_connection, what chdb_query wants
}

// connectChdb starts the engine on dataDir. argv mirrors the clickhouse-local
// command line chDB parses.
func connectChdb(lib *chdbLib, dataDir string) (*chdbConn, error) {
	args := []string{"clickhouse", "--path=" + dataDir}
	argv := make([]*byte, len(args))
	for i, a := range args {
		argv[i] = cString(a)
	}
	pp := lib.connect(int32(len(argv)), unsafe.Pointer(&argv[0]))
	runtime.KeepAlive(argv)
	if pp == nil {
		return nil, fmt.Errorf("chdb_connect(%s) failed (is another chDB connection open in this process, or the directory not writable?)", dataDir)
	}
	conn := *(*unsafe.Pointer)(pp)
	if conn == nil {
		return nil, fmt.Errorf("chdb_connect(%s) returned an empty connection", dataDir)
	}
	return &chdbConn{lib: lib, pp: pp, conn: conn}, nil
}

// run executes query (which must end in a NUL byte, so it reaches C without
// a copy) and hands the output to read before the C buffer is freed; read
// must not retain it.
func (c *chdbConn) run(query []byte, format string, read func(out []byte) error) error {
	if len(query) == 0 || query[len(query)-1] != 0 {
		return errors.New("internal: chdb query not NUL-terminated")
	}
	f := cString(format)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.conn == nil {
		return errChdbClosed
	}
	res := c.lib.query(c.conn, &query[0], f)
	runtime.KeepAlive(query)
	runtime.KeepAlive(f)
	if res == nil {
		// chDB returns no result object for some statements that produce
		// no output; that is success.
		if read != nil {
			return read(nil)
		}
		return nil
	}
	defer c.lib.destroyResult(res)
	if msg := goString(c.lib.resultError(res)); msg != "" {
		return errors.New(capMessage(msg))
	}
	if read == nil {
		return nil
	}
	n := c.lib.resultLength(res)
	buf := c.lib.resultBuffer(res)
	if n == 0 || buf == nil {
		return read(nil)
	}
	return read(unsafe.Slice(buf, n))
}

func (c *chdbConn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pp == nil {
		return
	}
	c.lib.closeConn(c.pp)
	c.pp, c.conn = nil, nil
}

// maxErrorLen caps engine messages: ClickHouse echoes the query (and for
// bad inserts, rows) into its errors, which must not flood the logs.
const maxErrorLen = 4096

func capMessage(msg string) string {
	if len(msg) <= maxErrorLen {
		return msg
	}
	return msg[:maxErrorLen] + fmt.Sprintf("… (%d more bytes)", len(msg)-maxErrorLen)
}
