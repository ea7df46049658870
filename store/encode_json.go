package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"
)

// colEncoding is what the row encoder needs to know about a target column.
type colEncoding struct {
	name      string
	typ       string // ClickHouse type
	time      timeKind
	precision int // DateTime64 digits
}

// appendJSONRow appends one row as a JSONCompactEachRow line. This is the
// embedded insert hot path, hence hand-written appends instead of
// encoding/json reflection.
func appendJSONRow(dst []byte, cols []colEncoding, row []any) ([]byte, error) {
	dst = append(dst, '[')
	for j, v := range row {
		if j > 0 {
			dst = append(dst, ',')
		}
		var err error
		dst, err = appendJSONValue(dst, &cols[j], v)
		if err != nil {
			return dst, fmt.Errorf("column %s: %w", cols[j].name, err)
		}
	}
	return append(dst, ']', '\n'), nil
}

func appendJSONValue(dst []byte, col *colEncoding, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return appendJSONString(dst, x), nil
	case time.Time:
		return appendJSONTime(dst, col, x), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case float64:
		return appendJSONFloat(dst, x, 64), nil
	case float32:
		return appendJSONFloat(dst, float64(x), 32), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']'), nil
	case []float64:
		dst = append(dst, '[')
		for i, f := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONFloat(dst, f, 64)
		}
		return append(dst, ']'), nil
	case []uint64:
		dst = append(dst, '[')
		for i, n := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendUint(dst, n, 10)
		}
		return append(dst, ']'), nil
	case []int64:
		dst = append(dst, '[')
		for i, n := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, n, 10)
		}
		return append(dst, ']'), nil
	case []byte:
		return appendJSONString(dst, string(x)), nil
	case nil:
		return append(dst, "null"...), nil
	}
	return dst, fmt.Errorf("unsupported Go type %T (want string, bool, int*, uint*, float*, time.Time, []string, []float64, []uint64, []int64)", v)
}

// appendJSONFloat writes f so ClickHouse reads it back exactly; NaN and ±Inf
// must be quoted (26.7 rejects them bare).
func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"nan"`...)
	case math.IsInf(f, 1):
		return append(dst, `"inf"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-inf"`...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// appendJSONTime writes t in UTC. Date columns only accept YYYY-MM-DD;
// DateTime columns get an explicit Z so the column's time zone cannot
// shift the instant (26.7 honours the Z even in the basic parser).
func appendJSONTime(dst []byte, col *colEncoding, t time.Time) []byte {
	t = t.UTC()
	dst = append(dst, '"')
	y, mo, d := t.Date()
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, d, 2)
	if col.time == timeDate {
		return append(dst, '"')
	}
	h, mi, s := t.Clock()
	dst = append(dst, ' ')
	dst = appendPadded(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, s, 2)
	// Unknown column kinds (e.g. String) get milliseconds, like DateTime64(3).
	prec := 3
	switch col.time {
	case timeDateTime:
		prec = 0
	case timeDateTime64:
		prec = col.precision
	}
	if prec > 0 {
		dst = append(dst, '.')
		frac := t.Nanosecond()
		for i := 9; i > prec; i-- {
			frac /= 10
		}
		dst = appendPadded(dst, frac, prec)
	}
	return append(dst, 'Z', '"')
}

func appendPadded(dst []byte, n, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	buf[i] = byte('0' + n)
	return append(dst, buf[i:]...)
}

// appendJSONString quotes s for JSON. Bytes ≥ 0x80 pass through untouched
// (ClickHouse stores them as given, valid UTF-8 or not); only the quote, the
// backslash and control characters are escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Texts are long and rarely need escaping: skip clean 8-byte words.
		if i+8 <= len(s) && !wordNeedsEscape(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
			continue
		}
		c := s[i]
		if !jsonEscaped[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// wordNeedsEscape reports whether any of the 8 bytes in w is below 0x20,
// a '"' or a '\\' (the classic SWAR has-zero-byte tests). High-bit bytes
// never match: they are masked out by ^w.
func wordNeedsEscape(w uint64) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	quote := w ^ (ones * '"')
	slash := w ^ (ones * '\\')
	below := (w - ones*0x20) &^ w
	return ((quote-ones)&^quote|(slash-ones)&^slash|below)&highs != 0
}

// jsonEscaped marks the bytes appendJSONString must escape.
var jsonEscaped = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()
