package store

import (
	"strconv"
	"strings"
)

// baseType strips the wrappers that do not change how a value prints:
// Nullable(T) and LowCardinality(T).
func baseType(t string) string {
	for {
		switch {
		case strings.HasPrefix(t, "Nullable(") && strings.HasSuffix(t, ")"):
			t = t[len("Nullable(") : len(t)-1]
		case strings.HasPrefix(t, "LowCardinality(") && strings.HasSuffix(t, ")"):
			t = t[len("LowCardinality(") : len(t)-1]
		default:
			return t
		}
	}
}

// isNullable reports whether a top-level value of type t can be NULL.
func isNullable(t string) bool {
	for {
		switch {
		case strings.HasPrefix(t, "Nullable("):
			return true
		case strings.HasPrefix(t, "LowCardinality(") && strings.HasSuffix(t, ")"):
			t = t[len("LowCardinality(") : len(t)-1]
		default:
			return false
		}
	}
}

// isStringLike reports whether ClickHouse's TabSeparated output escapes a
// value of type t. Only string-ish types are escaped; composite types
// (arrays, tuples, maps) print as literals whose strings are already quoted.
func isStringLike(t string) bool {
	b := baseType(t)
	switch {
	case b == "String", b == "JSON", b == "Object('json')":
		return true
	case strings.HasPrefix(b, "FixedString("),
		strings.HasPrefix(b, "Enum8("),
		strings.HasPrefix(b, "Enum16("),
		strings.HasPrefix(b, "Enum("),
		strings.HasPrefix(b, "JSON("):
		return true
	}
	return false
}

// arrayElem returns T for Array(T), or "" when t is not an array.
func arrayElem(t string) string {
	b := baseType(t)
	if strings.HasPrefix(b, "Array(") && strings.HasSuffix(b, ")") {
		return b[len("Array(") : len(b)-1]
	}
	return ""
}

// timeKind classifies date/time types for encoding and printing.
type timeKind int

const (
	notTime timeKind = iota
	timeDate
	timeDateTime
	timeDateTime64
)

// timeType returns the kind of a date/time type and, for DateTime64(p, …),
// its precision p.
func timeType(t string) (timeKind, int) {
	b := baseType(t)
	switch {
	case b == "Date" || b == "Date32":
		return timeDate, 0
	case b == "DateTime" || strings.HasPrefix(b, "DateTime("):
		return timeDateTime, 0
	case strings.HasPrefix(b, "DateTime64("):
		args := strings.TrimSuffix(b[len("DateTime64("):], ")")
		if i := strings.IndexByte(args, ','); i >= 0 {
			args = args[:i]
		}
		p, err := strconv.Atoi(strings.TrimSpace(args))
		if err != nil || p < 0 || p > 9 {
			p = 3
		}
		return timeDateTime64, p
	}
	return notTime, 0
}

// withoutLowCardinality removes every LowCardinality(…) wrapper, also
// nested ones (Array(LowCardinality(String)) → Array(String)).
func withoutLowCardinality(t string) string {
	const wrap = "LowCardinality("
	for {
		i := strings.Index(t, wrap)
		if i < 0 {
			return t
		}
		depth, end := 1, -1
		for j := i + len(wrap); j < len(t) && end < 0; j++ {
			switch t[j] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					end = j
				}
			}
		}
		if end < 0 {
			return t // unbalanced: leave it for ClickHouse to reject
		}
		t = t[:i] + t[i+len(wrap):end] + t[end+1:]
	}
}
