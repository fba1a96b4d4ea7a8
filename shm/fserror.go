package shm

import (
	"errors"
	"io/fs"
	"syscall"
)

// fsError turns a failed file-system call on an object into an *Error for op on name. what names the object
// in messages ("/dev/shm/x", "file a/b"); path, if not "", is where to look up the owner of an object that
// exists already; access is the access that was asked for.
func fsError(op, name, what, path string, access Access, err error) *Error {
	e := &Error{Op: op, Name: name, Err: ErrInvalid, OSErr: err, Detail: what}
	switch {
	case errors.Is(err, fs.ErrExist):
		e.Err, e.Detail = ErrExists, what+" already exists"
		if owner := ownerOf(path); owner != "" {
			e.Detail += ", owned by " + owner
		}
	case errors.Is(err, fs.ErrNotExist):
		e.Err, e.Detail = ErrNotFound, "no "+what
	case errors.Is(err, fs.ErrPermission):
		e.Err, e.Detail, e.Right = ErrAccessDenied, "", "read permission on "+what
		if access == ReadWrite {
			e.Right = "read and write permission on " + what
		}
	case escapes(err):
		return escapeError(op, name, what)
	case errors.Is(err, syscall.ELOOP):
		e.Detail = what + " is a symbolic link"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		e.Err, e.Detail = ErrResources, "the daemon is out of file descriptors (ulimit -n): close some objects, or raise the limit"
	}
	return e
}

// escapeError refuses a path outside the files root: access denied, as for a file the OS refuses.
func escapeError(op, name, file string) *Error {
	e := newErr(op, name, ErrAccessDenied, file+" is outside the files root (a path must be relative and stay under it, symbolic links included)")
	e.Right = "a path under the files root"
	return e
}

// escapes reports an os.Root refusing a path that leaves it (through "..", or a symbolic link): the os
// package has no exported error for it (its errPathEscapes), only this text.
func escapes(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}
