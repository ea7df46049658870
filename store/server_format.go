package store

import (
	"fmt"
	"math"
	"math/big"
	"net"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// appendPrinted prints v (scanned from a column of type chType) the way
// ClickHouse's text serialization does, so the server backend's Result
// matches the embedded one. top is false inside arrays, tuples and maps,
// where strings, dates and NULLs print as literals ('x', '2024-01-02', NULL).
func appendPrinted(dst []byte, v reflect.Value, chType string, top bool) []byte {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			if top {
				return append(dst, nullText...)
			}
			return append(dst, "NULL"...)
		}
		v = v.Elem()
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case time.Time:
			return appendPrintedTime(dst, x, chType, top)
		case net.IP:
			return appendMaybeQuoted(dst, x.String(), top)
		case big.Int:
			return x.Append(dst, 10)
		case fmt.Stringer:
			// UUID, decimal.Decimal, netip.Addr and friends print as their
			// String; inside composites only Decimal stays unquoted.
			if v.Kind() != reflect.Slice && v.Kind() != reflect.Map {
				return appendMaybeQuoted(dst, x.String(), top || strings.HasPrefix(baseType(chType), "Decimal"))
			}
		}
	}
	switch v.Kind() {
	case reflect.String:
		if top {
			return append(dst, v.String()...)
		}
		return appendQuoted(dst, v.String())
	case reflect.Bool:
		return strconv.AppendBool(dst, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(dst, v.Uint(), 10)
	case reflect.Float32:
		return appendCHFloat(dst, v.Float(), 32)
	case reflect.Float64:
		return appendCHFloat(dst, v.Float(), 64)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 && isStringLike(chType) {
			// []byte from a String/FixedString column.
			return appendMaybeQuoted(dst, string(v.Bytes()), top)
		}
		if elems, ok := tupleTypes(chType); ok {
			dst = append(dst, '(')
			for i := 0; i < v.Len(); i++ {
				if i > 0 {
					dst = append(dst, ',')
				}
				var et string
				if i < len(elems) {
					et = elems[i]
				}
				dst = appendPrinted(dst, v.Index(i), et, false)
			}
			return append(dst, ')')
		}
		elem := arrayElem(chType)
		dst = append(dst, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPrinted(dst, v.Index(i), elem, false)
		}
		return append(dst, ']')
	case reflect.Map:
		keyT, valT := mapTypes(chType)
		keys := v.MapKeys()
		// Go maps lose the server's order; sort for stable output.
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPrinted(dst, k, keyT, false)
			dst = append(dst, ':')
			dst = appendPrinted(dst, v.MapIndex(k), valT, false)
		}
		return append(dst, '}')
	}
	return append(dst, fmt.Sprint(v.Interface())...)
}

func appendMaybeQuoted(dst []byte, s string, top bool) []byte {
	if top {
		return append(dst, s...)
	}
	return appendQuoted(dst, s)
}

func appendPrintedTime(dst []byte, t time.Time, chType string, top bool) []byte {
	var layout string
	switch kind, prec := timeType(chType); kind {
	case timeDate:
		layout = "2006-01-02"
	case timeDateTime64:
		layout = "2006-01-02 15:04:05"
		if prec > 0 {
			layout += "." + strings.Repeat("0", prec)
		}
	default:
		layout = "2006-01-02 15:04:05"
	}
	if !top {
		dst = append(dst, '\'')
	}
	dst = t.AppendFormat(dst, layout)
	if !top {
		dst = append(dst, '\'')
	}
	return dst
}

// appendCHFloat prints like ClickHouse: shortest round-trip digits, plain
// notation for 1e-6 ≤ |f| < 1e21 and exponent form (1e21, 1.5e-7) outside,
// nan/inf spelled out.
func appendCHFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.AppendFloat(dst, f, 'f', -1, bits)
	}
	s := strconv.FormatFloat(f, 'e', -1, bits) // 1.5e+21, 1e-07
	mant, exp, _ := strings.Cut(s, "e")
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(exp, "+-0")
	dst = append(dst, mant...)
	dst = append(dst, 'e')
	if neg {
		dst = append(dst, '-')
	}
	return append(dst, exp...)
}

// mapTypes splits Map(K, V) into K and V.
func mapTypes(t string) (string, string) {
	b := baseType(t)
	if !strings.HasPrefix(b, "Map(") || !strings.HasSuffix(b, ")") {
		return "", ""
	}
	args := splitTypeArgs(b[len("Map(") : len(b)-1])
	if len(args) != 2 {
		return "", ""
	}
	return args[0], args[1]
}

// tupleTypes returns the element types of Tuple(…), dropping element names.
func tupleTypes(t string) ([]string, bool) {
	b := baseType(t)
	if !strings.HasPrefix(b, "Tuple(") || !strings.HasSuffix(b, ")") {
		return nil, false
	}
	args := splitTypeArgs(b[len("Tuple(") : len(b)-1])
	for i, a := range args {
		// "name Type": a space before any parenthesis means a named element.
		if sp := strings.IndexByte(a, ' '); sp >= 0 {
			if p := strings.IndexByte(a, '('); p < 0 || sp < p {
				args[i] = strings.TrimSpace(a[sp+1:])
			}
		}
	}
	return args, true
}

// splitTypeArgs splits a type's argument list on top-level commas.
func splitTypeArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
