//go:build linux

package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// ShmDir is where POSIX shared memory objects live: shm_open("/X") is /dev/shm/X.
const ShmDir = "/dev/shm"

const maxSize = 1 << 46

type osMapping struct {
	f  *os.File
	fd int
}

// key: every namespace prefix names the same /dev/shm object.
func key(_, base string) string { return base }

func (m *Mapping) open(o Options, base string) error {
	op := o.Mode.op()
	if o.SDDL != "" {
		return newErr(op, o.Name, ErrInvalid, "sddl applies to Windows objects only (Linux objects are created 0600)")
	}
	var (
		what, path string
		openFn     func(flag int) (*os.File, error)
	)
	fail := func(err error) error {
		e := &Error{Op: op, Name: o.Name, OSErr: err, Err: ErrInvalid}
		switch {
		case errors.Is(err, fs.ErrExist):
			e.Err, e.Detail = ErrExists, what+" already exists"
			var st unix.Stat_t
			if unix.Lstat(path, &st) == nil {
				e.Detail += ", owned by " + userName(st.Uid)
			}
		case errors.Is(err, fs.ErrNotExist):
			e.Err, e.Detail = ErrNotFound, "no "+what
		case errors.Is(err, fs.ErrPermission):
			e.Err, e.Right = ErrAccessDenied, "read"
			if o.Access == ReadWrite {
				e.Right = "read and write"
			}
			e.Right += " permission on " + what
		case errors.Is(err, unix.ELOOP):
			e.Detail = what + " is a symbolic link"
		case errors.Is(err, unix.EMFILE), errors.Is(err, unix.ENFILE):
			e.Err, e.Detail = ErrResources, "the daemon is out of file descriptors (ulimit -n): close some objects, or raise the limit"
		default:
			e.Detail = what
		}
		return e
	}

	remove := func() error { return os.Remove(path) }
	if o.File != "" {
		what = "file " + o.File
		openFn = func(flag int) (*os.File, error) { return o.Root.OpenFile(o.File, flag|unix.O_NONBLOCK, 0o600) }
		remove = func() error { return o.Root.Remove(o.File) }
	} else {
		path = filepath.Join(ShmDir, base)
		what = path
		openFn = func(flag int) (*os.File, error) {
			return os.OpenFile(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600)
		}
	}
	// O_NONBLOCK: a FIFO (or device) put under the name must not block open(2), with the registry's lock held;
	// the type check below refuses it. On a regular file the flag changes nothing.
	f, created, err := openWithMode(o.Mode, o.Access, openFn)
	if err != nil {
		return fail(err)
	}
	m.created = created
	fd := int(f.Fd())
	cleanup := func() {
		f.Close()
		if m.created {
			remove()
		}
	}

	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		cleanup()
		return fail(err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		cleanup()
		return newErr(op, o.Name, ErrInvalid, what+" is not a regular file")
	}
	if !m.created && o.File == "" && o.Access == ReadWrite && int(st.Uid) != os.Geteuid() {
		// Another user made this name (perhaps ahead of us, to read what we write): writing into it would hand
		// them the data. Reading someone's published object stays allowed.
		cleanup()
		e := newErr(op, o.Name, ErrAccessDenied, what+" is owned by "+userName(st.Uid)+", not by this user: open it with access read")
		e.Right = "ownership of " + what
		return e
	}
	size := st.Size
	if o.Size > size {
		// Grow what we created, or a file the caller asked to map at a larger size; never someone else's shm.
		if !m.created && (o.File == "" || o.Access == ReadOnly) {
			cleanup()
			return newErr(op, o.Name, ErrTooSmall,
				fmt.Sprintf("%s is %d bytes, smaller than the requested %d", what, size, o.Size))
		}
		if o.File == "" {
			// A size tmpfs can never hold would be refused only later, by a SIGBUS-turned-fault on a write.
			var fsst unix.Statfs_t
			if unix.Statfs(ShmDir, &fsst) == nil && o.Size > int64(fsst.Blocks)*fsst.Bsize {
				cleanup()
				return newErr(op, o.Name, ErrNoSpace, fmt.Sprintf("%d bytes is more than %s holds (%d bytes)",
					o.Size, ShmDir, int64(fsst.Blocks)*fsst.Bsize))
			}
		}
		if err := unix.Ftruncate(fd, o.Size); err != nil {
			cleanup()
			return fail(err)
		}
		size = o.Size
	}
	if size == 0 {
		cleanup()
		return newErr(op, o.Name, ErrInvalid, what+" is empty: give a size")
	}
	prot := unix.PROT_READ
	if o.Access == ReadWrite {
		prot |= unix.PROT_WRITE
	}
	view, err := unix.Mmap(fd, 0, int(size), prot, unix.MAP_SHARED)
	if err != nil {
		cleanup()
		return fail(err)
	}
	m.view, m.mapped = view, size
	m.os = osMapping{f: f, fd: fd}
	return nil
}

// userName describes uid as "uid N (name)".
func userName(uid uint32) string {
	s := fmt.Sprintf("uid %d", uid)
	if u, err := user.LookupId(fmt.Sprint(uid)); err == nil {
		s += " (" + u.Username + ")"
	}
	return s
}

// read reads the bytes at off through the file descriptor (pread), not through the view: on tmpfs a read
// fault on a hole (a page nobody wrote) allocates the page, while pread returns zeros for it and allocates
// nothing, so reading a large sparse object cannot fill /dev/shm. The page cache keeps the two coherent.
func (o *osMapping) read(p, _ []byte, off int64) error {
	for len(p) > 0 {
		k, err := unix.Pread(o.fd, p, off)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return err
		case k == 0:
			return fmt.Errorf("the object ended at offset %d: another process truncated it", off)
		}
		p, off = p[k:], off+int64(k)
	}
	return nil
}

// currentSize is the object's size now: another process may have truncated it under the view.
func (o *osMapping) currentSize() (int64, bool) {
	var st unix.Stat_t
	if unix.Fstat(o.fd, &st) != nil {
		return 0, true // the descriptor is unusable: allow nothing
	}
	return st.Size, true
}

func (o *osMapping) flush(name string, view []byte) error {
	if err := unix.Msync(view, unix.MS_SYNC); err != nil {
		return &Error{Op: "flush", Name: name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}

func (o *osMapping) close(name string, view []byte) error {
	err := unix.Munmap(view)
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &Error{Op: "close", Name: name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}

// checkUnlink refuses, before anything is closed, to unlink an object another user owns: the daemon unlinks
// only its own user's objects, as root too (an administrator who means it removes the file by hand).
func checkUnlink(name string) error {
	base, err := splitName(name)
	if err != nil {
		return err
	}
	path := filepath.Join(ShmDir, base)
	var st unix.Stat_t
	if unix.Lstat(path, &st) == nil && int(st.Uid) != os.Geteuid() {
		e := newErr("unlink", name, ErrAccessDenied, path+" is owned by "+userName(st.Uid)+": the daemon unlinks only its own user's objects (nothing was closed)")
		e.Right = "ownership of " + path
		return e
	}
	return nil
}

// Unlink removes the name of a POSIX shared memory object (shm_unlink): existing mappings stay valid, the
// memory is freed when the last one goes. Windows has nothing to unlink: an object dies with its last handle,
// so there Unlink only validates the name.
func Unlink(name string) error {
	base, err := splitName(name)
	if err != nil {
		err.(*Error).Op = "unlink"
		return err
	}
	if err := os.Remove(filepath.Join(ShmDir, base)); err != nil {
		e := &Error{Op: "unlink", Name: name, Err: ErrInvalid, OSErr: err}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			e.Err = ErrNotFound
		case errors.Is(err, fs.ErrPermission):
			e.Err, e.Right = ErrAccessDenied, "write permission on "+ShmDir
		}
		return e
	}
	return nil
}
