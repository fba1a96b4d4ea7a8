package replay

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/internal/watch"
)

func TestMain(m *testing.M) { os.Exit(testutil.RunChecked(m)) }

// fixture is a registry holding a mapping of 8 bytes, and a store holding a recording of a range of 8 bytes:
// frames 1…5 (each byte the frame's number), 10 ms apart.
type fixture struct {
	reg *registry.Registry
	m   *registry.Mapping
	res *record.Resources
	id  string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	reg := registry.New(nil)
	name := fmt.Sprintf("shmbridge-replay-%d-%s", os.Getpid(), t.Name())
	m, _, err := reg.OpenMapping(registry.Options{Name: name, Size: 8, Mode: registry.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.CloseMapping(name, true) })
	dir := testutil.TempDir(t)
	id := "r0123456789ab"
	w, err := record.Create(filepath.Join(dir, id+".shmrec"), record.Header{ID: id, Mapping: name, Length: 8, Consistency: "none", Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	for i := range 5 {
		if _, err := w.Frame(at.Add(time.Duration(i)*10*time.Millisecond), 0, bytes.Repeat([]byte{byte(i + 1)}, 8), 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(record.End{Stopped: at, Reason: record.ReasonStopped}); err != nil {
		t.Fatal(err)
	}
	store, err := record.Open(dir, record.Options{Budget: 1 << 20, MaxActive: 1})
	if err != nil {
		t.Fatal(err)
	}
	res := &record.Resources{Registry: reg, Recordings: store, Budget: budget.New(1 << 20), Samples: watch.New(),
		MinInterval: time.Millisecond, MaxInterval: time.Hour}
	return &fixture{reg: reg, m: m, res: res, id: id}
}

func until(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never %s", what)
		}
	}
}

// TestPlayerPlaysOnce: a replay writes every frame and ends done, the mapping holding the last; its room in
// the budget is given back; a second replay may then start.
func TestPlayerPlaysOnce(t *testing.T) {
	f := newFixture(t)
	p := NewPlayer(nil)
	defer p.Close()
	if _, err := p.Start(f.res, f.m, Request{Recording: f.id, Speed: 10}); err != nil {
		t.Fatal(err)
	}
	until(t, "done", func() bool { i, _ := p.Get(f.m.Name()); return i.State == StateDone })
	i, _ := p.Get(f.m.Name())
	got := make([]byte, 8)
	f.m.ReadAt(got, 0)
	if i.Frames != 5 || i.Ended.IsZero() || !bytes.Equal(got, bytes.Repeat([]byte{5}, 8)) {
		t.Errorf("done: %+v, the mapping % x", i, got)
	}
	if n := f.res.Budget.InUse(); n != 0 {
		t.Errorf("%d bytes of the budget still taken", n)
	}
	if _, err := p.Start(f.res, f.m, Request{Recording: f.id, Speed: 10}); err != nil {
		t.Errorf("again: %v", err)
	}
}

// TestPlayerRefuses: each refusal is its own error.
func TestPlayerRefuses(t *testing.T) {
	f := newFixture(t)
	p := NewPlayer(nil)
	defer p.Close()
	for _, c := range []struct {
		req  Request
		want error
	}{
		{Request{}, ErrInvalid},
		{Request{Recording: f.id, Speed: 1001}, ErrInvalid},
		{Request{Recording: f.id, Speed: -1}, ErrInvalid},
		{Request{Recording: "r000000000000"}, record.ErrNotFound},
	} {
		if _, err := p.Start(f.res, f.m, c.req); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.req, err, c.want)
		}
	}
	if _, err := p.Get(f.m.Name()); !errors.Is(err, ErrNotFound) {
		t.Errorf("no replay yet: %v", err)
	}
	if _, err := p.Start(f.res, f.m, Request{Recording: f.id, Loop: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Start(f.res, f.m, Request{Recording: f.id}); !errors.Is(err, ErrPlaying) {
		t.Errorf("while one plays: %v", err)
	}
	if i, err := p.Stop(f.m.Name()); err != nil || i.State != StateStopped {
		t.Errorf("stopped: %+v, %v", i, err)
	}
}

// TestPlayerClose: Close stops every replay and waits for them: by the time it returns each has ended
// stopped, its room given back; then it refuses any other. (A Close that did not wait would be caught in
// some of the rounds: a replay's goroutine needs a moment to see it is stopped.)
func TestPlayerClose(t *testing.T) {
	f := newFixture(t)
	for round := range 20 {
		p := NewPlayer(nil)
		if _, err := p.Start(f.res, f.m, Request{Recording: f.id, Loop: true, Speed: 1000}); err != nil {
			t.Fatal(err)
		}
		until(t, "written", func() bool { i, _ := p.Get(f.m.Name()); return i.Frames >= 1 })
		p.Close()
		if n := f.res.Budget.InUse(); n != 0 {
			t.Fatalf("round %d: closed, yet %d bytes of the budget still taken: its goroutine was not waited for", round, n)
		}
		if l := p.List(); len(l) != 1 || l[0].State != StateStopped {
			t.Fatalf("round %d: after Close: %+v", round, l)
		}
		if _, err := p.Start(f.res, f.m, Request{Recording: f.id}); !errors.Is(err, ErrClosed) {
			t.Fatalf("round %d: after Close: %v", round, err)
		}
	}
}

// TestPlayerMappingClosed: a replay ends failed when its mapping is closed, and is forgotten with it.
func TestPlayerMappingClosed(t *testing.T) {
	f := newFixture(t)
	p := NewPlayer(nil)
	defer p.Close()
	if _, err := p.Start(f.res, f.m, Request{Recording: f.id, Loop: true}); err != nil {
		t.Fatal(err)
	}
	f.reg.CloseMapping(f.m.Name(), true)
	until(t, "forgotten", func() bool { _, err := p.Get(f.m.Name()); return errors.Is(err, ErrNotFound) })
	if n := f.res.Budget.InUse(); n != 0 {
		t.Errorf("%d bytes of the budget still taken", n)
	}
}
