package shm_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/shmbridge/shmbridge/shm"
)

// BenchmarkRead64MiB: the daemon's read path (pread through the descriptor, 256 KiB chunks, so holes allocate
// nothing) against the plain copy from a mapped view it replaced, on the same written 64 MiB /dev/shm object.
//
//	go test ./shm -run '^$' -bench Read64MiB -count 8 | tee read.txt && go tool benchstat read.txt
func BenchmarkRead64MiB(b *testing.B) {
	const size = 64 << 20
	name := fmt.Sprintf("shmbridge-bench-read-%d", os.Getpid())
	m, err := shm.Open(shm.Options{Name: name, Size: size, Mode: shm.Create})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { m.Close(); shm.Unlink(name) }()
	page := make([]byte, 1<<20)
	for i := range page {
		page[i] = byte(i)
	}
	for off := int64(0); off < size; off += int64(len(page)) {
		if _, err := m.WriteAt(page, off); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("pread", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if _, err := m.CopyTo(io.Discard, 0, size); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("view-copy", func(b *testing.B) {
		f, err := os.Open(filepath.Join(shm.ShmDir, name))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		view, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			b.Fatal(err)
		}
		defer unix.Munmap(view)
		buf := make([]byte, 256<<10)
		b.SetBytes(size)
		for b.Loop() {
			for off := 0; off < size; off += len(buf) {
				io.Discard.Write(buf[:copy(buf, view[off:])])
			}
		}
	})
}
