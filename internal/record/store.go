package record

import (
	"crypto/rand"
	"encoding/hex"
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

// Source is what a recorder samples.
type Source struct {
	// Next waits for the time of the next sample: true; false when halt is closed first.
	Next func(halt <-chan struct{}) (bool, error)
	// Read samples the range: its bytes (valid until the next Read) and its frame counter. An error that
	// Lost reports true of loses this sample only (a torn frame, a mutex held long): the recording goes on.
	Read func() ([]byte, uint64, error)
	Lost func(error) bool
	// Closing is closed when the mapping's close begins; Close releases what the source holds.
	Closing <-chan struct{}
	Close   func()
}

// Limits end a recording: at MaxBytes of file (0: only the budget), after MaxDuration (0: none).
type Limits struct {
	MaxBytes    int64
	MaxDuration time.Duration
}

// Start begins a recording of src: its file made with h as the header, its recorder running until it is
// stopped or reaches a limit. It answers ErrNoDir, ErrBusy, ErrNoRoom (the budget spent, or the file system
// at its reserve: wraps ErrDiskFull then), or the file's error.
func (s *Store) Start(h Header, src Source, lim Limits) (Info, error) {
	if s.dir == "" {
		return Info{}, ErrNoDir
	}
	if err := s.room(h.Length + h.sourceBytes()); err != nil {
		return Info{}, err
	}
	s.mu.Lock()
	active := 0
	for _, r := range s.recs {
		if r.running() {
			active++
		}
	}
	if active >= s.maxActive {
		s.mu.Unlock()
		return Info{}, fmt.Errorf("%w: %d (-max-recordings)", ErrBusy, active)
	}
	id := newID()
	rec := &Recording{ID: id, path: filepath.Join(s.dir, id+ext), state: StateRecording, stop: make(chan struct{}), done: make(chan struct{})}
	s.recs[id] = rec // reserved under the lock: the active count holds
	s.mu.Unlock()
	h.ID, h.Format = id, 1
	w, err := Create(rec.path, h)
	if err != nil {
		s.mu.Lock()
		delete(s.recs, id)
		s.mu.Unlock()
		if diskFull(err) {
			return Info{}, fmt.Errorf("%w: %w", ErrNoRoom, ErrDiskFull)
		}
		return Info{}, err
	}
	rec.mu.Lock()
	rec.header, rec.w, rec.size = h, w, w.Size()
	rec.mu.Unlock()
	s.wg.Add(1)
	go s.run(rec, src, lim)
	return rec.Info(), nil
}

// ErrDiskFull is a file system without room for more (its free space at the reserve, or a write refused).
var ErrDiskFull = errors.New("the file system is full")

// room checks the budget and the file system's free space before a recording begins: room for its header, a
// first frame of length bytes and its end.
func (s *Store) room(length int64) error {
	need := length + int64(headerRoom) + endRoom
	if used := s.Used(); used+need > s.budget {
		return fmt.Errorf("%w: the recordings hold %d bytes, the budget (-recordings-budget) is %d: no room for another of %d bytes a frame", ErrNoRoom, used, s.budget, length)
	}
	if free, err := freeSpace(s.dir); err == nil && free-need <= s.minFree {
		return fmt.Errorf("%w: %w: %d bytes free, the reserve (-recordings-min-free) is %d", ErrNoRoom, ErrDiskFull, free, s.minFree)
	}
	return nil
}

func newID() string {
	var b [6]byte
	rand.Read(b[:])
	return "r" + hex.EncodeToString(b[:])
}

// run is a recording's recorder.
func (s *Store) run(rec *Recording, src Source, lim Limits) {
	defer s.wg.Done()
	defer close(rec.done)
	defer src.Close()
	halt := make(chan struct{})
	var timeUp <-chan time.Time
	if lim.MaxDuration > 0 {
		t := time.NewTimer(lim.MaxDuration)
		defer t.Stop()
		timeUp = t.C
	}
	reason := make(chan string, 1)
	// One channel for Next to wait on: whichever ends the recording first. Its goroutine is joined before the
	// recorder ends (quit releases it however the recorder ends), so that Close waits for it too.
	quit := make(chan struct{})
	var ender sync.WaitGroup
	defer ender.Wait()
	defer close(quit)
	ender.Go(func() {
		defer close(halt)
		select {
		case <-rec.stop:
		case <-quit:
		case <-timeUp:
			reason <- ReasonMaxDuration
		case <-src.Closing:
			reason <- ReasonMappingClosed
		}
	})
	end := func(why string, err error) {
		if err != nil {
			s.log.Warn("a recording stopped", "id", rec.ID, "reason", why, "error", err)
		}
		rec.finish(why)
	}
	for {
		ok, err := src.Next(halt)
		if err != nil {
			end(ReasonFailed, err)
			rec.Stop()
			return
		}
		if !ok {
			why := ReasonStopped
			select {
			case why = <-reason:
			default:
				if r := rec.stopReason(); r != "" {
					why = r
				}
			}
			if why == ReasonStopped { // asked to: the recording ends with the frame as it is now
				if b, counter, err := src.Read(); err == nil {
					s.append(rec, counter, b, lim)
				}
			}
			end(why, nil)
			return
		}
		b, counter, err := src.Read()
		if err != nil {
			if src.Lost != nil && src.Lost(err) {
				continue
			}
			why := ReasonFailed
			select {
			case <-src.Closing:
				why = ReasonMappingClosed
			default:
			}
			end(why, err)
			rec.Stop()
			return
		}
		if why, err := s.append(rec, counter, b, lim); why != "" {
			end(why, err)
			rec.Stop()
			return
		}
	}
}

// append records one frame within the limits; a reason to stop if it cannot.
func (s *Store) append(rec *Recording, counter uint64, b []byte, lim Limits) (string, error) {
	if free, err := freeSpace(s.dir); err == nil && s.minFree > 0 && free-int64(len(b)) <= s.minFree {
		return ReasonDiskFull, fmt.Errorf("%d bytes free, the reserve (-recordings-min-free) is %d", free, s.minFree)
	}
	room, why := s.budget-s.Used()-endRoom, ReasonBudget
	rec.mu.Lock()
	w := rec.w
	if lim.MaxBytes > 0 && lim.MaxBytes-rec.size-endRoom < room {
		room, why = lim.MaxBytes-rec.size-endRoom, ReasonMaxBytes
	}
	rec.mu.Unlock()
	now := time.Now()
	n, err := w.Frame(now, counter, b, room)
	switch {
	case errors.Is(err, ErrFull):
		return why, nil
	case diskFull(err):
		return ReasonDiskFull, err
	case err != nil:
		return ReasonFailed, err
	}
	if n > 0 {
		rec.mu.Lock()
		rec.frames, rec.size, rec.last = w.Frames(), w.Size(), now
		rec.mu.Unlock()
	}
	return "", nil
}

// finish writes the end record and makes the recording stopped.
func (r *Recording) finish(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if err := r.w.Close(End{Stopped: now, Reason: reason}); err != nil && !diskFull(err) {
		r.problem = &FormatError{Offset: r.w.Size(), Detail: "closing: " + err.Error()}
	}
	r.size, r.frames = r.w.Size(), r.w.Frames()
	r.state, r.reason, r.ended, r.w = StateStopped, reason, now, nil
}

func (r *Recording) running() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state == StateRecording
}

// stopReason is the reason a Stop gave (StopFor), "" for a plain stop.
func (r *Recording) stopReason() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reason
}

// Stop ends the recording (if it is under way) and waits for its recorder.
func (r *Recording) Stop() {
	r.StopFor("")
}

// StopFor ends the recording for reason ("": asked to) and waits for its recorder.
func (r *Recording) StopFor(reason string) {
	if r.stop == nil {
		return
	}
	r.stopped.Do(func() {
		r.mu.Lock()
		if r.state == StateRecording && reason != "" {
			r.reason = reason
		}
		r.mu.Unlock()
		close(r.stop)
	})
	if r.done != nil {
		select {
		case <-r.done:
		default:
			if !r.inRecorder() {
				<-r.done
			}
		}
	}
}

// inRecorder: the recorder itself stops the recording (it ends by returning, not by waiting for itself).
func (r *Recording) inRecorder() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state != StateRecording
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
