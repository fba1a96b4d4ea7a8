package shm

import (
	"context"
	"time"
)

// The contract each OS backend fulfils — shm_linux.go, event_linux.go, mutex_linux.go, objects_linux.go on
// Linux; their _windows.go counterparts on Windows; shm_other.go elsewhere — declared here, as fsnotify
// declares its backend, so that the compiler checks every backend against it (CI vets linux and windows and
// builds darwin), not only the cross-OS build that happens to use a method.

// mappingBackend is a mapping's OS handles (osMapping); Mapping.open, per OS, opens them and the view.
type mappingBackend interface {
	currentSize() (int64, bool) // the object's size now, where it can change under the view (Linux)
	unlinked() bool
	read(p, view []byte, off int64) error // a copy of view[off:] into p (Linux: pread for large ones)
	flush(name string, view []byte) error
	close(name string, view []byte) error
}

// eventBackend is a named event's OS object (osEvent).
type eventBackend interface {
	open(o EventOptions, base string) (created, manual bool, err error)
	set() error
	reset() error
	pulse() error
	try() (took bool, err error)         // take the signal if there is one, without waiting
	state() (signaled, known bool)       // without taking anything
	wait() (signaled bool, err error)    // the waits' one OS wait (Event.waitLoop), until interrupt
	interrupt()                          // ends wait
	newObserver(*osObserver, bool) error // an observation's starting point
	observe(*osObserver) (bool, error)   // the observation's one OS wait, until stopObserving
	stopObserving()                      // ends observe
	close() error
}

// mutexBackend is a named mutex's OS object (osMutex).
type mutexBackend interface {
	open(o MutexOptions, base string) (created bool, err error)
	lock(ctx context.Context, closed <-chan struct{}, timeout time.Duration) (unlock func() error, abandoned bool, err error)
	state() MutexState
	close() error
}

var (
	_ mappingBackend = (*osMapping)(nil)
	_ eventBackend   = (*osEvent)(nil)
	_ mutexBackend   = (*osMutex)(nil)

	// And the functions each backend defines.
	_ func(name, base string) string        = key         // the identity of a name in the OS's namespace
	_ func(visit func(Object)) error        = listObjects // the named objects the OS has
	_ func(path string) string              = ownerOf     // who owns an object another program made ("" if unknown)
	_ func(name string) error               = Unlink
	_ func(name string) error               = CheckUnlink
	_ func(*Mapping, Options, string) error = (*Mapping).open
)
