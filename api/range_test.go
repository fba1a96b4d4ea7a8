package api

import (
	"errors"
	"testing"
)

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		h        string
		size     int64
		off, n   int64
		ok, fail bool
	}{
		{"bytes=0-9", 100, 0, 10, true, false},
		{"bytes=90-", 100, 90, 10, true, false},
		{"bytes=90-200", 100, 90, 10, true, false},
		{"bytes=-10", 100, 90, 10, true, false},
		{"bytes=-200", 100, 0, 100, true, false},
		{"bytes=100-", 100, 0, 0, false, true},
		{"bytes=5-4", 100, 0, 100, false, false}, // invalid (RFC 9110 §14.1.1): ignored
		{"bytes=+1-+3", 100, 0, 100, false, false},
		{"bytes=", 100, 0, 100, false, false},
		{"bytes=-", 100, 0, 100, false, false},
		{"bytes= 1-2", 100, 1, 2, true, false},
		{"bytes=-0", 100, 0, 0, false, true},
		{"bytes=x-1", 100, 0, 100, false, false},
		{"bytes=1", 100, 0, 100, false, false},
		{"bytes=99999999999999999999-", 100, 0, 0, false, true},
		{"bytes=0-99999999999999999999", 100, 0, 100, true, false},
		{"bytes=0-1,5-6", 100, 0, 100, false, false}, // several ranges: ignored
		{"Bytes=0-1", 100, 0, 2, true, false},        // the unit is case-insensitive (RFC 9110 §14.1)
		{"BYTES=90-", 100, 90, 10, true, false},
		{"items=0-1", 100, 0, 100, false, false},  // another unit: ignored
		{"bytes =0-1", 100, 0, 100, false, false}, // not a unit
		{"items=0-1", 100, 0, 100, false, false},  // another unit: ignored
	} {
		off, n, ok, err := parseRange(c.h, c.size)
		if ok != c.ok || (err != nil) != c.fail || (ok && (off != c.off || n != c.n)) {
			t.Errorf("parseRange(%q, %d) = %d, %d, %v, %v", c.h, c.size, off, n, ok, err)
		}
	}
}

// FuzzParseRange: whatever the header, a satisfiable range lies within the mapping and is not empty; an
// unsatisfiable one is out-of-range (416).
func FuzzParseRange(f *testing.F) {
	for _, h := range []string{"bytes=0-9", "bytes=-5", "bytes=9-", "bytes=5-4", "bytes=0-1,2-3", "bytes=-9223372036854775808", "bytes=9223372036854775807-"} {
		f.Add(h, int64(100))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
		off, n, ok, err := parseRange(h, size)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.ptype != probOutOfRange {
				t.Fatalf("parseRange(%q, %d): %v", h, size, err)
			}
			return
		}
		if ok && (off < 0 || n <= 0 || off > size || n > size-off) {
			t.Fatalf("parseRange(%q, %d) = %d, %d: outside the mapping", h, size, off, n)
		}
	})
}
