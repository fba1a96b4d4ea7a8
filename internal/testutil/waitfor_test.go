package testutil

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fatalT records the first Fatalf and ends the goroutine, as testing.T does.
type fatalT struct {
	testing.TB
	msg string
}

func (f *fatalT) Helper() {}

func (f *fatalT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// waitFor runs WaitFor with a fatalT on a goroutine of its own and answers its failure's message ("" if none).
func waitFor[C Condition](t *testing.T, what string, cond C) string {
	f := &fatalT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		WaitFor(f, what, cond)
	}()
	<-done
	return f.msg
}

func TestWaitForReturnsOnceTheConditionHolds(t *testing.T) {
	calls := 0
	if msg := waitFor(t, "three calls", func() bool { calls++; return calls == 3 }); msg != "" || calls != 3 {
		t.Fatalf("%d calls, failure %q; want 3 calls and no failure", calls, msg)
	}
	calls = 0
	if msg := waitFor(t, "three calls", func() error {
		if calls++; calls < 3 {
			return errors.New("fewer than three")
		}
		return nil
	}); msg != "" || calls != 3 {
		t.Fatalf("%d calls, failure %q; want 3 calls and no failure", calls, msg)
	}
}

func TestWaitForFailsWhenTheConditionNeverHolds(t *testing.T) {
	defer func(p time.Duration) { patience = p }(patience)
	patience = 50 * time.Millisecond
	start := time.Now()
	calls := 0
	msg := waitFor(t, "the impossible", func() bool { calls++; return false })
	if want := "timed out after 50ms waiting for the impossible"; msg != want {
		t.Errorf("failure %q, want %q", msg, want)
	}
	if d := time.Since(start); d < patience || calls < 2 {
		t.Errorf("gave up after %v and %d calls", d, calls)
	}
	n := 0
	msg = waitFor(t, "the impossible", func() error { n++; return fmt.Errorf("try %d failed", n) })
	if want := fmt.Sprintf("waiting for the impossible: try %d failed", n); !strings.HasSuffix(msg, want) {
		t.Errorf("failure %q, want it to end with the last error: %q", msg, want)
	}
}

func TestBlocked(t *testing.T) {
	if Blocked("TestBlocked", "testutil.parkHere") {
		t.Fatal("blocked before the goroutine started")
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); parkHere(stop) }()
	WaitFor(t, "the goroutine to block", func() bool { return Blocked("TestBlocked", "testutil.parkHere") })
	if Blocked("TestBlocked", "testutil.parkHere", "no such function") {
		t.Error("blocked in a function no goroutine is in")
	}
	close(stop)
	<-done
	if Blocked("TestBlocked", "testutil.parkHere") {
		t.Error("blocked after the goroutine ended")
	}
}

//go:noinline
func parkHere(stop <-chan struct{}) { <-stop }
