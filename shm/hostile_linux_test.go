package shm_test

// Linux only: what other local processes can do to /dev/shm under the daemon (truncate its objects, put a
// FIFO where a name is expected, fill the file system) must end in errors, never in a crash or a hang.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/shmbridge/shmbridge/shm"
)

// TestTruncatedEventAndMutex: another process cuts an event or a mutex object to 0 bytes. Reading its state,
// setting or pulsing it, a wait already under way, a new wait and taking the mutex all answer ErrFault (one
// answer for one broken object); the daemon lives on.
func TestTruncatedEventAndMutex(t *testing.T) {
	name := fmt.Sprintf("shmbridge-trunc-ev-%d", os.Getpid())
	ev, err := shm.OpenEvent(shm.EventOptions{Name: name, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ev.Close(); shm.Unlink(name) })
	waited := make(chan error, 1)
	go func() { _, err := ev.Wait(context.Background(), 10*time.Second); waited <- err }()
	for ev.Waiters() != 1 {
		runtime.Gosched()
	}
	if err := os.Truncate(filepath.Join(shm.ShmDir, name), 0); err != nil {
		t.Fatal(err)
	}
	// The wait loop finds the object cut at its next look (at the latest its 100 ms backstop), long before the
	// wait's own timeout.
	if err := <-waited; !errors.Is(err, shm.ErrFault) {
		t.Errorf("the wait under way: %v, want ErrFault", err)
	}
	if _, err := ev.Wait(context.Background(), time.Second); !errors.Is(err, shm.ErrFault) {
		t.Errorf("a new wait on a truncated event: %v, want ErrFault", err)
	}
	if _, known := ev.State(); known {
		t.Error("a truncated event reports a known state")
	}
	if err := ev.Set(); !errors.Is(err, shm.ErrFault) {
		t.Errorf("Set on a truncated event: %v, want ErrFault", err)
	}
	if err := ev.Pulse(); !errors.Is(err, shm.ErrFault) {
		t.Errorf("Pulse on a truncated event: %v, want ErrFault", err)
	}

	mname := fmt.Sprintf("shmbridge-trunc-mx-%d", os.Getpid())
	mu, err := shm.OpenMutex(shm.MutexOptions{Name: mname, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mu.Close(); shm.Unlink(mname) })
	if err := os.Truncate(filepath.Join(shm.ShmDir, mname), 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := mu.Lock(context.Background(), time.Second); !errors.Is(err, shm.ErrFault) {
		t.Errorf("Lock of a truncated mutex: %v, want ErrFault", err)
	}
	if st := mu.State(); st.Known {
		t.Errorf("a truncated mutex reports a known state: %+v", st)
	}
}

// TestFIFOUnderAName: a FIFO where a name is expected is refused at once ("not a regular file") by every
// open, instead of blocking in open(2) for ever.
func TestFIFOUnderAName(t *testing.T) {
	name := fmt.Sprintf("shmbridge-fifo-%d", os.Getpid())
	path := filepath.Join(shm.ShmDir, name)
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
	opens := map[string]func() error{
		"mapping open read": func() error {
			_, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting, Access: shm.ReadOnly})
			return err
		},
		"mapping open_or_create": func() error {
			_, err := shm.Open(shm.Options{Name: name, Size: 64, Mode: shm.OpenOrCreate})
			return err
		},
		"event open": func() error {
			_, err := shm.OpenEvent(shm.EventOptions{Name: name, Mode: shm.OpenExisting})
			return err
		},
		"mutex open": func() error {
			_, err := shm.OpenMutex(shm.MutexOptions{Name: name, Mode: shm.OpenExisting})
			return err
		},
	}
	for what, open := range opens {
		done := make(chan error, 1)
		go func() { done <- open() }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s of a FIFO: %v, want not a regular file", what, err)
			}
		case <-time.After(30 * time.Second): // an open that blocks on a FIFO blocks for good
			t.Fatalf("%s of a FIFO blocks", what)
		}
	}
}

// TestFullShm: with /dev/shm full, creating an event or a mutex fails with ErrNoSpace instead of dying of SIGBUS
// when the header is written. It needs its own small tmpfs over /dev/shm, so it runs itself again under
// `unshare -m` (root: CI); elsewhere it is skipped, and in CI a missing privilege is a failure.
func TestFullShm(t *testing.T) {
	if os.Getenv("SHMBRIDGE_FULL_SHM") == "inside" {
		fullShmInside(t)
		return
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil || os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI: this test needs root and unshare (%v)", err)
		}
		t.Skip("needs root and unshare(1)")
	}
	cmd := exec.Command(unshare, "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=256k tmpfs /dev/shm && exec "$0" -test.run '^TestFullShm$' -test.v`, os.Args[0])
	cmd.Env = append(os.Environ(), "SHMBRIDGE_FULL_SHM=inside")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestFullShm") {
		t.Fatalf("inside a full tmpfs: %v\n%s", err, out)
	}
}

func fullShmInside(t *testing.T) {
	f, err := os.Create(filepath.Join(shm.ShmDir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fallocate(int(f.Fd()), 0, 0, 1<<20); err != unix.ENOSPC {
		t.Fatalf("filling the 256 KiB tmpfs: %v, want ENOSPC", err)
	}
	for off := int64(0); ; off += 4096 { // take every page there is
		if err := unix.Fallocate(int(f.Fd()), 0, off, 4096); err != nil {
			break
		}
	}
	if _, err := shm.OpenEvent(shm.EventOptions{Name: "E", Mode: shm.Create}); !errors.Is(err, shm.ErrNoSpace) {
		t.Errorf("event create on a full /dev/shm: %v, want ErrNoSpace", err)
	}
	if _, err := shm.OpenMutex(shm.MutexOptions{Name: "M", Mode: shm.Create}); !errors.Is(err, shm.ErrNoSpace) {
		t.Errorf("mutex create on a full /dev/shm: %v, want ErrNoSpace", err)
	}
	for _, n := range []string{"E", "M"} {
		if _, err := os.Stat(filepath.Join(shm.ShmDir, n)); err == nil {
			t.Errorf("a failed create left /dev/shm/%s behind", n)
		}
	}
}

// TestSparseReadsAllocateNothing: reading a region of a /dev/shm object nobody wrote returns zeros and
// allocates no tmpfs page (reads larger than a page go through pread, not through the view); a small read,
// copied from the view, allocates the pages it touches and no more; a create larger than /dev/shm itself is
// refused with ErrNoSpace.
func TestSparseReadsAllocateNothing(t *testing.T) {
	name := fmt.Sprintf("shmbridge-sparse-%d", os.Getpid())
	m, err := shm.Open(shm.Options{Name: name, Size: 64 << 20, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); shm.Unlink(name) })
	if _, err := m.CopyTo(io.Discard, 0, 32<<20); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4097)
	if _, err := m.ReadAt(buf, 40<<20); err != nil || !bytes.Equal(buf, make([]byte, 4097)) {
		t.Fatalf("reading a hole: %v", err)
	}
	allocated := func() int64 {
		var st unix.Stat_t
		if err := unix.Stat(filepath.Join(shm.ShmDir, name), &st); err != nil {
			t.Fatal(err)
		}
		return st.Blocks * 512
	}
	if k := allocated(); k != 0 {
		t.Fatalf("reading 32 MiB nobody wrote allocated %d KiB of tmpfs", k>>10)
	}
	for off := int64(48 << 20); off < 49<<20; off += 1 << 16 { // 16 small reads, each across a page boundary
		if _, err := m.ReadAt(buf[:64], off-32); err != nil || !bytes.Equal(buf[:64], make([]byte, 64)) {
			t.Fatalf("a small read of a hole: %v", err)
		}
	}
	if k := allocated(); k > 16*2*4096 {
		t.Fatalf("16 small reads allocated %d KiB of tmpfs, more than the pages they touch", k>>10)
	}
	if _, err := m.WriteAt([]byte("x"), 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ReadAt(buf[:1], 1<<20); err != nil || buf[0] != 'x' {
		t.Fatalf("a read after a write through the view: %q %v", buf[:1], err)
	}

	var fs unix.Statfs_t
	if err := unix.Statfs(shm.ShmDir, &fs); err != nil {
		t.Fatal(err)
	}
	huge := fmt.Sprintf("shmbridge-huge-%d", os.Getpid())
	_, err = shm.Open(shm.Options{Name: huge, Size: int64(fs.Blocks)*fs.Bsize + 1, Mode: shm.Create})
	if !errors.Is(err, shm.ErrNoSpace) {
		t.Fatalf("a create larger than %s: %v, want ErrNoSpace", shm.ShmDir, err)
	}
	if _, err := os.Stat(filepath.Join(shm.ShmDir, huge)); err == nil {
		t.Error("the refused create left its name behind")
	}
}

// TestOutOfDescriptors: with no file descriptor left, an open is ErrResources (the API's 503 busy: a condition
// of the daemon, not a bad request).
func TestOutOfDescriptors(t *testing.T) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	var held []*os.File
	t.Cleanup(func() {
		for _, f := range held {
			f.Close()
		}
	})
	low := old
	low.Cur = 64
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		held = append(held, f)
	}
	name := fmt.Sprintf("shmbridge-nofd-%d", os.Getpid())
	defer shm.Unlink(name)
	if _, err := shm.Open(shm.Options{Name: name, Size: 64, Mode: shm.Create}); !errors.Is(err, shm.ErrResources) {
		t.Errorf("mapping create with no descriptor left: %v, want ErrResources", err)
	}
	if _, err := shm.OpenEvent(shm.EventOptions{Name: name, Mode: shm.Create}); !errors.Is(err, shm.ErrResources) {
		t.Errorf("event create with no descriptor left: %v, want ErrResources", err)
	}
}
