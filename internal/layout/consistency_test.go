package layout

import (
	"errors"
	"strings"
	"testing"
)

// spinlockKsy is a layout with consistency/spinlock set to spec (a flow map, on line 5).
func spinlockKsy(spec string) string {
	return "meta:\n  id: lmu\n  -shmbridge:\n    consistency:\n      spinlock: " + spec + "\nseq:\n  - {id: x, type: u4le}\n"
}

// TestSpinlockParsed: the spinlock's mapping, offsets and event are read as written; waiters and event may be
// left out together.
func TestSpinlockParsed(t *testing.T) {
	for spec, want := range map[string]Spinlock{
		"{mapping: LMU_SharedMemoryLockData, busy: 4, waiters: 0, event: LMU_SharedMemoryLockEvent}": {Mapping: "LMU_SharedMemoryLockData", Busy: 4, Waiters: 0, Event: "LMU_SharedMemoryLockEvent"},
		`{mapping: 'Local\Lock', busy: 0x10}`:                                                        {Mapping: `Local\Lock`, Busy: 16, Waiters: -1},
	} {
		l, err := Compile([]byte(spinlockKsy(spec)), nil, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if l.Consistency == nil || l.Consistency.Spinlock == nil || *l.Consistency.Spinlock != want {
			t.Errorf("%s: consistency %+v, want spinlock %+v", spec, l.Consistency, want)
		}
	}
}

// TestSpinlockProblems: each mistake in a spinlock is a problem at its key's path and line, saying what is
// wanted.
func TestSpinlockProblems(t *testing.T) {
	const p = "/meta/-shmbridge/consistency/spinlock"
	for spec, want := range map[string]Problem{
		"LMU_SharedMemoryLockData":                          {Path: p, Line: 5, Detail: "expected a map"},
		"{busy: 4}":                                         {Path: p, Line: 5, Detail: "needs mapping"},
		"{mapping: L}":                                      {Path: p, Line: 5, Detail: "needs mapping (the lock's mapping) and busy"},
		"{}":                                                {Path: p, Line: 5, Detail: "needs mapping"},
		"{mapping: '', busy: 4}":                            {Path: p + "/mapping", Line: 5, Detail: "needs a name"},
		"{mapping: L, busy: 2}":                             {Path: p + "/busy", Line: 5, Detail: "aligned to 4"},
		"{mapping: L, busy: -4}":                            {Path: p + "/busy", Line: 5, Detail: "32-bit word"},
		"{mapping: L, busy: four}":                          {Path: p + "/busy", Line: 5, Detail: `got "four"`},
		"{mapping: L, busy: 4, waiters: 0}":                 {Path: p, Line: 5, Detail: "waiters and event go together"},
		"{mapping: L, busy: 4, event: E}":                   {Path: p, Line: 5, Detail: "waiters and event go together"},
		"{mapping: L, busy: 4, waiters: 4, event: E}":       {Path: p, Line: 5, Detail: "both at offset 4"},
		"{mapping: L, busy: 4, waiters: 0, event: E, x: 1}": {Path: p + "/x", Line: 5, Detail: "unknown key"},
		"{mapping: [L], busy: 4}":                           {Path: p + "/mapping", Line: 5, Detail: "expected a string"},
	} {
		_, err := Compile([]byte(spinlockKsy(spec)), nil, DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%s: %v, want problems", spec, err)
			continue
		}
		found := false
		for _, got := range ps {
			found = found || got.Path == want.Path && got.Line == want.Line && strings.Contains(got.Detail, want.Detail)
		}
		if !found {
			t.Errorf("%s: %v\nwant a problem at %s line %d saying %q", spec, ps, want.Path, want.Line, want.Detail)
		}
	}
}
