//go:build linux

package shm

import (
	"errors"
	"fmt"
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
// shmOpenSlash: a name may start with the "/" shm_open(3) wants ("/Telemetry" is /dev/shm/Telemetry).
const shmOpenSlash = true

func key(_, base string) string { return base }

func (m *Mapping) open(o Options, base string) (err error) {
	op := o.Mode.op()
	if o.SDDL != "" {
		return newErr(op, o.Name, ErrInvalid, "sddl applies to Windows objects only (Linux objects are created 0600)")
	}
	// O_NONBLOCK: a FIFO (or device) put under the name must not block open(2); the type check below refuses
	// it. On a regular file the flag changes nothing.
	path := filepath.Join(ShmDir, base)
	what, open, remove := path, func(flag int) (*os.File, error) {
		return os.OpenFile(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600)
	}, func() error { return os.Remove(path) }
	if o.File != "" {
		path, what = "", "file "+o.File
		open = func(flag int) (*os.File, error) { return o.Root.OpenFile(o.File, flag|unix.O_NONBLOCK, 0o600) }
		remove = func() error { return o.Root.Remove(o.File) }
	}
	f, created, err := openWithMode(o.Mode, o.Access, open)
	if err != nil {
		return fsError(op, o.Name, what, path, o.Access, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			if created {
				remove()
			}
		}
	}()
	fd := int(f.Fd())
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fsError(op, o.Name, what, "", o.Access, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return newErr(op, o.Name, ErrInvalid, what+" is not a regular file")
	}
	if !created && o.File == "" && o.Access == ReadWrite && int(st.Uid) != os.Geteuid() {
		// Another user made this name (perhaps ahead of us, to read what we write): writing into it would hand
		// them the data. Reading someone's published object stays allowed.
		e := newErr(op, o.Name, ErrAccessDenied, what+" is owned by "+userName(st.Uid)+", not by this user: open it with access read")
		e.Right = "ownership of " + what
		return e
	}
	size, err := sizeFor(o, created, what, fd, st.Size)
	if err != nil {
		return err
	}
	prot := unix.PROT_READ
	if o.Access == ReadWrite {
		prot |= unix.PROT_WRITE
	}
	view, err := unix.Mmap(fd, 0, int(size), prot, unix.MAP_SHARED)
	if err != nil {
		return fsError(op, o.Name, what, "", o.Access, err)
	}
	m.created, m.view, m.mapped = created, view, size
	m.os = osMapping{f: f, fd: fd}
	return nil
}

// sizeFor sizes the object open found at size bytes for o: it grows what the daemon created, or a file the
// caller asked to map at a larger size, but never another program's /dev/shm object (ErrTooSmall).
func sizeFor(o Options, created bool, what string, fd int, size int64) (int64, error) {
	op := o.Mode.op()
	if o.Size > size {
		if !created && (o.File == "" || o.Access == ReadOnly) {
			return 0, newErr(op, o.Name, ErrTooSmall, fmt.Sprintf("%s is %d bytes, smaller than the requested %d", what, size, o.Size))
		}
		// A size tmpfs can never hold would be refused only later, by a SIGBUS-turned-fault on a write.
		var fsst unix.Statfs_t
		if o.File == "" && unix.Statfs(ShmDir, &fsst) == nil && o.Size > int64(fsst.Blocks)*fsst.Bsize {
			return 0, newErr(op, o.Name, ErrNoSpace, fmt.Sprintf("%d bytes is more than %s holds (%d bytes)",
				o.Size, ShmDir, int64(fsst.Blocks)*fsst.Bsize))
		}
		if err := unix.Ftruncate(fd, o.Size); err != nil {
			return 0, fsError(op, o.Name, what, "", o.Access, err)
		}
		size = o.Size
	}
	if size == 0 {
		return 0, newErr(op, o.Name, ErrInvalid, what+" is empty: give a size")
	}
	return size, nil
}

// ownerOf describes the owner of path ("uid N (name)"), or "" if it cannot say.
func ownerOf(path string) string {
	var st unix.Stat_t
	if path == "" || unix.Lstat(path, &st) != nil {
		return ""
	}
	return userName(st.Uid)
}

// userName describes uid as "uid N (name)".
func userName(uid uint32) string {
	s := fmt.Sprintf("uid %d", uid)
	if u, err := user.LookupId(fmt.Sprint(uid)); err == nil {
		s += " (" + u.Username + ")"
	}
	return s
}

// read copies the bytes at off into p. A read of up to viewRead bytes (a poll of a telemetry block, what most
// clients do) copies from the view: no system call. A larger one reads through the file descriptor (pread): on
// tmpfs a read fault on a hole (a page nobody wrote) allocates the page, while pread returns zeros for it and
// allocates nothing, so reading a large sparse object cannot fill /dev/shm. The page cache keeps the two
// coherent. A copy from the view past an end another process truncated faults: the size then says it shrank.
func (o *osMapping) read(p, view []byte, off int64) error {
	if len(p) <= viewRead {
		err := guard(func() { copy(p, view) })
		if err != nil {
			if cur, _ := o.currentSize(); cur < off+int64(len(p)) {
				return fmt.Errorf("%w: it ends at offset %d", errShrunk, cur)
			}
		}
		return err
	}
	for len(p) > 0 {
		k, err := unix.Pread(o.fd, p, off)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return err
		case k == 0:
			return fmt.Errorf("%w: it ends at offset %d", errShrunk, off)
		}
		p, off = p[k:], off+int64(k)
	}
	return nil
}

// viewRead is the largest read copied from the view. A pread costs about 2 µs on the CI machine, a quarter of
// the daemon's own work per 64-byte poll. The price of the view: a hole it reads is allocated, but a read this
// small touches two pages at most, of an object whose size its creator chose.
const viewRead = 4096

// currentSize is the object's size now: another process may have truncated it under the view.
func (o *osMapping) currentSize() (int64, bool) {
	var st unix.Stat_t
	if unix.Fstat(o.fd, &st) != nil {
		return 0, true // the descriptor is unusable: allow nothing
	}
	return st.Size, true
}

// unlinked: the object has no name left (st_nlink 0). A file-backed mapping's file counts the same way.
func (o *osMapping) unlinked() bool {
	var st unix.Stat_t
	return unix.Fstat(o.fd, &st) == nil && st.Nlink == 0
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

// CheckUnlink refuses, before anything is closed, to unlink an object another user owns: the daemon unlinks
// only its own user's objects, as root too (an administrator who means it removes the file by hand).
func CheckUnlink(name string) error {
	base, err := splitName("unlink", name)
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
	base, err := splitName("unlink", name)
	if err != nil {
		return err
	}
	path := filepath.Join(ShmDir, base)
	if err := os.Remove(path); err != nil {
		e := fsError("unlink", name, path, "", ReadWrite, err)
		if e.Err == ErrAccessDenied {
			e.Right = "write permission on " + ShmDir
		}
		return e
	}
	return nil
}

// CheckSDDL refuses any: security descriptors are Windows'; objects here are created mode 0600 for the
// daemon's user.
func CheckSDDL(string) error {
	return errors.New("security descriptors are for Windows; on Linux objects are created mode 0600, owned by the daemon's user")
}
