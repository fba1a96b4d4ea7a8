package shm_test

import (
	"sync"
	"testing"

	"github.com/shmbridge/shmbridge/shm"
)

// TestCompareAndSwap32: a word goes from old to new only when it holds old, seen by another view of the
// mapping as another program would see it; of many concurrent takers of a free word exactly one wins; a
// misaligned word, a word past the end and a read-only view are refused.
func TestCompareAndSwap32(t *testing.T) {
	name := `Local\` + testName(t)
	m := create(t, shm.Options{Name: name, Size: 8})
	other := create(t, shm.Options{Name: name, Mode: shm.OpenExisting})
	if ok, err := m.CompareAndSwap32(4, 0, 1); !ok || err != nil {
		t.Fatalf("CAS 0→1 of a zero word: %v, %v", ok, err)
	}
	if v, err := other.Load32(4); v != 1 || err != nil {
		t.Fatalf("the other view reads %d, %v; want 1", v, err)
	}
	if ok, err := other.CompareAndSwap32(4, 0, 1); ok || err != nil {
		t.Fatalf("CAS 0→1 of a word holding 1: %v, %v; want false", ok, err)
	}
	if err := other.Store32(4, 0); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Load32(4); v != 0 {
		t.Fatalf("after the other view's store: %d", v)
	}
	if v, _ := m.Load32(0); v != 0 {
		t.Fatalf("the word beside it changed: %d", v)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 16 {
		wg.Go(func() {
			ok, err := other.CompareAndSwap32(0, 0, 7)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if v, _ := m.Load32(0); won != 1 || v != 7 {
		t.Fatalf("%d of 16 concurrent takers won, the word is %d: want 1 and 7", won, v)
	}

	_, err := m.CompareAndSwap32(2, 0, 1)
	mustErr(t, err, shm.ErrInvalid)
	_, err = m.CompareAndSwap32(8, 0, 1)
	mustErr(t, err, shm.ErrOutOfRange)
	ro := create(t, shm.Options{Name: name, Mode: shm.OpenExisting, Access: shm.ReadOnly})
	_, err = ro.CompareAndSwap32(4, 0, 1)
	mustErr(t, err, shm.ErrReadOnly)
	mustErr(t, ro.Store32(4, 1), shm.ErrReadOnly)
}
