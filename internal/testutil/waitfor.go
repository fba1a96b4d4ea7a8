package testutil

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Condition is what WaitFor waits for: a func() bool that says whether it holds, or a func() error that
// answers nil once it holds and otherwise says why not (the last of which the failure's message quotes).
type Condition interface {
	func() bool | func() error
}

// patience is how long WaitFor waits: long, since a busy machine (-race, Wine, a CI run beside) is slow, not
// wrong; a condition that holds ends the wait at once.
var patience = time.Minute

// WaitFor calls cond until it holds, pausing between calls (1 ms at first, doubling up to 20 ms), and fails
// the test (t.Fatalf) if it still does not hold after a minute: the message says what was waited for and,
// for a func() error, the last error. Like t.Fatalf, it belongs on the test's goroutine; cond runs on the
// caller's, and may itself call t.Fatal, for a state from which the condition can no longer come.
func WaitFor[C Condition](t testing.TB, what string, cond C) {
	t.Helper()
	check := func() error {
		switch c := any(cond).(type) {
		case func() bool:
			if !c() {
				return errNotYet
			}
			return nil
		case func() error:
			return c()
		}
		panic("unreachable")
	}
	deadline := time.Now().Add(patience)
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			if err == errNotYet {
				t.Fatalf("timed out after %v waiting for %s", patience, what)
			}
			t.Fatalf("timed out after %v waiting for %s: %v", patience, what, err)
		}
		time.Sleep(pause)
	}
}

// errNotYet is a func() bool's false.
var errNotYet = errors.New("not yet")

// Goroutines are the stacks of every goroutine, the caller's first: each "goroutine 7 [select]:" (its id and
// state: running, runnable, or what it waits on), then its frames.
func Goroutines() []string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Blocked reports whether a goroutine is blocked (on a channel, a select, a lock, a sleep or a system call:
// anything but running) with each of in on its stack, as a stack trace spells them: e.g. "TestX" and
// "shm.(*Mutex).Lock". A test waits (WaitFor) for it to know that another goroutine is waiting, which nothing
// else may show.
func Blocked(in ...string) bool {
	for _, g := range Goroutines() {
		header, frames, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[running") || strings.Contains(header, "[runnable") {
			continue
		}
		all := true
		for _, s := range in {
			all = all && strings.Contains(frames, s)
		}
		if all {
			return true
		}
	}
	return false
}
