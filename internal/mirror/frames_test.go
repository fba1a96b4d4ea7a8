package mirror_test

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// bodySize is a frame's bytes after its counter: large, so that a copy here takes long enough (tens of µs) for a
// reader to meet it half done unless the writer follows the seqlock.
const bodySize = 256<<10 - 4

// seqlockKsy is a frame of a seqlock counter and a body a producer fills with one value per frame.
const seqlockKsy = `meta:
  id: mirror_seqlock
  endian: le
  -shmbridge:
    consistency:
      seqlock: seq
seq:
  - id: seq
    type: u4
  - id: body
    size: 262140
`

// seqlockWriter writes frames as a seqlock producer does until stop: the counter odd, the body filled with
// the frame's number's low byte, the counter even; then a pause, as a producer between two frames (one that
// never paused would leave no reader, at the source either, a whole frame to copy).
func seqlockWriter(m *shm.Mapping, stop <-chan struct{}) (frames int) {
	body := make([]byte, bodySize)
	for seq := uint32(2); ; seq += 2 {
		select {
		case <-stop:
			return frames
		default:
		}
		var c [4]byte
		binary.LittleEndian.PutUint32(c[:], seq-1)
		m.StoreCounter(0, 4, [8]byte(append(c[:], 0, 0, 0, 0)))
		for i := range body {
			body[i] = byte(seq / 2)
		}
		m.WriteAt(body, 4)
		binary.LittleEndian.PutUint32(c[:], seq)
		m.StoreCounter(0, 4, [8]byte(append(c[:], 0, 0, 0, 0)))
		frames++
		time.Sleep(2 * time.Millisecond) // the producer's pace: about 500 Hz
	}
}

// seqlockRead reads a frame as a native reader following the seqlock does: copy between two equal, even
// counters. It reports whether the frame is whole (its body one value) and whether one was read.
func seqlockRead(m *shm.Mapping, buf []byte) (whole, read bool) {
	var c [4]byte
	m.ReadAt(c[:], 0)
	before := binary.LittleEndian.Uint32(c[:])
	m.ReadAt(buf, 4)
	m.ReadAt(c[:], 0)
	if after := binary.LittleEndian.Uint32(c[:]); before%2 == 1 || after != before {
		return false, false
	}
	for _, b := range buf {
		if b != buf[0] {
			return false, true
		}
	}
	return true, true
}

// TestMirrorLayoutNeverTorn: with a layout, the source copies each frame by its protocol and the mirror writes
// it by the same protocol here: a reader that follows the seqlock here never reads a torn frame (a writer here
// that left the seqlock out tore one within 300 reads).
func TestMirrorLayoutNeverTorn(t *testing.T) {
	src, dst := newDaemon(t, "", false), newDaemon(t, "", false)
	for _, d := range []*daemon{src, dst} {
		if _, _, err := d.layouts.Put("mirror_seqlock", []byte(seqlockKsy)); err != nil {
			t.Fatal(err)
		}
	}
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 256<<10)
	held, _ := src.reg.GetMapping(from)
	held.SetLayout("mirror_seqlock") // a read token reads by a built-in layout, or the mapping's default one
	producer := openNative(t, from)
	creds, _ := src.readToken()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written atomic.Int64
	wg.Go(func() { written.Store(int64(seqlockWriter(producer, stop))) })
	defer func() { close(stop); wg.Wait() }()
	m := dst.create(map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to, "interval": "2ms", "layout": "mirror_seqlock"})
	reader := openNative(t, to)
	buf := make([]byte, bodySize)
	whole, values := 0, map[byte]bool{}
	testutil.WaitFor(t, "200 whole frames read here, of 20 values", func() bool {
		for range 20 {
			ok, read := seqlockRead(reader, buf)
			switch {
			case read && !ok:
				i := 0
				for i < len(buf)-1 && buf[i] == buf[0] {
					i++
				}
				t.Fatalf("a torn frame here after %d whole ones: its body starts with %d, has %d at %d", whole, buf[0], buf[i], i)
			case ok:
				whole++
				values[buf[0]] = true
			}
		}
		return whole >= 200 && len(values) >= 20
	})
	if got := dst.mirrorOf(m.ID); got.Frames < 20 {
		t.Errorf("%d frames written", got.Frames)
	}
}
