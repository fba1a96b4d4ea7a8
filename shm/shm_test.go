package shm_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// testName returns a name unique to this process and test, so parallel runs and leftovers never collide.
func testName(t *testing.T) string {
	return fmt.Sprintf("shmbridge-test-%d-%s", os.Getpid(), regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
}

// create makes a mapping that is closed (and on Linux unlinked) when the test ends.
func create(t *testing.T, o shm.Options) *shm.Mapping {
	t.Helper()
	m, err := shm.Open(o)
	if err != nil {
		t.Fatalf("Open(%+v): %v", o, err)
	}
	t.Cleanup(func() {
		m.Close()
		shm.Unlink(o.Name)
	})
	return m
}

func mustErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

func TestCreateWriteReadClose(t *testing.T) {
	name := `Local\` + testName(t)
	m := create(t, shm.Options{Name: name, Size: 100})
	if !m.Created() || m.RequestedSize() != 100 || m.Size() != 100 || m.MappedSize() < 100 {
		t.Fatalf("created=%v requested=%d size=%d mapped=%d", m.Created(), m.RequestedSize(), m.Size(), m.MappedSize())
	}
	if _, err := m.WriteAt([]byte("hello"), 95); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := m.ReadAt(got, 95); err != nil || string(got) != "hello" {
		t.Fatalf("ReadAt = %q, %v", got, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := m.ReadAt(got, 0)
	mustErr(t, err, shm.ErrClosed)
	mustErr(t, m.Close(), shm.ErrClosed)
}

func TestCreateExistingNameIsErrExists(t *testing.T) {
	name := testName(t)
	create(t, shm.Options{Name: name, Size: 64})
	_, err := shm.Open(shm.Options{Name: name, Size: 64})
	mustErr(t, err, shm.ErrExists)
	if !strings.Contains(err.Error(), "owned by ") {
		t.Errorf("the conflict does not say who owns the name: %v", err)
	}
	// The same object under its Local\ spelling is the same name.
	_, err = shm.Open(shm.Options{Name: `Local\` + name, Size: 64})
	mustErr(t, err, shm.ErrExists)
}

func TestOpenMissingIsErrNotFound(t *testing.T) {
	_, err := shm.Open(shm.Options{Name: testName(t), Mode: shm.OpenExisting})
	mustErr(t, err, shm.ErrNotFound)
}

func TestOpenExistingSharesMemory(t *testing.T) {
	name := `Local\` + testName(t)
	a := create(t, shm.Options{Name: name, Size: 5000})
	b, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Created() || b.RequestedSize() != 0 || b.MappedSize() < 5000 || b.Size() != b.MappedSize() {
		t.Fatalf("created=%v requested=%d size=%d mapped=%d", b.Created(), b.RequestedSize(), b.Size(), b.MappedSize())
	}
	if _, err := a.WriteAt([]byte("from a"), 4000); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 6)
	if _, err := b.ReadAt(got, 4000); err != nil || string(got) != "from a" {
		t.Fatalf("b sees %q, %v", got, err)
	}
	_, err = shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting, Size: 1 << 20})
	mustErr(t, err, shm.ErrTooSmall)
}

func TestOpenOrCreate(t *testing.T) {
	name := testName(t)
	a := create(t, shm.Options{Name: name, Size: 128, Mode: shm.OpenOrCreate})
	if !a.Created() {
		t.Fatal("first open_or_create did not create")
	}
	b, err := shm.Open(shm.Options{Name: name, Size: 128, Mode: shm.OpenOrCreate})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Created() || b.Size() != 128 {
		t.Fatalf("second open_or_create: created=%v size=%d", b.Created(), b.Size())
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	name := testName(t)
	w := create(t, shm.Options{Name: name, Size: 16})
	w.WriteAt([]byte("ro"), 0)
	r, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting, Access: shm.ReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.WriteAt([]byte("x"), 0)
	mustErr(t, err, shm.ErrReadOnly)
	_, err = r.CopyFrom(bytes.NewReader([]byte("x")), 0, 1)
	mustErr(t, err, shm.ErrReadOnly)
	got := make([]byte, 2)
	if _, err := r.ReadAt(got, 0); err != nil || string(got) != "ro" {
		t.Fatalf("read-only view reads %q, %v", got, err)
	}
}

func TestBoundsWithoutOverflow(t *testing.T) {
	m := create(t, shm.Options{Name: testName(t), Size: 10})
	cases := []struct {
		off, n int64
		ok     bool
	}{
		{0, 10, true}, {10, 0, true}, {9, 1, true}, {0, 0, true},
		{0, 11, false}, {10, 1, false}, {11, 0, false}, {-1, 1, false}, {0, -1, false},
		{math.MaxInt64, 1, false}, {1, math.MaxInt64, false}, {math.MaxInt64, math.MaxInt64, false},
	}
	for _, c := range cases {
		err := m.CheckRange("read", c.off, c.n)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, shm.ErrOutOfRange)) {
			t.Errorf("CheckRange(%d, %d) = %v, want ok=%v", c.off, c.n, err, c.ok)
		}
	}
	_, err := m.ReadAt(make([]byte, 2), 9)
	mustErr(t, err, shm.ErrOutOfRange)
	_, err = m.WriteAt(make([]byte, 11), 0)
	mustErr(t, err, shm.ErrOutOfRange)
}

func TestNames(t *testing.T) {
	long := string(bytes.Repeat([]byte("a"), shm.MaxNameLen))
	for _, name := range []string{"x", `Local\x`, `Global\x`, "with space", "Telemetrie-äöü-日本", long, `Local\` + long} {
		if _, err := shm.Key(name); err != nil {
			t.Errorf("Key(%q) = %v, want ok", name, err)
		}
	}
	bad := []string{"", `Local\`, `Global\`, "a/b", `a\b`, `Local\a\b`, ".", "..", `Local\..`,
		long + "a", "nul\x00", "ctl\x01", "bad\xff", "//a", `Local\/a`, "/"}
	if runtime.GOOS != "linux" {
		bad = append(bad, "/a") // on Linux shm_open's spelling of a (TestShmOpenSpelling)
	}
	for _, name := range bad {
		_, err := shm.Key(name)
		mustErr(t, err, shm.ErrInvalidName)
		_, err = shm.Open(shm.Options{Name: name, Size: 1})
		mustErr(t, err, shm.ErrInvalidName)
	}
	if runtime.GOOS == "linux" {
		if a, b := mustKey(t, "/T"), mustKey(t, "T"); a != b {
			t.Errorf(`Key("/T") = %q, Key("T") = %q: shm_open's spelling is the same object`, a, b)
		}
	}
	a, _ := shm.Key("T")
	b, _ := shm.Key(`Local\T`)
	if a != b {
		t.Errorf(`Key("T") = %q, Key("Local\T") = %q: want the same object`, a, b)
	}
}

func TestInvalidOptions(t *testing.T) {
	name := testName(t)
	for _, o := range []shm.Options{
		{Name: name},           // create without a size
		{Name: name, Size: -1}, // negative
		{Name: name, Size: 1, Mode: 7},
		{Name: name, Size: 1, Access: 9},
		{Name: name, Size: 1 << 62},
	} {
		_, err := shm.Open(o)
		mustErr(t, err, shm.ErrInvalid)
	}
	_, err := shm.Open(shm.Options{Name: name, Size: 1, File: "f"})
	mustErr(t, err, shm.ErrAccessDenied) // no files root configured
}

func TestLargerThan4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("maps 5 GiB of sparse memory")
	}
	const size = 5 << 30
	m := create(t, shm.Options{Name: testName(t), Size: size})
	if m.MappedSize() < size {
		t.Fatalf("mapped %d bytes, want >= %d (high DWORD lost?)", m.MappedSize(), int64(size))
	}
	if _, err := m.WriteAt([]byte("past 4 GiB"), 4<<30+12345); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 10)
	if _, err := m.ReadAt(got, 4<<30+12345); err != nil || string(got) != "past 4 GiB" {
		t.Fatalf("ReadAt = %q, %v", got, err)
	}
}

func TestCopyToFromStream(t *testing.T) {
	const size = 1<<20 + 12345 // several chunks and a ragged end
	m := create(t, shm.Options{Name: testName(t), Size: size})
	src := make([]byte, size-7)
	for i := range src {
		src[i] = byte(i * 7)
	}
	if n, err := m.CopyFrom(bytes.NewReader(src), 7, int64(len(src))); err != nil || n != int64(len(src)) {
		t.Fatalf("CopyFrom = %d, %v", n, err)
	}
	var out bytes.Buffer
	if n, err := m.CopyTo(&out, 7, int64(len(src))); err != nil || n != int64(len(src)) {
		t.Fatalf("CopyTo = %d, %v", n, err)
	}
	if !bytes.Equal(out.Bytes(), src) {
		t.Fatal("bytes differ after a round trip")
	}
	// Too long: refused before anything is read or written.
	r := bytes.NewReader(make([]byte, 10))
	_, err := m.CopyFrom(r, size-5, 10)
	mustErr(t, err, shm.ErrOutOfRange)
	if r.Len() != 10 {
		t.Fatal("CopyFrom consumed input before refusing the range")
	}
	// Short input: io.ErrUnexpectedEOF.
	if _, err := m.CopyFrom(bytes.NewReader([]byte("abc")), 0, 10); err == nil {
		t.Fatal("short reader accepted")
	}
}

// TestCloseDuringCopies closes a mapping while goroutines copy in and out of it: every copy either succeeds or
// reports ErrClosed, and none touches the unmapped view (which would crash the test binary).
func TestCloseDuringCopies(t *testing.T) {
	for round := range 20 {
		m, err := shm.Open(shm.Options{Name: fmt.Sprintf("%s-%d", testName(t), round), Size: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 64<<10)
				for i := 0; ; i++ {
					var err error
					switch (g + i) % 3 {
					case 0:
						_, err = m.ReadAt(buf, int64(i%16)<<16)
					case 1:
						_, err = m.WriteAt(buf, int64(i%16)<<16)
					default:
						_, err = m.CopyTo(discard{}, 0, 1<<20)
					}
					if err != nil {
						if !errors.Is(err, shm.ErrClosed) {
							errs <- err
						}
						return
					}
				}
			}()
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		shm.Unlink(m.Name())
		close(errs)
		for err := range errs {
			t.Errorf("copy racing Close: %v", err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestFileBacked(t *testing.T) {
	dir := testutil.TempDir(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	name := testName(t)
	m := create(t, shm.Options{Name: name, Size: 8192, File: "data.bin", Root: root})
	if m.File() != "data.bin" || !m.Created() {
		t.Fatalf("file=%q created=%v", m.File(), m.Created())
	}
	if _, err := m.WriteAt([]byte("persisted"), 100); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	m.Close()
	data, err := os.ReadFile(filepath.Join(dir, "data.bin"))
	if err != nil || len(data) != 8192 || string(data[100:109]) != "persisted" {
		t.Fatalf("file holds %d bytes (%q at 100), %v", len(data), data[100:109], err)
	}
	// Creating over an existing file is a conflict; opening it sees the bytes.
	_, err = shm.Open(shm.Options{Name: name + "-2", Size: 8192, File: "data.bin", Root: root})
	mustErr(t, err, shm.ErrExists)
	o := create(t, shm.Options{Name: name + "-3", Mode: shm.OpenExisting, File: "data.bin", Root: root})
	got := make([]byte, 9)
	if _, err := o.ReadAt(got, 100); err != nil || string(got) != "persisted" || o.Size() != 8192 {
		t.Fatalf("reopened: %q size %d, %v", got, o.Size(), err)
	}
	_, err = shm.Open(shm.Options{Name: name + "-4", Mode: shm.OpenExisting, File: "missing.bin", Root: root})
	mustErr(t, err, shm.ErrNotFound)
	// A path out of the root is access denied (403) by its spelling (through a symbolic link too: Linux,
	// TestLinuxFileSymlinkCannotEscapeRoot).
	for _, bad := range []string{"../escape.bin", "a/../../escape.bin", filepath.Join(dir, "abs.bin"), "/etc/passwd"} {
		_, err = shm.Open(shm.Options{Name: name + "-5", Size: 10, Mode: shm.OpenOrCreate, File: bad, Root: root})
		mustErr(t, err, shm.ErrAccessDenied)
	}
}

func mustKey(t *testing.T, name string) string {
	t.Helper()
	k, err := shm.Key(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
