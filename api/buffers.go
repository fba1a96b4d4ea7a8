package api

import (
	"fmt"
	"io"
	"slices"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// DefaultMaxBuffered is the default of Config.MaxBuffered.
const DefaultMaxBuffered = 256 << 20

// maxTextBody caps the body of a text PUT (?encoding=), which is converted in memory: larger writes are bytes.
const maxTextBody = 16 << 20

// buffers is the one byte budget of every request that copies data into memory (?lock= copies, text PUTs):
// however many clients do it at once, and however slowly they read, the daemon holds at most its size.
type buffers struct {
	sem   *semaphore.Weighted
	size  int64
	inUse atomic.Int64 // taken now (the shmbridge_buffered_bytes gauge)
}

func newBuffers(size int64) *buffers {
	if size <= 0 {
		size = DefaultMaxBuffered
	}
	return &buffers{sem: semaphore.NewWeighted(size), size: size}
}

// Take reserves n bytes of the budget, or answers 503 busy (with Retry-After) when it is spent; a request that
// needs more than the whole budget is 413. Give gives them back. (A watch.Budget: watch streams take from it.)
func (b *buffers) Take(n int64) error {
	if err := b.fits(n); err != nil {
		return err
	}
	if !b.sem.TryAcquire(n) {
		return fail(probBusy, fmt.Sprintf("the daemon's buffer budget (%d bytes, -max-buffered) is in use by other copies: try again", b.size)).
			with("Retry-After", "1")
	}
	b.inUse.Add(n)
	return nil
}

// Give gives back n bytes Take reserved.
func (b *buffers) Give(n int64) {
	b.inUse.Add(-n)
	b.sem.Release(n)
}

// fits refuses a need of n bytes that the whole budget could never hold.
func (b *buffers) fits(n int64) error {
	if n > b.size {
		return fail(probTooLarge, fmt.Sprintf("this request needs %d bytes of memory, more than the daemon's buffer budget of %d (-max-buffered)", n, b.size))
	}
	return nil
}

// take is Take with the func that gives the bytes back.
func (b *buffers) take(n int64) (func(), error) {
	if err := b.Take(n); err != nil {
		return nil, err
	}
	return func() { b.Give(n) }, nil
}

// readStep is how much of a body readAll takes from the budget at a time, ahead of the bytes.
const readStep = 64 << 10

// readAll reads r, at most limit bytes, into memory, taking the room from the budget a step at a time as the
// bytes arrive: what a slow client holds is what it sent. taken is what to Give back when the bytes are gone
// (also after an error).
func (b *buffers) readAll(r io.Reader, limit int64) (data []byte, taken int64, err error) {
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
			return nil, taken, fail(probInvalidRequest, "reading the body: "+rerr.Error())
		case int64(len(data)) >= limit:
			return data, taken, nil
		}
	}
}

// charge is a tally of what a request takes from the budget as it goes (a decoded answer's JSON as it grows):
// take is layout.Value.AppendJSONCharged's charge; give gives it all back.
type charge struct {
	b     *buffers
	taken int64
}

// take reserves n more bytes: 413 when the request's whole need would be over the budget, 503 busy when it
// is spent by others.
func (c *charge) take(n int64) error {
	if err := c.b.fits(c.taken + n); err != nil {
		return err
	}
	if err := c.b.Take(n); err != nil {
		return err
	}
	c.taken += n
	return nil
}

func (c *charge) give() {
	if c.taken > 0 {
		c.b.Give(c.taken)
		c.taken = 0
	}
}
