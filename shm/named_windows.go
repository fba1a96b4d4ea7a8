//go:build windows

package shm

import (
	"errors"

	"golang.org/x/sys/windows"
)

const (
	eventQueryState = 0x0001 // EVENT_QUERY_STATE
	waitAbandoned0  = windows.WAIT_ABANDONED
)

// openNamed opens or creates a named kernel object as mode asks. create returns a valid handle and
// ERROR_ALREADY_EXISTS when the name exists: in Create mode that is ErrExists (naming the owner), in
// OpenOrCreate mode it is another program winning the race to create it, so the handle is kept.
func openNamed(name, kind string, mode Mode, access Access, create, open func() (windows.Handle, error)) (windows.Handle, bool, error) {
	op := mode.op()
	if mode != Create {
		h, err := open()
		if err == nil {
			return h, false, nil
		}
		if mode == OpenExisting || !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
			return 0, false, winError(name, kind, op, access, err)
		}
	}
	h, err := create()
	switch {
	case h != 0 && errors.Is(err, windows.ERROR_ALREADY_EXISTS) && mode == Create:
		return 0, false, existsError(name, op, h)
	case h != 0 && errors.Is(err, windows.ERROR_ALREADY_EXISTS):
		return h, false, nil
	case err != nil:
		return 0, false, winError(name, kind, "create", access, err)
	}
	return h, true, nil
}

func boolToUint32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
