package shm_test

import (
	"cmp"
	"runtime"
	"slices"
	"testing"

	"github.com/shmbridge/shmbridge/shm"
)

// TestObjectsListsWhatTheOSHas: a mapping, an event and a mutex, made through this package, are listed with
// their kinds under the names that open them again.
func TestObjectsListsWhatTheOSHas(t *testing.T) {
	base := testName(t)
	name := func(suffix string) string { return `Local\` + base + suffix }
	create(t, shm.Options{Name: name("-m"), Size: 4096, Mode: shm.Create})
	openEvent(t, shm.EventOptions{Name: name("-e"), ManualReset: true})
	openMutex(t, shm.MutexOptions{Name: name("-x")})

	objs, truncated, err := shm.Objects(shm.ObjectFilter{})
	if err != nil || truncated {
		t.Fatalf("Objects: %v (truncated %v)", err, truncated)
	}
	if !slices.IsSortedFunc(objs, func(a, b shm.Object) int { return cmp.Compare(a.Name, b.Name) }) {
		t.Error("Objects is not sorted by name")
	}
	listed := func(n string) (shm.Object, bool) {
		if runtime.GOOS == "linux" {
			n = n[len(`Local\`):] // /dev/shm has no namespaces
		}
		i := slices.IndexFunc(objs, func(o shm.Object) bool { return o.Name == n })
		if i < 0 {
			return shm.Object{}, false
		}
		return objs[i], true
	}
	for suffix, kind := range map[string]shm.Kind{"-m": shm.KindMapping, "-e": shm.KindEvent, "-x": shm.KindMutex} {
		o, ok := listed(name(suffix))
		if !ok {
			t.Errorf("%s is not listed among %d objects", name(suffix), len(objs))
			continue
		}
		if o.Kind != kind {
			t.Errorf("%s: kind %q (type %q), want %q", o.Name, o.Kind, o.Type, kind)
		}
		if runtime.GOOS == "linux" && kind == "mapping" && o.Size != 4096 {
			t.Errorf("%s: size %d, want 4096", o.Name, o.Size)
		}
		// What is listed opens by its listed name.
		if kind == "mapping" {
			m, err := shm.Open(shm.Options{Name: o.Name, Mode: shm.OpenExisting, Access: shm.ReadOnly})
			if err != nil {
				t.Errorf("open %s as listed: %v", o.Name, err)
			} else {
				m.Close()
			}
		}
	}
}
