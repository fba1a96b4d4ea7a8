package registry_test

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// TestOneKindPerName: concurrent open_or_create of a mapping and an event with one name never both succeed
// (mappings, events and mutexes share one namespace; the check and the claim are one step).
func TestOneKindPerName(t *testing.T) {
	reg := registry.New(nil)
	for i := range 2000 {
		name := fmt.Sprintf("shmbridge-ns-%d-%d", os.Getpid(), i)
		var wg sync.WaitGroup
		var mapErr, evErr error
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			// Land anywhere in the event's create: after its file exists, before the daemon holds it.
			for t0 := time.Now(); time.Since(t0) < time.Duration(i%50)*time.Microsecond; {
			}
			_, _, mapErr = reg.OpenMapping(shm.Options{Name: name, Size: 32, Mode: shm.OpenOrCreate}) // an event object is 32 bytes
		}()
		go func() {
			defer wg.Done()
			<-start
			_, _, evErr = reg.OpenEvent(shm.EventOptions{Name: name, Mode: shm.OpenOrCreate})
		}()
		close(start)
		wg.Wait()
		if mapErr == nil && evErr == nil {
			t.Fatalf("round %d: %s opened as a mapping and as an event", i, name)
		}
		reg.CloseMapping(name, true)
		reg.CloseEvent(name, true)
		shm.Unlink(name)
	}
}

// TestNameTakenWhileClosing: while a close with unlink waits for a transfer to finish, an open_or_create of the
// same name is refused (it would reopen the object the unlink then removes); once the close is done the name
// opens afresh.
func TestNameTakenWhileClosing(t *testing.T) {
	reg := registry.New(nil)
	name := fmt.Sprintf("shmbridge-closing-%d", os.Getpid())
	e, _, err := reg.OpenMapping(shm.Options{Name: name, Size: 64, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.CloseMapping(name, true); shm.Unlink(name) })
	if err := e.Pin(); err != nil { // a transfer under way
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { _, err := reg.CloseMapping(name, true); closed <- err }()
	// The close has begun (the name is forgotten) and waits for the transfer.
	testutil.WaitFor(t, "the close to begin", func() bool {
		_, err := reg.GetMapping(name)
		return errors.Is(err, shm.ErrNotFound)
	})
	if _, _, err := reg.OpenMapping(shm.Options{Name: name, Size: 64, Mode: shm.OpenOrCreate}); !errors.Is(err, shm.ErrExists) {
		t.Fatalf("open_or_create during the close: %v, want ErrExists", err)
	}
	if _, _, err := reg.OpenEvent(shm.EventOptions{Name: name, Mode: shm.OpenOrCreate}); !errors.Is(err, shm.ErrExists) {
		t.Fatalf("an event of that name during the close: %v, want ErrExists", err)
	}
	e.Unpin()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	e2, _, err := reg.OpenMapping(shm.Options{Name: name, Size: 64, Mode: shm.OpenOrCreate})
	if err != nil {
		t.Fatal(err)
	}
	if !e2.Created() {
		t.Errorf("after the close with unlink, open_or_create opened an object instead of creating one")
	}
}
