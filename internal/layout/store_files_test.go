package layout

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// skips collects what a store loading its directory left out.
type skips map[string]error

func (k skips) note(file string, err error) { k[file] = err }

// TestStoreStartReadsOnlyRegularFiles: at start the store reads only regular files of at most MaxSource
// bytes: a symbolic link (to a secret), a file too large (1 GiB, never read), a directory are left out, each
// reported once with its reason, never its contents; the others load.
func TestStoreStartReadsOnlyRegularFiles(t *testing.T) {
	dir := testutil.TempDir(t)
	secret := filepath.Join(testutil.TempDir(t), "secret")
	os.WriteFile(secret, []byte("root:x:0:0:SECRET-CONTENT\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "good.ksy"), ksy("good"), 0o600)
	os.WriteFile(filepath.Join(dir, "big.ksy"), append(ksy("big"), make([]byte, MaxSource)...), 0o600)
	huge, _ := os.Create(filepath.Join(dir, "huge.ksy"))
	if err := huge.Truncate(1 << 30); err != nil { // sparse: no disk, nor memory unless read
		t.Fatal(err)
	}
	huge.Close()
	os.Mkdir(filepath.Join(dir, "sub.ksy"), 0o700)
	want := map[string]error{"big.ksy": ErrFileSize, "huge.ksy": ErrFileSize, "sub.ksy": ErrNotRegular}
	if link := filepath.Join(dir, "link.ksy"); os.Symlink(secret, link) == nil {
		if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			want["link.ksy"] = ErrNotRegular
		} else {
			os.Remove(link) // Wine: os.Symlink succeeds without making a link
		}
	}
	before := heapInUse()
	k := skips{}
	s, err := LoadStore(context.Background(), dir, DefaultLimits, 16, k.note)
	if err != nil {
		t.Fatal(err)
	}
	if grew := int64(heapInUse()) - int64(before); grew > 8<<20 {
		t.Errorf("loading took %d MB of heap: a file too large was read", grew>>20)
	}
	if l := s.List(); len(l) != 1 || l[0].ID != "good" || l[0].Layout == nil {
		t.Fatalf("loaded: %+v", l)
	}
	for file, werr := range want {
		if err := k[file]; !errors.Is(err, werr) {
			t.Errorf("%s: %v, want %v", file, err, werr)
		}
	}
	for file, err := range k {
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "root:") {
			t.Errorf("%s: the reason quotes the file: %v", file, err)
		}
	}
	if len(k) != len(want) {
		t.Errorf("skipped %v, want %v", k, want)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestStoreLoadStops: the loading at start ends as soon as its context does (SIGTERM), even in the middle of
// a compile that takes long.
func TestStoreLoadStops(t *testing.T) {
	dir := testutil.TempDir(t)
	os.WriteFile(filepath.Join(dir, "a.ksy"), ksy("a"), 0o600)
	os.WriteFile(filepath.Join(dir, "b.ksy"), ksy("b"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	var compiles atomic.Int64
	compile := func(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error) {
		if compiles.Add(1) == 1 {
			close(started)
			<-release
		}
		return compileShared(ctx, src, imp, share, lim)
	}
	go func() { <-started; cancel() }()
	s, err := loadStore(ctx, dir, DefaultLimits, 16, nil, compile)
	if !errors.Is(err, context.Canceled) || s != nil {
		t.Fatalf("%v %v", s, err)
	}
	if n := compiles.Load(); n != 1 {
		t.Errorf("%d compiles after the cancel, want the one under way", n)
	}
}

// TestStoreMemory: what a store holds after loading large layouts (two at the size cap, two that import them, a
// file of 64 MiB and one of 1 GiB left out), measured as heap in use; one compile each; a later PUT of an
// unrelated layout compiles it alone.
func TestStoreMemory(t *testing.T) {
	dir := testutil.TempDir(t)
	var total int
	for i := range 2 {
		big, top := fmt.Sprintf("big%d", i), fmt.Sprintf("top%d", i)
		src := bigLayout(big, MaxSource-64)
		total += len(src)
		os.WriteFile(filepath.Join(dir, big+".ksy"), src, 0o600)
		os.WriteFile(filepath.Join(dir, top+".ksy"), ksy(top, big), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "mid.ksy"), make([]byte, 64<<20), 0o600)
	huge, _ := os.Create(filepath.Join(dir, "huge.ksy"))
	huge.Truncate(1 << 30)
	huge.Close()
	var compiles atomic.Int64
	count := func(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error) {
		compiles.Add(1)
		return compileShared(ctx, src, imp, share, lim)
	}
	before := heapInUse()
	s, err := loadStore(context.Background(), dir, DefaultLimits, 16, nil, count)
	if err != nil {
		t.Fatal(err)
	}
	grew := int64(heapInUse()) - int64(before)
	t.Logf("%d bytes of source: %d MB of heap in use after loading, %d compiles", total, grew>>20, compiles.Load())
	if n := compiles.Load(); n != 4 {
		t.Errorf("%d compiles at start, want 4", n)
	}
	if grew > 30*int64(total) {
		t.Errorf("%d MB of heap for %d bytes of source", grew>>20, total)
	}
	n := compiles.Load()
	mustPut(t, s, "small", ksy("small"))
	if d := compiles.Load() - n; d != 1 {
		t.Errorf("a PUT of an unrelated layout: %d compiles, want 1", d)
	}
	runtime.KeepAlive(s)
}

// bigLayout is a layout of about size bytes of source: one type of many u4 fields.
func bigLayout(id string, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "meta:\n  id: %s\n  endian: le\nseq:\n  - id: body\n    type: body\ntypes:\n  body:\n    seq:\n", id)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "      - id: field_%06d\n        type: u4\n", i)
	}
	return []byte(b.String())
}
