package shm_test

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shmbridge/shmbridge/shm"
)

// FuzzKey: any string is either refused with ErrInvalidName or yields a key that is one path component,
// with no NUL, no control character and at most MaxNameLen bytes.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"x", `Local\x`, `Global\x`, "", `Local\`, "..", "a/b", `a\b`, "\x00", "日本", `Local\Global\x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k, err := shm.Key(name)
		if err != nil {
			if !errors.Is(err, shm.ErrInvalidName) {
				t.Fatalf("Key(%q): %v is not ErrInvalidName", name, err)
			}
			return
		}
		base := k[strings.LastIndexByte(k, '\\')+1:]
		if base == "" || base == "." || base == ".." || len(base) > shm.MaxNameLen || strings.ContainsAny(base, "/\\\x00") ||
			!utf8.ValidString(base) || strings.ContainsFunc(base, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("Key(%q) = %q: not a safe name", name, k)
		}
	})
}

// FuzzCheckRange: a range is accepted exactly when 0 <= off and 0 <= n and off+n <= size, computed without
// overflow (big integers here).
func FuzzCheckRange(f *testing.F) {
	const size = 4096
	m, err := shm.Open(shm.Options{Name: fmt.Sprintf("shmbridge-fuzz-%d", os.Getpid()), Size: size})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { m.Close(); shm.Unlink(m.Name()) })
	for _, c := range [][2]int64{{0, 0}, {0, size}, {size, 0}, {1, size}, {-1, 1}, {1 << 62, 1 << 62}, {9223372036854775807, 1}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, off, n int64) {
		err := m.CheckRange("read", off, n)
		end := new(big.Int).Add(big.NewInt(off), big.NewInt(n))
		want := off >= 0 && n >= 0 && end.Cmp(big.NewInt(size)) <= 0
		if (err == nil) != want || err != nil && !errors.Is(err, shm.ErrOutOfRange) {
			t.Fatalf("CheckRange(%d, %d) = %v, want ok=%v", off, n, err, want)
		}
		if want && n <= 64 {
			buf := make([]byte, n)
			if _, err := m.ReadAt(buf, off); err != nil {
				t.Fatalf("ReadAt(%d bytes at %d): %v", n, off, err)
			}
		}
	})
}
