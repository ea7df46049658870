package fileimport

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Exports write numbers for people: "1,234", "12.5%", "$1,234.56",
// "1.234,56" in some locales, "--" for nothing. These parsers take all of
// that and refuse what is really not a number.

// isBlank reports a cell that means "no value".
func isBlank(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "--", "-", "—", "N/A", "n/a", "null", "NULL":
		return true
	}
	return false
}

// cleanNumber strips currency symbols, spaces and thousands separators
// and normalises the decimal separator to '.'. It reports a trailing '%'.
func cleanNumber(s string, decimal byte) (string, bool, error) {
	s = strings.TrimSpace(s)
	percent := strings.HasSuffix(s, "%")
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.Is(unicode.Sc, r) || unicode.IsSpace(r) })
	thousands := byte(',')
	if decimal == ',' {
		thousands = '.'
	}
	var b strings.Builder
	b.Grow(len(s))
	seenDecimal := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == '-' && b.Len() == 0, c == '+' && b.Len() == 0:
			b.WriteByte(c)
		case c == decimal && !seenDecimal:
			seenDecimal = true
			b.WriteByte('.')
		case c == thousands && !seenDecimal && b.Len() > 0:
			// 1,234: the separator must be followed by exactly three digits.
			if !digits3(s[i+1:]) {
				return "", false, fmt.Errorf("%q is not a number", s)
			}
		case c == '\'' || c == ' ' || c == 0xa0:
			// Swiss and French thousands separators.
		case (c == 'e' || c == 'E') && b.Len() > 0:
			b.WriteByte(c)
		default:
			return "", false, fmt.Errorf("%q is not a number", s)
		}
	}
	if b.Len() == 0 {
		return "", false, fmt.Errorf("%q is not a number", s)
	}
	return b.String(), percent, nil
}

func digits3(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := range 3 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) == 3 || s[3] < '0' || s[3] > '9'
}

// parseAmount reads a money amount or rate; a percentage becomes a
// fraction.
func parseAmount(s string, decimal byte) (float64, error) {
	clean, percent, err := cleanNumber(s, decimal)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(clean, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if percent {
		v /= 100
	}
	return v, nil
}

var errNegative = errors.New("must not be negative")

// parseCount reads a whole, non-negative count such as "1,234" or "12.0".
func parseCount(s string, decimal byte) (uint64, error) {
	clean, percent, err := cleanNumber(s, decimal)
	if err != nil {
		return 0, err
	}
	if percent {
		return 0, fmt.Errorf("%q is a percentage, not a count: map the column of the count", s)
	}
	if n, err := strconv.ParseUint(strings.TrimPrefix(clean, "+"), 10, 64); err == nil {
		return n, nil
	}
	v, err := strconv.ParseFloat(clean, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a number", s)
	case v < 0:
		return 0, errNegative
	case v != math.Trunc(v):
		return 0, fmt.Errorf("%q is not a whole number", s)
	case v >= math.MaxUint64:
		return 0, fmt.Errorf("%q is too large", s)
	}
	return uint64(v), nil
}

// parseTime reads s with the first layout that fits. Layouts without a
// zone are read in loc.
func parseTime(s string, layouts []string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q does not match the date format %s", s, describeLayouts(layouts))
}

func describeLayouts(layouts []string) string {
	if len(layouts) == 1 {
		return strconv.Quote(layouts[0])
	}
	qs := make([]string, len(layouts))
	for i, l := range layouts {
		qs[i] = strconv.Quote(l)
	}
	return "(one of " + strings.Join(qs, ", ") + ")"
}

// Default layouts when a mapping names none: RFC 3339 and the common
// unambiguous forms.
var defaultLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04 -0700",
}

// dateTokens translate the date_format people write (YYYY-MM-DD HH:mm)
// into Go layouts, longest token first.
var dateTokens = []struct{ token, layout string }{
	{"YYYY", "2006"}, {"MMMM", "January"}, {"dddd", "Monday"}, {"MMM", "Jan"}, {"ddd", "Mon"},
	{"YY", "06"}, {"MM", "01"}, {"DD", "02"}, {"HH", "15"}, {"hh", "03"}, {"mm", "04"}, {"ss", "05"},
	{"SSS", "000"}, {"ZZ", "-0700"}, {"Z", "-07:00"}, {"M", "1"}, {"D", "2"}, {"h", "3"}, {"A", "PM"}, {"a", "pm"},
}

// Layout turns a date_format into a Go time layout. A format that already
// is a Go layout (it contains 2006) is returned as is.
func Layout(format string) (string, error) {
	if strings.TrimSpace(format) == "" {
		return "", errors.New("empty date format")
	}
	if strings.Contains(format, "2006") {
		return format, nil
	}
	var b strings.Builder
	year := false
	for i := 0; i < len(format); {
		matched := false
		for _, t := range dateTokens {
			if strings.HasPrefix(format[i:], t.token) {
				b.WriteString(t.layout)
				i += len(t.token)
				year = year || t.token == "YYYY" || t.token == "YY"
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := format[i]
		// Letters that are no token would be misread by time.Parse as
		// layout elements or mean nothing: refuse them, but for ISO
		// 8601's T.
		if c != 'T' && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return "", fmt.Errorf("date format %q: %q at %d is not one of YYYY YY MMMM MMM MM M DD D HH hh h mm ss SSS A Z ZZ", format, c, i)
		}
		b.WriteByte(c)
		i++
	}
	if !year {
		return "", fmt.Errorf("date format %q has no year (YYYY)", format)
	}
	return b.String(), nil
}
