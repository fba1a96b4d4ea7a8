// Package budget is the daemon's one byte budget (-max-buffered): every copy a request or a stream makes in
// memory takes its room from it first, so that however many clients copy at once, and however slowly they
// read, the daemon holds at most its size.
package budget

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// Errors of Take: the budget is in use by others now (try again), or the need is more than the whole budget
// could ever hold.
var (
	ErrBusy     = errors.New("the memory budget is in use")
	ErrTooLarge = errors.New("more than the memory budget")
)

// Bytes is a byte budget. The zero value is not usable: see New.
type Bytes struct {
	sem   *semaphore.Weighted
	size  int64
	inUse atomic.Int64
}

// New returns a budget of size bytes.
func New(size int64) *Bytes {
	return &Bytes{sem: semaphore.NewWeighted(size), size: size}
}

// Size is the whole budget; InUse what is taken now.
func (b *Bytes) Size() int64  { return b.size }
func (b *Bytes) InUse() int64 { return b.inUse.Load() }

// Take reserves n bytes: ErrBusy when they are not free now, ErrTooLarge when the whole budget could never
// hold them. Give gives them back.
func (b *Bytes) Take(n int64) error {
	if err := b.Fits(n); err != nil {
		return err
	}
	if !b.sem.TryAcquire(n) {
		return &busyError{size: b.size}
	}
	b.inUse.Add(n)
	return nil
}

// Give gives back n bytes Take reserved.
func (b *Bytes) Give(n int64) {
	b.inUse.Add(-n)
	b.sem.Release(n)
}

// Reserve is Take with the func that gives the bytes back.
func (b *Bytes) Reserve(n int64) (release func(), err error) {
	if err := b.Take(n); err != nil {
		return nil, err
	}
	return func() { b.Give(n) }, nil
}

// Fits refuses (ErrTooLarge) a need of n bytes that the whole budget could never hold.
func (b *Bytes) Fits(n int64) error {
	if n > b.size {
		return &tooLargeError{need: n, size: b.size}
	}
	return nil
}

type busyError struct{ size int64 }

func (e *busyError) Error() string {
	return fmt.Sprintf("the daemon's buffer budget (%d bytes, -max-buffered) is in use by other copies: try again", e.size)
}
func (e *busyError) Is(target error) bool { return target == ErrBusy }

type tooLargeError struct{ need, size int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("this request needs %d bytes of memory, more than the daemon's buffer budget of %d (-max-buffered)", e.need, e.size)
}
func (e *tooLargeError) Is(target error) bool { return target == ErrTooLarge }

// readStep is how much of a body ReadAll takes from the budget at a time, ahead of the bytes.
const readStep = 64 << 10

// ErrRead is a failure of the reader ReadAll reads (a *ReadError), not of the budget.
var ErrRead = errors.New("reading failed")

// ReadError is a failure of the reader ReadAll reads: Is(ErrRead).
type ReadError struct{ Err error }

func (e *ReadError) Is(target error) bool { return target == ErrRead }
func (e *ReadError) Error() string        { return "reading the body: " + e.Err.Error() }
func (e *ReadError) Unwrap() error        { return e.Err }

// ReadAll reads r, at most limit bytes, into memory, taking the room from the budget a step at a time as the
// bytes arrive: what a slow client holds is what it sent. taken is what to Give back when the bytes are gone
// (also after an error). A failure of r is a *ReadError.
func (b *Bytes) ReadAll(r io.Reader, limit int64) (data []byte, taken int64, err error) {
	for {
		if int64(len(data)) == taken && taken < limit {
			step := min(readStep, limit-taken)
			if err := b.Take(step); err != nil {
				return nil, taken, err
			}
			taken += step
			data = slices.Grow(data, int(step))
		}
		n, rerr := r.Read(data[len(data):min(int64(cap(data)), taken)])
		data = data[:len(data)+n]
		switch {
		case rerr == io.EOF:
			return data, taken, nil
		case rerr != nil:
			return nil, taken, &ReadError{rerr}
		case int64(len(data)) >= limit:
			return data, taken, nil
		}
	}
}

// Charge is a tally of what one request takes from the budget as it goes (a decoded answer's JSON as it
// grows): Take is layout.Value.AppendJSONCharged's charge; Release gives it all back.
type Charge struct {
	b     *Bytes
	taken int64
}

// NewCharge starts a tally on b.
func (b *Bytes) NewCharge() *Charge { return &Charge{b: b} }

// Take reserves n more bytes: ErrTooLarge when the request's whole need would be over the budget, ErrBusy
// when it is spent by others.
func (c *Charge) Take(n int64) error {
	if err := c.b.Fits(c.taken + n); err != nil {
		return err
	}
	if err := c.b.Take(n); err != nil {
		return err
	}
	c.taken += n
	return nil
}

// Release gives back all the tally took.
func (c *Charge) Release() {
	if c.taken > 0 {
		c.b.Give(c.taken)
		c.taken = 0
	}
}
