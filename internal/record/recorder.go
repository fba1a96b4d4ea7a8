// The recorder: a recording's goroutine, sampling its source into its file until a limit, a stop or the
// mapping's close ends it.

package record

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

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
