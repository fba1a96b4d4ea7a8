package registry_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// TestTornReadMakesSeveralCopies: a seqlock read whose deadline passes during its first copy (a starved
// machine: one copy of a large page outlasting 25 ms) still makes a few copies before it answers
// ErrInconsistent, and says how long it took; a producer that finished writing is then read at once.
func TestTornReadMakesSeveralCopies(t *testing.T) {
	reg := registry.New(nil)
	m, _, err := reg.OpenMapping(shm.Options{Name: fmt.Sprintf("shmbridge-frame-%d", os.Getpid()), Size: 64, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.CloseMapping(m.Name(), true) })
	m.WriteAt(binary.LittleEndian.AppendUint32(nil, 1), 0) // odd: mid-write, for ever
	o := registry.FrameOptions{N: 64, Seqlock: &registry.Counter{Off: 0, Size: 4}, Deadline: time.Nanosecond, Retries: 100_000}
	_, err = m.ReadFrame(context.Background(), o)
	if !errors.Is(err, registry.ErrInconsistent) || !strings.Contains(err.Error(), ": 4 copies in ") || strings.Contains(err.Error(), "1ns") {
		t.Fatalf("a deadline past before the first copy ended: %v, want 4 copies and the time they took", err)
	}
	m.WriteAt(binary.LittleEndian.AppendUint32(nil, 2), 0)
	if f, err := m.ReadFrame(context.Background(), o); err != nil || f.Retries != 0 || f.Version != 2 {
		t.Fatalf("the write done: %+v, %v", f, err)
	}
}
