//go:build !linux && !windows

package shm

// This file lets shmbridge build on systems without a backend of its own (macOS, the BSDs, …), the way fsnotify
// and x/exp/mmap do: the daemon starts and serves its API, and every open of a mapping, event or mutex fails
// with ErrUnsupported (HTTP 501). Linux and Windows are the supported systems.

import (
	"context"
	"errors"
	"time"
)

const maxSize = 1 << 46

func unsupported(op, name string) error { return &Error{Op: op, Name: name, Err: ErrUnsupported} }

type osMapping struct{}

// shmOpenSlash: as on Windows.
const shmOpenSlash = false

func key(_, base string) string { return base }

func (m *Mapping) open(o Options, _ string) error { return unsupported(o.Mode.op(), o.Name) }

func (o *osMapping) currentSize() (int64, bool)         { return 0, false }
func (o *osMapping) unlinked() bool                     { return false }
func (o *osMapping) read(p, view []byte, _ int64) error { copy(p, view); return nil }
func (o *osMapping) flush(string, []byte) error         { return nil }
func (o *osMapping) close(string, []byte) error         { return nil }

// Unlink fails with ErrUnsupported: this system has no shmbridge backend.
func Unlink(name string) error { return unsupported("unlink", name) }

type osEvent struct{}

func (o *osEvent) open(eo EventOptions, _ string) (bool, bool, error) {
	return false, false, unsupported(eo.Mode.op(), eo.Name)
}
func (o *osEvent) set() error          { return ErrUnsupported }
func (o *osEvent) reset() error        { return ErrUnsupported }
func (o *osEvent) pulse() error        { return ErrUnsupported }
func (o *osEvent) try() (bool, error)  { return false, ErrUnsupported }
func (o *osEvent) state() (bool, bool) { return false, false }
func (o *osEvent) wait() (bool, error) { return false, ErrUnsupported }
func (o *osEvent) interrupt()          {}
func (o *osEvent) close() error        { return nil }

type osObserver struct{}

func (o *osEvent) newObserver(*osObserver, bool) error { return ErrUnsupported }
func (o *osEvent) observe(*osObserver) (bool, error)   { return false, ErrUnsupported }
func (o *osEvent) stopObserving()                      {}

type osMutex struct{}

func (o *osMutex) open(mo MutexOptions, _ string) (bool, error) {
	return false, unsupported(mo.Mode.op(), mo.Name)
}
func (o *osMutex) lock(context.Context, <-chan struct{}, time.Duration) (func() error, bool, error) {
	return nil, false, ErrUnsupported
}
func (o *osMutex) state() MutexState { return MutexState{} }
func (o *osMutex) close() error      { return nil }

// CheckUnlink fails with ErrUnsupported, as Unlink does.
func CheckUnlink(name string) error { return Unlink(name) }

func ownerOf(string) string { return "" }

func listObjects(func(Object)) error { return unsupported("list", "") }

// CheckSDDL refuses any: security descriptors are Windows'; objects here are created mode 0600 for the
// daemon's user.
func CheckSDDL(string) error {
	return errors.New("security descriptors are for Windows; on Linux objects are created mode 0600, owned by the daemon's user")
}
