package shm

// Windows-only: mappings share the kernel namespace with events and mutexes, and Global\ needs a privilege.

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

func TestWindowsNameHeldByEvent(t *testing.T) {
	name := `Local\shmbridge-win-` + t.Name()
	p, _ := windows.UTF16PtrFromString(name)
	ev, err := windows.CreateEvent(nil, 1, 0, p)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(ev)
	for _, mode := range []Mode{Create, OpenExisting, OpenOrCreate} {
		_, err = Open(Options{Name: name, Size: 4096, Mode: mode})
		if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "another kind of object") {
			t.Errorf("mode %v on a name held by an event: %v", mode, err)
		}
	}
}

// TestWindowsAccessDeniedNamesTheRight: Wine grants everything, so feed the OS error to the mapping directly.
func TestWindowsAccessDeniedNamesTheRight(t *testing.T) {
	cases := []struct {
		o     Options
		op    string
		right string
	}{
		{Options{Name: `Global\x`, Size: 1}, "create", "SeCreateGlobalPrivilege"},
		{Options{Name: `Global\x`, Mode: OpenExisting}, "open", "FILE_MAP_WRITE"},
		{Options{Name: `Local\x`, Mode: OpenExisting, Access: ReadOnly}, "open", "FILE_MAP_READ"},
	}
	for _, c := range cases {
		var e *Error
		if err := winError(c.o, c.op, windows.ERROR_ACCESS_DENIED); !errors.As(err, &e) || !errors.Is(err, ErrAccessDenied) || e.Right != c.right {
			t.Errorf("%s %q: %v, want right %s", c.op, c.o.Name, err, c.right)
		}
	}
}
