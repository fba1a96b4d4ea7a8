package watch

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// TestTornSaidOnce: a producer stuck mid-write is said once, however the torn reads' details (how many copies,
// in how long) differ from sample to sample; the first whole frame after it is a snapshot. (Under Wine the
// copies counted differed each sample, and every sample was said again.)
func TestTornSaidOnce(t *testing.T) {
	reg := registry.New(nil)
	name := fmt.Sprintf("shmbridge-watch-%d-%s", os.Getpid(), t.Name())
	m, _, err := reg.OpenMapping(shm.Options{Name: name, Size: 8, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.CloseMapping(name, true)
	l, err := layout.Compile([]byte("meta:\n  id: t\n  endian: le\nseq:\n  - id: seq\n    type: u4\n  - id: v\n    type: u4\n"), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	sel, _ := layout.ParseSelection("")
	frame := registry.FrameOptions{N: 8, Seqlock: &registry.Counter{Size: 4}, Deadline: -time.Second}
	d := &Decoding{Layout: l, ID: "t", Sel: sel, Frame: frame, MaxJSON: 1 << 20}
	hub := New()
	sub, err := hub.Subscribe([]Source{{Mapping: m, Interval: time.Hour, Decode: d}}) // samples once: the test drives it
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	types := func() (got []string) {
		t.Helper()
		msgs, _ := sub.Next()
		for _, msg := range msgs {
			got = append(got, msg.Type)
			msg.Release()
		}
		return got
	}
	<-sub.Ready()
	if got := types(); fmt.Sprint(got) != "[snapshot]" {
		t.Fatalf("first: %v", got)
	}
	s := sub.samplers[0]
	m.WriteAt([]byte{1}, 0) // a write begun, never finished
	s.sampleDecoded()
	s.dec.tornSince = timeNow().Add(-tornFor) // it has lasted
	for retries := range 3 {
		d.Frame.Retries = retries // "1 copies", "2 copies", "3 copies": three details of one failure
		if err := s.sampleDecoded(); err != nil {
			t.Fatal(err)
		}
	}
	if got := types(); fmt.Sprint(got) != "[error]" {
		t.Fatalf("a producer stuck mid-write through 4 samples: %v, want one error", got)
	}
	m.WriteAt([]byte{2, 0, 0, 0, 9}, 0)
	s.sampleDecoded()
	if got := types(); fmt.Sprint(got) != "[snapshot]" {
		t.Fatalf("after the write ended: %v", got)
	}
}
