package shm

//sys ntOpenDirectoryObject(handle *windows.Handle, access uint32, attrs *windows.OBJECT_ATTRIBUTES) (ntstatus error) = ntdll.NtOpenDirectoryObject
//sys ntQueryDirectoryObject(handle windows.Handle, buf *byte, bufLen uint32, single bool, restart bool, context *uint32, retLen *uint32) (ntstatus error) = ntdll.NtQueryDirectoryObject

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

const directoryQuery = 0x0001 // DIRECTORY_QUERY

// objectDirectoryInformation is OBJECT_DIRECTORY_INFORMATION: one entry of NtQueryDirectoryObject's answer.
type objectDirectoryInformation struct {
	name, typeName windows.NTUnicodeString
}

// kinds maps the object manager's type names to the kinds this package opens.
var kinds = map[string]Kind{"Section": KindMapping, "Event": KindEvent, "Mutant": KindMutex}

// listObjects reads the object manager's directories the way WinObj does: the global \BaseNamedObjects
// (Global\ names) and, outside session 0, this session's \Sessions\N\BaseNamedObjects (Local\ names). In
// session 0 the two are one directory, listed as Global\. Symbolic links and subdirectories (the
// namespace's own plumbing: Global, Local, Session) are left out.
func listObjects(visit func(Object)) error {
	var session uint32
	if err := windows.ProcessIdToSessionId(windows.GetCurrentProcessId(), &session); err != nil {
		return &Error{Op: "list", Name: `\BaseNamedObjects`, Err: ErrInvalid, OSErr: err, Detail: "ProcessIdToSessionId"}
	}
	if err := listDirectory(`\BaseNamedObjects`, `Global\`, visit); err != nil || session == 0 {
		return err
	}
	return listDirectory(fmt.Sprintf(`\Sessions\%d\BaseNamedObjects`, session), `Local\`, visit)
}

// listDirectory passes visit the objects of the object directory dir, their names prefixed with prefix.
func listDirectory(dir, prefix string, visit func(Object)) error {
	fail := func(err error) error {
		e := &Error{Op: "list", Name: dir, Err: ErrInvalid, OSErr: err, Detail: "object directory " + dir}
		if errors.Is(err, windows.STATUS_ACCESS_DENIED) {
			e.Err, e.Right = ErrAccessDenied, "DIRECTORY_QUERY on "+dir
		}
		return e
	}
	name, err := windows.NewNTUnicodeString(dir)
	if err != nil {
		return fail(err)
	}
	attrs := windows.OBJECT_ATTRIBUTES{ObjectName: name, Attributes: windows.OBJ_CASE_INSENSITIVE}
	attrs.Length = uint32(unsafe.Sizeof(attrs))
	var h windows.Handle
	if err := ntOpenDirectoryObject(&h, directoryQuery, &attrs); err != nil {
		return fail(err)
	}
	defer windows.CloseHandle(h)
	// One entry per call: Wine answers only that way, and a buffer of one entry needs no arithmetic.
	buf := make([]byte, 2*64<<10+1024) // an entry and its two strings, each at most 64 KiB
	var ctx, n uint32
	for restart := true; ; restart = false {
		err := ntQueryDirectoryObject(h, &buf[0], uint32(len(buf)), true, restart, &ctx, &n)
		if err == windows.STATUS_NO_MORE_ENTRIES {
			break
		}
		if err != nil {
			return fail(err)
		}
		e := (*objectDirectoryInformation)(unsafe.Pointer(&buf[0]))
		if typ := e.typeName.String(); typ != "SymbolicLink" && typ != "Directory" {
			o := Object{Name: prefix + e.name.String(), Kind: kinds[typ], Type: typ, Size: -1}
			if !validUTF16(unsafe.Slice(e.name.Buffer, e.name.Length/2)) {
				o.Unusable = "not valid UTF-16: no UTF-8 name reaches it" // String() put U+FFFD in its place
			}
			visit(o)
		}
	}
	return nil
}

// validUTF16 reports whether u has no unpaired surrogate.
func validUTF16(u []uint16) bool {
	for i := 0; i < len(u); i++ {
		switch {
		case u[i] >= 0xd800 && u[i] < 0xdc00 && i+1 < len(u) && u[i+1] >= 0xdc00 && u[i+1] < 0xe000:
			i++
		case u[i] >= 0xd800 && u[i] < 0xe000:
			return false
		}
	}
	return true
}
