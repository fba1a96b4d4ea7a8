package record

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// FuzzReader: any file is read without a panic, its frames the size of its range, or a FormatError; what
// the reader takes in memory is bounded by the header's range, not by what a record claims.
func FuzzReader(f *testing.F) {
	dir := testutil.TempDir(f)
	path := filepath.Join(dir, "seed.shmrec")
	w, err := Create(path, Header{Length: 16, Started: time.Unix(1, 0)})
	if err != nil {
		f.Fatal(err)
	}
	w.Frame(time.Unix(2, 0), 1, bytes.Repeat([]byte{1}, 16), 1<<20)
	w.Frame(time.Unix(3, 0), 2, append(bytes.Repeat([]byte{1}, 15), 2), 1<<20)
	w.Close(End{Reason: ReasonStopped})
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)-7])
	f.Add([]byte(Magic))
	withImports := filepath.Join(dir, "imports.shmrec")
	if w, err := Create(withImports, Header{Length: 2, LayoutSource: "meta: {id: a, imports: [b]}", LayoutImports: map[string]string{"b": "meta: {id: b}"}}); err == nil {
		w.Frame(time.Unix(2, 0), 0, []byte{1, 2}, 1<<20)
		w.Close(End{Reason: ReasonStopped})
	}
	seed2, _ := os.ReadFile(withImports)
	f.Add(seed2)
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for {
			fr, err := rd.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if _, ok := err.(*FormatError); !ok {
					t.Fatalf("%T %v", err, err)
				}
				return
			}
			if int64(len(fr.Bytes)) != rd.Header().Length {
				t.Fatalf("a frame of %d bytes in a recording of %d", len(fr.Bytes), rd.Header().Length)
			}
		}
	})
}
