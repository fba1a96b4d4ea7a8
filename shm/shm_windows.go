//go:build windows

package shm

//sys openFileMapping(desiredAccess uint32, inheritHandle bool, name *uint16) (handle windows.Handle, err error) = kernel32.OpenFileMappingW

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

const maxSize = 1 << 46

type osMapping struct {
	h    windows.Handle
	addr uintptr
	f    *os.File // the backing file of a file-backed mapping, else nil
}

// unlinked: a Windows named object cannot lose its name while a handle is open.
func (o *osMapping) unlinked() bool { return false }

// key: a bare name is created in the session namespace, so "X" and "Local\X" are one object.
// shmOpenSlash: no leading "/" in Windows names.
const shmOpenSlash = false

func key(name, _ string) string {
	if strings.HasPrefix(name, `Local\`) || strings.HasPrefix(name, `Global\`) {
		return name
	}
	return `Local\` + name
}

func (m *Mapping) open(o Options, _ string) error {
	op := o.Mode.op()
	name16, err := windows.UTF16PtrFromString(o.Name)
	if err != nil {
		return newErr(op, o.Name, ErrInvalidName, "contains NUL")
	}
	sa, err := securityAttributes(o.Name, o.SDDL)
	if err != nil {
		return err
	}
	viewAccess := uint32(windows.FILE_MAP_READ | windows.FILE_MAP_WRITE)
	if o.Access == ReadOnly {
		viewAccess = windows.FILE_MAP_READ
	}
	var h windows.Handle
	if o.File != "" {
		h, err = m.openFileBacked(o, sa, name16)
	} else {
		h, m.created, err = openNamed(o.Name, "file mapping", o.Mode, o.Access,
			func() (windows.Handle, error) {
				return windows.CreateFileMapping(windows.InvalidHandle, sa, windows.PAGE_READWRITE,
					uint32(uint64(o.Size)>>32), uint32(o.Size), name16)
			},
			func() (windows.Handle, error) { return openFileMapping(viewAccess, false, name16) })
	}
	if err != nil {
		return err
	}
	addr, mapped, err := mapView(h, viewAccess)
	if err != nil {
		m.os.closeHandles(h)
		return winError(o.Name, "file mapping", op, o.Access, err)
	}
	if o.Size > mapped {
		windows.UnmapViewOfFile(addr)
		m.os.closeHandles(h)
		return newErr(op, o.Name, ErrTooSmall, fmt.Sprintf("the existing mapping is %d bytes, smaller than the requested %d", mapped, o.Size))
	}
	m.os.h, m.os.addr = h, addr
	m.view = unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), mapped)
	m.mapped = mapped
	return nil
}

// openFileBacked opens o.File (as o.Mode asks) and a mapping of it named name16. A name another mapping
// holds is ErrExists: never an alias of another file's mapping.
func (m *Mapping) openFileBacked(o Options, sa *windows.SecurityAttributes, name16 *uint16) (windows.Handle, error) {
	op := o.Mode.op()
	f, created, err := openBackingFile(o, op)
	if err != nil {
		return 0, err
	}
	protect := uint32(windows.PAGE_READWRITE)
	if o.Access == ReadOnly {
		protect = windows.PAGE_READONLY
	}
	h, err := windows.CreateFileMapping(windows.Handle(f.Fd()), sa, protect, uint32(uint64(o.Size)>>32), uint32(o.Size), name16)
	if h != 0 && err != nil { // ERROR_ALREADY_EXISTS
		err = existsError(o.Name, op, h)
	}
	if err != nil {
		f.Close()
		if created {
			o.Root.Remove(o.File)
		}
		if errors.Is(err, windows.ERROR_FILE_INVALID) {
			return 0, newErr(op, o.Name, ErrInvalid, "file "+o.File+" is empty: give a size")
		}
		return 0, winError(o.Name, "file mapping", op, o.Access, err)
	}
	m.os.f, m.created = f, created
	return h, nil
}

// mapView maps a view of all of h and answers its address and size (VirtualQuery's region size: a page
// multiple).
func mapView(h windows.Handle, access uint32) (uintptr, int64, error) {
	addr, err := windows.MapViewOfFile(h, access, 0, 0, 0)
	if err != nil {
		return 0, 0, err
	}
	var mbi windows.MemoryBasicInformation
	if err := windows.VirtualQuery(addr, &mbi, unsafe.Sizeof(mbi)); err != nil {
		windows.UnmapViewOfFile(addr)
		return 0, 0, err
	}
	return addr, int64(mbi.RegionSize), nil
}

// winError turns a Windows error from creating or opening the named object into an *Error. kind is "file
// mapping", "event" or "mutex".
func winError(name, kind, op string, access Access, err error) error {
	e := &Error{Op: op, Name: name, Err: ErrInvalid, OSErr: err}
	switch {
	case errors.Is(err, windows.ERROR_ALREADY_EXISTS):
		e.Err = ErrExists
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND):
		e.Err, e.Detail = ErrNotFound, "no "+kind+" by that name"
	case errors.Is(err, windows.ERROR_INVALID_HANDLE):
		// Mappings, events, mutexes and semaphores share one namespace.
		e.Err = ErrExists
		e.Detail = "the name is held by another kind of object than a " + kind +
			" (file mappings, events, mutexes and semaphores share one namespace)"
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		e.Err = ErrAccessDenied
		switch {
		case op != "open" && strings.HasPrefix(name, `Global\`):
			e.Right = "SeCreateGlobalPrivilege"
			e.Detail = `creating objects in the Global\ namespace needs the "Create global objects" right`
		case kind == "event":
			e.Right = "SYNCHRONIZE and EVENT_MODIFY_STATE"
		case kind == "mutex":
			e.Right = "SYNCHRONIZE"
		case access == ReadOnly:
			e.Right = "FILE_MAP_READ"
		default:
			e.Right = "FILE_MAP_WRITE"
			e.Detail = `try "access": "read"`
		}
	}
	return e
}

// securityAttributes carries sddl, or by default a protected DACL for this user and SYSTEM only.
func securityAttributes(name, sddl string) (*windows.SecurityAttributes, error) {
	if sddl == "" {
		user, err := windows.GetCurrentProcessToken().GetTokenUser()
		if err != nil {
			return nil, err
		}
		sddl = "D:P(A;;GA;;;" + user.User.Sid.String() + ")(A;;GA;;;SY)"
	}
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return nil, &Error{Op: "create", Name: name, Err: ErrInvalid, Detail: "sddl " + quoteSDDL(sddl), OSErr: err}
	}
	return &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}, nil
}

func quoteSDDL(s string) string { return fmt.Sprintf("%q", s) }

// CheckSDDL reports whether s is a security descriptor in SDDL, as objects are created with.
func CheckSDDL(s string) error {
	_, err := windows.SecurityDescriptorFromString(s)
	return err
}

// existsError closes h, a handle to an object that already had name, and says who owns it.
func existsError(name, op string, h windows.Handle) error {
	defer windows.CloseHandle(h)
	e := &Error{Op: op, Name: name, Err: ErrExists, OSErr: windows.ERROR_ALREADY_EXISTS}
	if sd, err := windows.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION); err == nil {
		if owner, _, err := sd.Owner(); err == nil && owner != nil {
			e.Detail = "owned by " + owner.String()
			if account, domain, _, err := owner.LookupAccount(""); err == nil {
				e.Detail = `owned by ` + domain + `\` + account
			}
		}
	}
	return e
}

// openBackingFile opens o.File under o.Root as o.Mode asks.
func openBackingFile(o Options, op string) (*os.File, bool, error) {
	f, created, err := openWithMode(o.Mode, o.Access, func(flag int) (*os.File, error) {
		return o.Root.OpenFile(o.File, flag, 0o600)
	})
	if err != nil {
		return nil, false, fsError(op, o.Name, "file "+o.File, "", o.Access, err)
	}
	return f, created, nil
}

func (o *osMapping) closeHandles(h windows.Handle) error {
	err := windows.CloseHandle(h)
	if o.f != nil {
		if ferr := o.f.Close(); err == nil {
			err = ferr
		}
	}
	return err
}

// currentSize: a section never shrinks under a view on Windows.
func (o *osMapping) currentSize() (int64, bool) { return 0, false }

// read copies view, the mapped bytes at off, into p.
func (o *osMapping) read(p, view []byte, _ int64) error {
	copy(p, view)
	return nil
}

func (o *osMapping) flush(name string, view []byte) error {
	err := windows.FlushViewOfFile(o.addr, 0)
	if err == nil && o.f != nil {
		err = windows.FlushFileBuffers(windows.Handle(o.f.Fd()))
	}
	if err != nil {
		return &Error{Op: "flush", Name: name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}

func (o *osMapping) close(name string, _ []byte) error {
	err := windows.UnmapViewOfFile(o.addr)
	if cerr := o.closeHandles(o.h); err == nil {
		err = cerr
	}
	if err != nil {
		return &Error{Op: "close", Name: name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}

// Unlink only validates name on Windows: a named object dies with its last handle, there is no name to remove.
func Unlink(name string) error {
	_, err := splitName("unlink", name)
	return err
}

// CheckUnlink only validates name on Windows: there is nothing to unlink (see Unlink).
func CheckUnlink(name string) error { return Unlink(name) }

// ownerOf: the owner of an object that exists is told by existsError, from its handle.
func ownerOf(string) string { return "" }
