package shm

// Linux-only: POSIX objects outlive their handles, carry file modes, and can be truncated under a live view by
// another process. None of that exists for Windows sections.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestLinuxObjectIsPrivateAndOutlivesHandles(t *testing.T) {
	name := `Global\shmbridge-linux-` + t.Name()
	m, err := Open(Options{Name: name, Size: 4096})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(ShmDir, "shmbridge-linux-"+t.Name())
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 || st.Size() != 4096 {
		t.Fatalf("stat %s: %v %v", path, st, err)
	}
	m.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("object gone after Close (it should outlive handles until unlinked): %v", err)
	}
	if err := Unlink(`Local\shmbridge-linux-` + t.Name()); err != nil { // any prefix names the same object
		t.Fatal(err)
	}
	if err := Unlink(name); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second unlink: %v", err)
	}
}

func TestLinuxRefusesSymlink(t *testing.T) {
	link := filepath.Join(ShmDir, "shmbridge-linux-"+t.Name())
	if err := os.Symlink("/etc/hostname", link); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(link)
	if _, err := Open(Options{Name: filepath.Base(link), Mode: OpenExisting, Access: ReadOnly}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("opening a symlink in /dev/shm: %v", err)
	}
}

func TestLinuxFileSymlinkCannotEscapeRoot(t *testing.T) {
	dir := t.TempDir()
	os.Symlink("/etc/hostname", filepath.Join(dir, "out"))
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	_, err := Open(Options{Name: "shmbridge-linux-esc", Mode: OpenExisting, Access: ReadOnly, File: "out", Root: root})
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("symlink out of the files root: %v, want ErrAccessDenied", err)
	}
}

// TestLinuxTruncatedUnderView: another process shrinks the object; copies past the new end are refused with
// ErrOutOfRange (fstat before each write, pread's end or the fault guard for reads) instead of raising SIGBUS.
func TestLinuxTruncatedUnderView(t *testing.T) {
	name := "shmbridge-linux-" + t.Name()
	m, err := Open(Options{Name: name, Size: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer Unlink(name)
	defer m.Close()
	if err := os.Truncate(filepath.Join(ShmDir, name), 4096); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8192)
	if _, err := m.ReadAt(buf, 0); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("read past the truncated end: %v", err)
	}
	if _, err := m.ReadAt(buf[:4096], 0); err != nil {
		t.Fatalf("read within the remaining object: %v", err)
	}
	// A small read copies from the view (no pread to stop at the end): it faults, and is told apart from other
	// faults by the size.
	if _, err := m.ReadAt(buf[:64], 8192); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("a small read past the truncated end: %v", err)
	}
	if _, err := m.ReadAt(buf[:64], 4096-64); err != nil {
		t.Fatalf("a small read ending at the truncated end: %v", err)
	}
}

// TestGuardTurnsFaultIntoError touches a view whose file was truncated behind it, bypassing the size check:
// the SIGBUS becomes an error.
func TestGuardTurnsFaultIntoError(t *testing.T) {
	f, err := os.CreateTemp(ShmDir, "shmbridge-fault-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	f.Truncate(2 * 4096)
	view, err := unix.Mmap(int(f.Fd()), 0, 2*4096, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(view)
	f.Truncate(0)
	buf := make([]byte, 4096)
	if err := guard(func() { copy(buf, view[4096:]) }); err == nil {
		t.Fatal("no error from a copy out of a truncated mapping")
	}
	// Other panics are not swallowed.
	defer func() {
		if recover() == nil {
			t.Fatal("guard swallowed a non-fault panic")
		}
	}()
	guard(func() { panic("not a fault") })
}

// TestLinuxForeignOwnerIsReadOnly: an object another user made (perhaps ahead of us) cannot be opened for
// writing, and the error names the owner; reading it is allowed.
func TestLinuxForeignOwnerIsReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root, which this test needs to give an object to another user")
		}
		t.Skip("needs root to chown an object to another user")
	}
	name := "shmbridge-linux-" + t.Name()
	path := filepath.Join(ShmDir, name)
	if err := os.WriteFile(path, make([]byte, 4096), 0o666); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{OpenExisting, OpenOrCreate} {
		_, err := Open(Options{Name: name, Size: 4096, Mode: mode})
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrAccessDenied) || !strings.Contains(e.Detail, "uid 65534") {
			t.Fatalf("read_write open (%v) of another user's object: %v", mode, err)
		}
	}
	m, err := Open(Options{Name: name, Mode: OpenExisting, Access: ReadOnly})
	if err != nil {
		t.Fatalf("read-only open of another user's object: %v", err)
	}
	m.Close()
}

func TestLinuxRefusesSDDL(t *testing.T) {
	if _, err := Open(Options{Name: "shmbridge-linux-sddl", Size: 64, SDDL: "D:P(A;;GA;;;WD)"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an SDDL on Linux: %v", err)
	}
}
