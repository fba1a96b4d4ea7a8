package record

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// frames makes n frames of a range of size bytes, each a few bytes changed from the one before (some not at all).
func frames(n, size int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	cur := make([]byte, size)
	var out [][]byte
	for i := range n {
		switch i % 7 {
		case 3: // unchanged
		case 5: // all of it
			for j := range cur {
				cur[j] = byte(rng.IntN(256))
			}
		default:
			for range 1 + rng.IntN(4) {
				cur[rng.IntN(size)] = byte(rng.IntN(256))
			}
		}
		out = append(out, bytes.Clone(cur))
	}
	return out
}

func record(t *testing.T, path string, fs [][]byte) (t0 time.Time, kept int) {
	t.Helper()
	w, err := Create(path, Header{ID: "r000000000001", Mapping: "Local\\Test", Length: int64(len(fs[0])), Consistency: "none", Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	t0 = time.Unix(1700000000, 0)
	for i, f := range fs {
		n, err := w.Frame(t0.Add(time.Duration(i)*time.Millisecond), uint64(i), f, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			kept++
		}
	}
	if err := w.Close(End{Stopped: time.Now(), Reason: ReasonStopped}); err != nil {
		t.Fatal(err)
	}
	return t0, kept
}

// TestRoundTrip: the frames read back are the frames written (unchanged ones not kept), with their time and
// counter; deltas are what most of them take.
func TestRoundTrip(t *testing.T) {
	fs := frames(200, 4096)
	path := filepath.Join(testutil.TempDir(t), "r.shmrec")
	t0, kept := record(t, path, fs)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	got := 0
	for i, fr := range fs {
		if i > 0 && bytes.Equal(fr, fs[i-1]) {
			continue
		}
		want++
		g, err := rd.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		got++
		if !bytes.Equal(g.Bytes, fr) || g.Counter != uint64(i) || !g.Time.Equal(t0.Add(time.Duration(i)*time.Millisecond)) {
			t.Fatalf("frame %d read back differs (counter %d, time %v)", i, g.Counter, g.Time)
		}
	}
	if _, err := rd.Next(); err != io.EOF || rd.End() == nil || rd.End().Frames != int64(kept) || want != kept {
		t.Fatalf("after %d frames: %v, end %+v (kept %d, want %d)", got, err, rd.End(), kept, want)
	}
	st, _ := os.Stat(path)
	if st.Size() > int64(len(fs))*4096/3 {
		t.Errorf("%d bytes for %d frames of 4096 with few changes: the deltas are not kept as deltas", st.Size(), len(fs))
	}
}

// TestCutShort: a file cut at any byte reads back as the frames whose records are whole before the cut, then a
// truncated FormatError (or io.EOF at a record boundary); Recover makes it a whole recording of those frames.
func TestCutShort(t *testing.T) {
	fs := frames(12, 64)
	dir := testutil.TempDir(t)
	whole := filepath.Join(dir, "whole.shmrec")
	record(t, whole, fs)
	data, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Scan(bytes.NewReader(data))
	for cut := 0; cut < len(data); cut++ {
		s, err := Scan(bytes.NewReader(data[:cut]))
		if err != nil {
			t.Fatal(err)
		}
		if s.End != nil {
			t.Fatalf("cut at %d: an end record", cut)
		}
		if s.Problem != nil && !s.Problem.Truncated {
			t.Fatalf("cut at %d: %v, not truncated", cut, s.Problem)
		}
		if s.Frames > full.Frames || (s.Problem == nil && s.Whole != int64(cut)) {
			t.Fatalf("cut at %d: %d frames, whole %d", cut, s.Frames, s.Whole)
		}
		path := filepath.Join(dir, "cut.shmrec")
		if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := Recover(path)
		if err != nil {
			t.Fatal(err)
		}
		if s.Header.Format == 0 { // not even the header: left as it is
			if r.Problem == nil {
				t.Fatalf("cut at %d: no header, yet no problem", cut)
			}
			continue
		}
		again, _ := os.ReadFile(path)
		s2, _ := Scan(bytes.NewReader(again))
		if s2.Problem != nil || s2.End == nil || s2.End.Reason != ReasonInterrupted || s2.Frames != s.Frames || s2.End.Frames != s.Frames {
			t.Fatalf("cut at %d, recovered: %+v", cut, s2)
		}
	}
}

// TestDamaged: a flipped byte anywhere is a problem at or before its record, never a frame that differs.
func TestDamaged(t *testing.T) {
	fs := frames(10, 64)
	path := filepath.Join(testutil.TempDir(t), "r.shmrec")
	record(t, path, fs)
	data, _ := os.ReadFile(path)
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x40
		s, err := Scan(bytes.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if s.Problem == nil {
			t.Fatalf("byte %d flipped: no problem found", i)
		}
		if s.Problem.Offset > int64(i) {
			t.Fatalf("byte %d flipped: the problem is said at %d, after it", i, s.Problem.Offset)
		}
	}
}

// TestRoom: a frame past the room is ErrFull and leaves the file as it was.
func TestRoom(t *testing.T) {
	path := filepath.Join(testutil.TempDir(t), "r.shmrec")
	w, err := Create(path, Header{Length: 100, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	size := w.Size()
	if _, err := w.Frame(time.Now(), 0, make([]byte, 100), 50); !errors.Is(err, ErrFull) || w.Size() != size {
		t.Fatalf("a 100-byte snapshot in 50 bytes of room: %v, size %d → %d", err, size, w.Size())
	}
	if n, err := w.Frame(time.Now(), 0, make([]byte, 100), 1000); err != nil || n != recordHead+frameHead+100+recordTail {
		t.Fatalf("a snapshot: %d bytes, %v", n, err)
	}
	w.Close(End{Reason: ReasonStopped})
}

// TestStore: a recording's recorder stops at its max_bytes, its max_duration, on Stop, and when the source
// ends; a new store lists them again, and completes one that was cut short.
func TestStore(t *testing.T) {
	dir := testutil.TempDir(t)
	s, err := Open(dir, Options{Budget: 1 << 20, MaxActive: 4})
	if err != nil {
		t.Fatal(err)
	}
	tick := make(chan struct{})
	ended := make(chan struct{})
	n := 0
	src := func(ended chan struct{}) Source {
		buf := make([]byte, 256)
		return Source{
			Next: func(halt <-chan struct{}) (bool, error) {
				select {
				case <-halt:
					return false, nil
				case tick <- struct{}{}:
					return true, nil
				}
			},
			Read:    func() ([]byte, uint64, error) { n++; buf[n%256]++; return buf, uint64(n), nil },
			Closing: ended, Close: func() {},
		}
	}
	h := Header{Mapping: "m", Length: 256, Started: time.Now()}
	byBytes, err := s.Start(h, src(ended), Limits{MaxBytes: 2000})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Get(byBytes.ID)
	drain := func(r *Recording) {
		for {
			select {
			case <-tick:
			case <-r.done:
				return
			}
		}
	}
	drain(r)
	byBytes = r.Info()
	if byBytes.Reason != ReasonMaxBytes || byBytes.Bytes > 2000 || byBytes.Frames < 2 {
		t.Fatalf("max_bytes 2000: %+v", byBytes)
	}
	byStop, err := s.Start(h, src(ended), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	<-tick
	<-tick
	r, _ = s.Get(byStop.ID)
	r.Stop()
	if i := r.Info(); i.State != StateStopped || i.Reason != ReasonStopped || i.Frames < 1 {
		t.Fatalf("stopped: %+v", i)
	}
	byEnd, err := s.Start(h, src(ended), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	<-tick
	close(ended)
	r, _ = s.Get(byEnd.ID)
	<-r.done
	if i := r.Info(); i.Reason != ReasonMappingClosed {
		t.Fatalf("the source ended: %+v", i)
	}
	byTime, err := s.Start(h, src(make(chan struct{})), Limits{MaxDuration: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = s.Get(byTime.ID)
	drain(r)
	if i := r.Info(); i.Reason != ReasonMaxDuration {
		t.Fatalf("max_duration: %+v", i)
	}
	s.Close()
	before := s.List()

	w, err := Create(filepath.Join(dir, "r0123456789ab.shmrec"), Header{Length: 8, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	w.Frame(time.Now(), 1, make([]byte, 8), 1000)
	w.f.Write([]byte{9, 9, 9}) // a record begun, never finished: the daemon was killed
	w.f.Close()
	os.WriteFile(filepath.Join(dir, "r0123456789ac.shmrec"), []byte("not a recording at all"), 0o600)

	s2, err := Open(dir, Options{Budget: 1 << 20, MaxActive: 4})
	if err != nil {
		t.Fatal(err)
	}
	after := s2.List()
	if len(after) != len(before)+2 {
		t.Fatalf("%d recordings after a restart, %d before (and 2 more files)", len(after), len(before))
	}
	killed := mustGet(t, s2, "r0123456789ab")
	if killed.State != StateStopped || killed.Reason != ReasonInterrupted || killed.Frames != 1 {
		t.Fatalf("a recording cut short, after a restart: %+v", killed)
	}
	if junk := mustGet(t, s2, "r0123456789ac"); junk.State != StateDamaged || junk.Problem == nil {
		t.Fatalf("a file that is not a recording: %+v", junk)
	}
	if _, err := s2.Start(h, src(make(chan struct{})), Limits{}); err != nil && !errors.Is(err, ErrNoRoom) {
		t.Fatal(err)
	}
	s2.Close()
	full, _ := Open(dir, Options{Budget: s2.Used(), MaxActive: 4})
	if _, err := full.Start(h, src(make(chan struct{})), Limits{}); !errors.Is(err, ErrNoRoom) {
		t.Fatalf("the budget spent: %v", err)
	}
}

func mustGet(t *testing.T, s *Store, id string) Info {
	t.Helper()
	r, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Info()
}

// TestHeaderKeepsImports: a header keeps the layout's imports' sources, read back as written; a header without
// them (a file made before they were kept) reads as it did, with none.
func TestHeaderKeepsImports(t *testing.T) {
	dir := testutil.TempDir(t)
	h := Header{Length: 2, Layout: "pos", LayoutSource: "meta: {id: pos, imports: [vec]}", Started: time.Unix(1, 0),
		LayoutImports: map[string]string{"vec": "meta: {id: vec}\nseq: [{id: x, type: u2}]"}}
	w, err := Create(filepath.Join(dir, "new.shmrec"), h)
	if err != nil {
		t.Fatal(err)
	}
	w.Close(End{Reason: ReasonStopped})
	data, _ := os.ReadFile(filepath.Join(dir, "new.shmrec"))
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil || len(rd.Header().LayoutImports) != 1 || rd.Header().LayoutImports["vec"] != h.LayoutImports["vec"] {
		t.Fatalf("read back: %+v, %v", rd.Header(), err)
	}
	old := `{"format":1,"id":"r1","mapping":"m","offset":0,"length":2,"layout":"pos","layout_source":"meta: {id: pos}","consistency":"none","counter":false,"started":"2024-01-01T00:00:00Z"}`
	file := appendRecord([]byte(Magic), KindHeader, func(b []byte) []byte { return append(b, old...) })
	rd, err = NewReader(bytes.NewReader(file))
	if err != nil || rd.Header().LayoutImports != nil || rd.Header().LayoutSource != "meta: {id: pos}" {
		t.Fatalf("an older header: %+v, %v", rd.Header(), err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("an older file's end: %v", err)
	}
}

// TestHeaderTooLarge: a header over the format's cap is refused at create (ErrHeaderTooLarge), no file left.
func TestHeaderTooLarge(t *testing.T) {
	path := filepath.Join(testutil.TempDir(t), "big.shmrec")
	big := string(bytes.Repeat([]byte("a"), 1<<20))
	h := Header{Length: 2, LayoutSource: big, LayoutImports: map[string]string{}}
	for i := range 8 {
		h.LayoutImports[string(rune('a'+i))] = big
	}
	if _, err := Create(path, h); !errors.Is(err, ErrHeaderTooLarge) {
		t.Fatalf("a header of 9 MiB: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a file left: %v", err)
	}
}
