package shm_test

import (
	"testing"

	"github.com/shmbridge/shmbridge/shm"
)

// TestObserveAutoResetRefused: on Windows an auto-reset event cannot be observed without consuming its signal:
// Observer refuses it.
func TestObserveAutoResetRefused(t *testing.T) {
	e := openEvent(t, shm.EventOptions{Name: `Local\` + testName(t)})
	_, err := e.Observer()
	mustErr(t, err, shm.ErrInvalid)
}
