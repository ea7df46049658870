package mastodon

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// sseEvent is one server-sent event: Mastodon's streaming API sends
// "event: update" with a Status as data, "delete" with an id, and so on.
type sseEvent struct {
	Name string
	Data []byte
}

// maxSSELine bounds one line of the stream: a status with a long text and
// many mentions is tens of KiB, so 4 MiB is generous without letting a
// broken server exhaust memory.
const maxSSELine = 4 << 20

// sseReader splits a text/event-stream into events. Lines starting with ':'
// are heartbeats; an event ends at a blank line; several data lines join
// with '\n' as the EventSource specification says.
type sseReader struct {
	sc *bufio.Scanner
	// seen is called for every line read, heartbeats included, so the
	// caller can tell a quiet stream from a dead connection.
	seen func()
}

func newSSEReader(r io.Reader, seen func()) *sseReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxSSELine)
	sc.Split(scanSSELines)
	if seen == nil {
		seen = func() {}
	}
	return &sseReader{sc: sc, seen: seen}
}

// Next returns the next event with a name or data. At the end of the
// stream it returns io.EOF (an event cut off by the end is dropped: its
// data may be incomplete).
func (r *sseReader) Next() (sseEvent, error) {
	var ev sseEvent
	var data bytes.Buffer
	hasData := false
	for r.sc.Scan() {
		r.seen()
		line := r.sc.Text()
		if line == "" {
			if ev.Name != "" || hasData {
				ev.Data = data.Bytes()
				return ev, nil
			}
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Name = value
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.WriteString(value)
			hasData = true
		}
		// id and retry are not used: Mastodon does not resume streams by
		// Last-Event-ID, the REST gap fill does that job.
	}
	if err := r.sc.Err(); err != nil {
		return sseEvent{}, err
	}
	return sseEvent{}, io.EOF
}

// scanSSELines splits on \n, \r\n or a lone \r, the three line endings
// the event-stream format allows.
func scanSSELines(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		switch c {
		case '\n':
			return i + 1, data[:i], nil
		case '\r':
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			// A \r at the end of the buffer may be half of \r\n.
			return 0, nil, nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
