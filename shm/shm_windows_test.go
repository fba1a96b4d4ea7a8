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
		name, kind string
		access     Access
		op         string
		right      string
	}{
		{`Global\x`, "file mapping", ReadWrite, "create", "SeCreateGlobalPrivilege"},
		{`Global\x`, "event", ReadWrite, "create", "SeCreateGlobalPrivilege"},
		{`Global\x`, "file mapping", ReadWrite, "open", "FILE_MAP_WRITE"},
		{`Local\x`, "file mapping", ReadOnly, "open", "FILE_MAP_READ"},
		{`Local\x`, "event", ReadWrite, "open", "SYNCHRONIZE and EVENT_MODIFY_STATE"},
		{`Local\x`, "mutex", ReadWrite, "open", "SYNCHRONIZE"},
	}
	for _, c := range cases {
		var e *Error
		if err := winError(c.name, c.kind, c.op, c.access, windows.ERROR_ACCESS_DENIED); !errors.As(err, &e) || !errors.Is(err, ErrAccessDenied) || e.Right != c.right {
			t.Errorf("%s %s %q: %v, want right %s", c.op, c.kind, c.name, err, c.right)
		}
	}
}

// TestWindowsSecurityDescriptor: a created section carries a protected DACL for this user and SYSTEM only, or
// the caller's SDDL; a malformed SDDL is ErrInvalid.
func TestWindowsSecurityDescriptor(t *testing.T) {
	user, _ := windows.GetCurrentProcessToken().GetTokenUser()
	for _, c := range []struct{ sddl, want string }{
		{"", "D:P(A;;GA;;;" + user.User.Sid.String() + ")(A;;GA;;;SY)"},
		{"D:P(A;;GA;;;" + user.User.Sid.String() + ")(A;;GR;;;BU)", "(A;;GR;;;BU)"},
	} {
		m, err := Open(Options{Name: `Local\shmbridge-win-sd`, Size: 4096, SDDL: c.sddl})
		if err != nil {
			t.Fatal(err)
		}
		sd, err := windows.GetSecurityInfo(m.os.h, windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION)
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Wine and Windows spell generic rights in a DACL read back differently; compare the SIDs and flags.
		got := sd.String()
		if !strings.HasPrefix(got, "D:P") || !strings.Contains(got, strings.SplitN(strings.TrimPrefix(c.want, "D:P"), ";;;", 2)[1]) {
			t.Errorf("SDDL %q: section DACL %s, want %s", c.sddl, got, c.want)
		}
	}
	if _, err := Open(Options{Name: `Local\shmbridge-win-sd`, Size: 4096, SDDL: "D:(nonsense"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("malformed SDDL: %v", err)
	}
}
