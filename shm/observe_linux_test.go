package shm_test

import (
	"context"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// TestObserveAutoReset: on Linux an auto-reset event can be observed without taking its signal: after the
// observer saw the set, a waiter still gets the signal.
func TestObserveAutoReset(t *testing.T) {
	e := openEvent(t, shm.EventOptions{Name: testName(t)})
	ob, err := e.Observer()
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	done := observe(ob, nil) // its baseline was read by Observer: a set now is a firing, begun its wait or not
	e.Set()
	fires(t, done, 2*time.Second)
	if ok, _ := e.Wait(context.Background(), 0); !ok {
		t.Fatal("the observer took the auto-reset event's signal")
	}
}
