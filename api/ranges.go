package api

import (
	"fmt"
	"strconv"
	"strings"
)

// parseRange parses a single-range "bytes=" header against size (RFC 9110 §14.1.2). ok is false when the
// header is to be ignored (another unit, or several ranges: serving the whole is allowed).
func parseRange(h string, size int64) (off, n int64, ok bool, err *apiError) {
	// The unit is case-insensitive (RFC 9110 §14.1): Bytes= is bytes=.
	unit, spec, found := strings.Cut(h, "=")
	if !found || !strings.EqualFold(unit, "bytes") || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	// RFC 9110 §14.1.1: positions are digits only; a range whose last position is before its first, or with
	// neither, is invalid, and an invalid Range is ignored (the whole body, 200). A valid one that starts past
	// the end is unsatisfiable (416).
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found || first == "" && !digits(last) || first != "" && (!digits(first) || last != "" && !digits(last)) {
		return 0, size, false, nil
	}
	bad := fail(probOutOfRange, fmt.Sprintf("range %q not satisfiable for %d bytes", h, size))
	if first == "" { // suffix: the last N bytes
		k, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil {
			k = size // more digits than int64 holds: more than the whole
		}
		if k <= 0 || size == 0 {
			return 0, 0, false, bad
		}
		k = min(k, size)
		return size - k, k, true, nil
	}
	a, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil || a >= size {
		return 0, 0, false, bad
	}
	b := size - 1
	if last != "" {
		lb, perr := strconv.ParseInt(last, 10, 64)
		switch {
		case perr != nil: // past int64: past the end
		case lb < a:
			return 0, size, false, nil // invalid: ignored
		default:
			b = min(lb, size-1)
		}
	}
	return a, b - a + 1, true, nil
}
