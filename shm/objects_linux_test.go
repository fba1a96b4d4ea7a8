package shm_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/shm"
)

// TestObjectsFilterKeepSortCut: with more names in /dev/shm than the list holds (any local user can make them),
// the filter comes first, what the caller keeps (the daemon's own) is always there, and the rest are the first
// by name: 20,000 junk names push out neither an event nor a held mapping. Memory stays bounded: the list
// never holds more than MaxObjects.
func TestObjectsFilterKeepSortCut(t *testing.T) {
	base := testName(t)
	junk := shm.MaxObjects + 500
	for i := range junk {
		p := filepath.Join(shm.ShmDir, fmt.Sprintf("%s-a-junk-%05d", base, i))
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(p) })
	}
	ev := base + "-z-event"
	openEvent(t, shm.EventOptions{Name: ev})
	held := base + "-z-held"
	create(t, shm.Options{Name: held, Size: 4096, Mode: shm.Create})

	events, truncated, err := shm.Objects(shm.ObjectFilter{Kind: "event"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(events, func(o shm.Object) bool { return o.Name == ev }) || slices.ContainsFunc(events, func(o shm.Object) bool { return o.Kind != "event" }) {
		t.Fatalf("kind=event among %d junk files: %d objects, truncated %v, without the event (or with others)", junk, len(events), truncated)
	}
	all, truncated, err := shm.Objects(shm.ObjectFilter{Keep: func(n string) bool { return n == held }})
	if err != nil {
		t.Fatal(err)
	}
	if !truncated || len(all) != shm.MaxObjects {
		t.Fatalf("%d objects, truncated %v: want %d, truncated", len(all), truncated, shm.MaxObjects)
	}
	if !slices.ContainsFunc(all, func(o shm.Object) bool { return o.Name == held }) {
		t.Fatal("the kept mapping was cut")
	}
	if !slices.IsSortedFunc(all, func(a, b shm.Object) int { return strings.Compare(a.Name, b.Name) }) {
		t.Fatal("not sorted by name")
	}
}

// TestObjectsUnusableNames: names the API refuses (a newline, invalid UTF-8, a bidirectional-text control)
// are listed, each marked with why it cannot be opened by name.
func TestObjectsUnusableNames(t *testing.T) {
	base := testName(t)
	bad := map[string]string{base + "-nl\nx": "control", base + "-\xff": "UTF-8", base + "-adv3x\u202egpj.exe": "bidirectional"}
	for n := range bad {
		p := filepath.Join(shm.ShmDir, n)
		if err := os.WriteFile(p, make([]byte, 16), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(p) })
	}
	objs, _, err := shm.Objects(shm.ObjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for n, why := range bad {
		i := slices.IndexFunc(objs, func(o shm.Object) bool { return o.Name == n })
		if i < 0 {
			t.Errorf("%q is not listed", n)
			continue
		}
		if u := objs[i].Unusable; u == "" || !strings.Contains(u, why) {
			t.Errorf("%q: unusable %q, want it to say %q", n, u, why)
		}
		if _, err := shm.Open(shm.Options{Name: n, Mode: shm.OpenExisting}); err == nil {
			t.Errorf("%q opened", n)
		}
	}
}
