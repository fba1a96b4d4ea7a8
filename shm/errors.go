package shm

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error this package returns wraps one of them; test with errors.Is.
var (
	ErrExists       = errors.New("shm: name already exists")
	ErrNotFound     = errors.New("shm: no such object")
	ErrAccessDenied = errors.New("shm: access denied")
	ErrOutOfRange   = errors.New("shm: out of range")
	ErrClosed       = errors.New("shm: mapping closed")
	ErrInvalidName  = errors.New("shm: invalid name")
	ErrInvalid      = errors.New("shm: invalid argument")
	ErrReadOnly     = errors.New("shm: mapping is read-only")
	ErrTooSmall     = errors.New("shm: existing object is smaller than the requested size")
	ErrFault        = errors.New("shm: memory fault during copy")
	ErrTimeout      = errors.New("shm: timed out")     // a mutex was not acquired in time
	ErrNoSpace      = errors.New("shm: no space left") // the shared memory file system (/dev/shm) is full
	ErrResources    = errors.New("shm: out of file descriptors")
	// ErrUnsupported: this operating system has no shmbridge backend (Linux and Windows have one).
	ErrUnsupported = fmt.Errorf("shm: named shared memory is not supported on this system, only on Linux and Windows: %w", errors.ErrUnsupported)
)

// Error describes a failed operation. It unwraps to one of the sentinel errors (and to the OS error, if any).
type Error struct {
	Op   string // "create", "open", "read", "write", "flush", "close", "unlink"
	Name string // the name as the caller gave it
	// Right names the missing right when Err is ErrAccessDenied, e.g. "SeCreateGlobalPrivilege".
	Right  string
	Detail string // human-readable explanation, may be empty
	Err    error  // a sentinel
	OSErr  error  // the underlying OS error, may be nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Name != "" {
		fmt.Fprintf(&b, ": %s %q", e.Op, e.Name)
	} else if e.Op != "" {
		fmt.Fprintf(&b, ": %s", e.Op)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Right != "" {
		b.WriteString(" (missing right: " + e.Right + ")")
	}
	if e.OSErr != nil {
		b.WriteString(": " + e.OSErr.Error())
	}
	return b.String()
}

// osFailure is a failed OS operation on an open object: ErrFault when another process broke the object
// under the daemon (a truncated event or mutex), else ErrInvalid.
func osFailure(op, name string, err error) *Error {
	if errors.Is(err, ErrFault) {
		return &Error{Op: op, Name: name, Err: ErrFault, Detail: strings.TrimPrefix(err.Error(), ErrFault.Error()+": ")}
	}
	return &Error{Op: op, Name: name, Err: ErrInvalid, OSErr: err}
}

// Unwrap returns the sentinel and the OS error.
func (e *Error) Unwrap() []error {
	if e.OSErr != nil {
		return []error{e.Err, e.OSErr}
	}
	return []error{e.Err}
}

func newErr(op, name string, sentinel error, detail string) *Error {
	return &Error{Op: op, Name: name, Err: sentinel, Detail: detail}
}

// Mode says whether Open creates the object, opens an existing one, or either.
type Mode int

const (
	Create       Mode = iota // create; ErrExists if the name is taken
	OpenExisting             // open an object another program made; ErrNotFound if there is none
	OpenOrCreate             // open if it exists, else create
)

// op is the verb errors name: "open" for OpenExisting, else "create".
func (m Mode) op() string {
	if m == OpenExisting {
		return "open"
	}
	return "create"
}

func (m Mode) String() string {
	switch m {
	case Create:
		return "create"
	case OpenExisting:
		return "open"
	case OpenOrCreate:
		return "open_or_create"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Access is the access the view is mapped with.
type Access int

const (
	ReadWrite Access = iota
	ReadOnly
)

func (a Access) String() string {
	if a == ReadOnly {
		return "read"
	}
	return "read_write"
}
