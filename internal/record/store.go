package record

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Store keeps the recordings in a directory (ID.shmrec each) and runs their recorders. All the recordings'
// files together stay within a budget of bytes, and a recorder stops when the file system's free space falls
// to a reserve: a recording never fills the disk.
type Store struct {
	dir       string
	budget    int64
	minFree   int64
	maxActive int
	log       *slog.Logger

	mu   sync.Mutex
	recs map[string]*Recording
	// wg counts the recorders running.
	wg sync.WaitGroup
}

// Options configure a store.
type Options struct {
	// Budget caps the bytes of all the recordings' files; MinFree is the free space a recorder leaves on the
	// file system; MaxActive how many record at once.
	Budget, MinFree int64
	MaxActive       int
	Log             *slog.Logger
}

// Errors of the store.
var (
	ErrNotFound  = errors.New("no such recording")
	ErrBusy      = errors.New("too many recordings under way")
	ErrNoRoom    = errors.New("no room for a recording")
	ErrRecording = errors.New("the recording is under way")
	ErrNoDir     = errors.New("no recordings directory")
)

// States of a recording.
const (
	StateRecording = "recording"
	StateStopped   = "stopped"
	StateDamaged   = "damaged" // its file is not whole (Problem says where)
)

// ext is a recording's file extension.
const ext = ".shmrec"

var idPattern = regexp.MustCompile(`^r[0-9a-f]{12}$`)

// Recording is one recording the store keeps.
type Recording struct {
	ID   string
	path string

	mu      sync.Mutex
	header  Header
	state   string
	reason  string
	frames  int64
	size    int64
	last    time.Time
	ended   time.Time
	problem *FormatError
	w       *Writer       // while recording
	stop    chan struct{} // closed to stop it
	done    chan struct{} // closed when its recorder has ended
	stopped sync.Once
}

// Info is a recording's state.
type Info struct {
	ID     string
	Header Header
	State  string
	// Reason is why it stopped (a Reason constant).
	Reason string
	Frames int64
	Bytes  int64
	// Last is the last frame's time; Ended when the recording stopped.
	Last, Ended time.Time
	Problem     *FormatError
}

// Open loads the recordings in dir ("" for none: every Start is ErrNoDir), completing those a killed daemon
// left without an end (Recover). A file that cannot be read is listed as damaged.
func Open(dir string, o Options) (*Store, error) {
	s := &Store{dir: dir, budget: o.Budget, minFree: o.MinFree, maxActive: o.MaxActive, log: o.Log, recs: map[string]*Recording{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ext)
		if !ok || !idPattern.MatchString(id) || !e.Type().IsRegular() {
			continue
		}
		rec := &Recording{ID: id, path: filepath.Join(dir, e.Name())}
		sum, err := Recover(rec.path)
		if err != nil && diskFull(err) && sum.Problem == nil { // no room for its end record: whole all the same
			s.log.Warn("a recording cut short could not be completed: the file system is full", "id", id)
			sum.End, err = &End{Stopped: sum.Last, Reason: ReasonInterrupted, Frames: sum.Frames}, nil
		}
		if err != nil {
			s.log.Warn("a recording could not be read", "id", id, "error", err)
			rec.problem = &FormatError{Detail: err.Error()}
		}
		if sum.End != nil && sum.End.Reason == ReasonInterrupted && sum.Problem == nil && err == nil {
			s.log.Info("a recording cut short was completed", "id", id, "frames", sum.Frames)
		}
		rec.fromSummary(sum)
		if st, err := os.Stat(rec.path); err == nil {
			rec.size = st.Size()
		}
		s.recs[id] = rec
	}
	return s, nil
}

func (r *Recording) fromSummary(sum Summary) {
	r.header, r.frames, r.last, r.state = sum.Header, sum.Frames, sum.Last, StateStopped
	if sum.End != nil {
		r.reason, r.ended = sum.End.Reason, sum.End.Stopped
	}
	if sum.Problem != nil {
		r.state, r.problem = StateDamaged, sum.Problem
	}
}

// Info is the recording's state now.
func (r *Recording) Info() Info {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := Info{ID: r.ID, Header: r.header, State: r.state, Reason: r.reason, Frames: r.frames, Bytes: r.size,
		Last: r.last, Ended: r.ended, Problem: r.problem}
	if r.state == StateRecording {
		i.Reason = ""
	}
	return i
}

// Get is the recording id.
func (s *Store) Get(id string) (*Recording, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.recs[id]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
}

// List is every recording's state, the oldest first.
func (s *Store) List() []Info {
	s.mu.Lock()
	recs := make([]*Recording, 0, len(s.recs))
	for _, r := range s.recs {
		recs = append(recs, r)
	}
	s.mu.Unlock()
	out := make([]Info, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.Info())
	}
	slices.SortFunc(out, func(a, b Info) int {
		if c := a.Header.Started.Compare(b.Header.Started); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Used is the bytes of all the recordings' files.
func (s *Store) Used() int64 {
	s.mu.Lock()
	recs := make([]*Recording, 0, len(s.recs))
	for _, r := range s.recs {
		recs = append(recs, r)
	}
	s.mu.Unlock()
	var n int64
	for _, r := range recs {
		r.mu.Lock()
		n += r.size
		r.mu.Unlock()
	}
	return n
}

// Budget is the store's budget of bytes.
func (s *Store) Budget() int64 { return s.budget }

// Delete stops the recording if it is under way and removes its file.
func (s *Store) Delete(id string) error {
	r, err := s.Get(id)
	if err != nil {
		return err
	}
	r.Stop()
	if err := os.Remove(r.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	s.mu.Lock()
	delete(s.recs, id)
	s.mu.Unlock()
	return nil
}

// Open opens the recording's file for reading: its whole records (a recording under way: those written so
// far), n bytes of it.
func (r *Recording) Open() (f *os.File, n int64, err error) {
	f, err = os.Open(r.path)
	if err != nil {
		return nil, 0, err
	}
	r.mu.Lock()
	n = r.size
	r.mu.Unlock()
	return f, n, nil
}

// Reader opens the recording for reading its frames: one that is stopped and whole, or (underWay) its whole
// records so far while it records (else ErrRecording); its *FormatError if it is damaged. Close the file when
// done.
func (r *Recording) Reader(underWay bool) (*Reader, io.Closer, error) {
	i := r.Info()
	switch {
	case i.State == StateRecording && !underWay:
		return nil, nil, ErrRecording
	case i.Problem != nil:
		return nil, nil, i.Problem
	}
	f, n, err := r.Open()
	if err != nil {
		return nil, nil, err
	}
	rd, err := NewReader(io.NewSectionReader(f, 0, n))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return rd, f, nil
}

// Check reads a recording that is not under way through (ErrRecording while it is): its summary, whose
// Problem says where its file is not whole.
func (r *Recording) Check() (Summary, error) {
	if r.running() {
		return Summary{}, ErrRecording
	}
	f, n, err := r.Open()
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	return Scan(io.NewSectionReader(f, 0, n))
}

// Close stops every recording under way (reason shutdown) and waits for their recorders.
func (s *Store) Close() {
	s.mu.Lock()
	recs := make([]*Recording, 0, len(s.recs))
	for _, r := range s.recs {
		recs = append(recs, r)
	}
	s.mu.Unlock()
	for _, r := range recs {
		r.StopFor(ReasonShutdown)
	}
	s.wg.Wait()
}
