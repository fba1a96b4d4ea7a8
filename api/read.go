package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// The data handlers (read.go, write.go) run in three steps: parse the request into a plan (every check that
// needs no waiting, no mutex and no body, so that a bad request fails at once), then one call to the registry
// that does the transfer (its waits, the pin that lets a DELETE wait for it, the copy), then the answer.

// readPlan is a GET of data, parsed and checked.
type readPlan struct {
	dataParams
	contentRange string // set for a satisfiable Range header: the answer is 206
}

// readData godoc
//
//	@Summary		Read bytes or text
//	@ID				readData
//	@Description	Raw bytes (application/octet-stream) from `offset` for `length` bytes (default: to the end), or the range of
//	@Description	a single `Range: bytes=` header (206). With `as=text`, the text from `offset` up to the first NUL code
//	@Description	unit, decoded from `encoding` and returned as UTF-8 (text/plain).
//	@Description	With `wait=EVENT` it first waits for that event (held by the daemon, POST /v1/events) for up to `timeout`:
//	@Description	one round trip for "wait for new data, then read"; 204 if the timeout passes first. With `lock=MUTEX`
//	@Description	(held by the daemon, POST /v1/mutexes) the bytes are copied while that named mutex is held, waiting up to
//	@Description	`lock_timeout` for it (423 `locked` if it stays held), and sent after it is released. A mapping with a
//	@Description	default layout that likely gets its bytes wrong (a number where a C compiler would not put it, a size
//	@Description	other than the mapping's: see docs/layouts.md) says so in Shmbridge-Warning headers.
//	@Tags			data
//	@Param			name			path	string	true	"Mapping name, percent-encoded"
//	@Param			offset			query	integer	false	"Start offset in bytes"		minimum(0)
//	@Param			length			query	integer	false	"Number of bytes"			minimum(0)
//	@Param			as				query	string	false	"bytes (default) or text"	Enums(bytes, text)
//	@Param			encoding		query	string	false	"Text encoding for as=text"	Enums(utf-8, utf-16le)
//	@Param			Range			header	string	false	"A single byte range, e.g. bytes=0-99"
//	@Param			wait			query	string	false	"Event to wait for before reading (its name)"
//	@Param			timeout			query	string	false	"How long to wait for it: 5s, 250ms (default 30s, at most 5m)"
//	@Param			lock			query	string	false	"Named mutex to hold while copying (its name)"
//	@Param			lock_timeout	query	string	false	"How long to wait for the mutex: 5s, 250ms (default 5s, at most 5m)"
//	@Param			access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		429	{object}	Problem	"too-many-waiters (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (the mapping, or the wait event or lock mutex)"
//	@Failure		413	{object}	Problem	"too-large: a copy under lock is over 64 MiB, or over the whole buffer budget (-max-buffered)"
//	@Failure		416	{object}	Problem	"out-of-range"
//	@Failure		423	{object}	Problem	"locked: the lock mutex stayed held for lock_timeout"
//	@Failure		500	{object}	Problem	"fault: the memory faulted (another process truncated it)"
//	@Failure		503	{object}	Problem	"shutting-down, busy: the buffer budget is in use (see Retry-After)"
//	@Produce		octet-stream,plain
//	@Success		200	{string}	string						"The bytes, or the text as UTF-8"
//	@Header			200	{string}	Shmbridge-Mutex-Abandoned	"true if the lock mutex's last owner ended holding it (WAIT_ABANDONED)"
//	@Header			200	{string}	Shmbridge-Warning			"What a read by the mapping's default layout likely gets wrong: one per warning, an RFC 8941 string with a field parameter"
//	@Success		204	"wait: the timeout passed before the event fired"
//	@Success		206	{string}	string				"The requested range"
//	@Header			206	{string}	Content-Range		"bytes first-last/size"
//	@Header			206	{string}	Shmbridge-Warning	"As on 200"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/data [get]
func (s *server) readData(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planRead(r)
	if err != nil {
		return err
	}
	rd, err := p.mapping.Read(r.Context(), registry.ReadOptions{Off: p.off, N: p.n,
		WaitFor: p.wait, WaitTimeout: p.waitTimeout, Lock: p.lock, LockTimeout: p.lockTimeout,
		Buffer: s.budget.Reserve, Waiting: s.waiting(w, r)})
	if err != nil {
		return p.lockError(err)
	}
	defer rd.Done()
	if !rd.Fired {
		w.WriteHeader(http.StatusNoContent) // the timeout passed: no new data
		return nil
	}
	s.abandoned(w, p.lock, rd.Abandoned)
	s.layoutWarnings(w.Header(), p.mapping)
	return p.send(w, rd.Source, s.transferStall)
}

// layoutWarnings puts in h the warnings of a read of m by its default layout (WarningHeader): its raw bytes
// are read by it elsewhere. A mapping without one, or whose layout is gone or does not compile, has none.
func (s *server) layoutWarnings(h http.Header, m *registry.Mapping) {
	id := m.Layout()
	if id == "" {
		return
	}
	if e, err := s.layouts.Get(id); err == nil && e.Layout != nil {
		setWarnings(h, s.plans.Warnings(m, e.Layout))
	}
}

func (s *server) planRead(r *http.Request) (readPlan, error) {
	var p readPlan
	var err error
	if p.dataParams, err = s.parseData(r, false); err != nil {
		return p, err
	}
	if rh := r.Header.Get("Range"); rh != "" {
		switch {
		case p.text != nil:
			return p, fail(probInvalidRequest, "Range applies to bytes, not to ?as=text; use offset and length")
		case p.hasOff || p.hasLen:
			return p, fail(probInvalidRequest, "use either a Range header or offset/length, not both")
		}
		size := p.mapping.Size()
		off, n, ok, err := parseRange(rh, size)
		if err != nil {
			return p, err.with("Content-Range", fmt.Sprintf("bytes */%d", size))
		}
		if ok {
			p.off, p.n = off, n
			p.contentRange = fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, size)
		}
	}
	// A read's first chunk is read before the status goes out (send), and finds out itself if the object shrank:
	// only a longer read is checked here against the object's size now (a system call).
	check := p.mapping.CheckSize
	if p.n > firstChunk {
		check = p.mapping.CheckRange
	}
	if err := check("read", p.off, p.n); err != nil {
		return p, err
	}
	return p, p.lockFits(p.n)
}

// send answers the planned bytes from src: raw, or as text up to the first NUL.
func (p readPlan) send(w http.ResponseWriter, src registry.Source, stall time.Duration) error {
	var out io.Writer = w // one chunk is written at once, within the server's own timeouts
	if p.n > firstChunk {
		out = clockedWriter{w, newTransferClock(w, stall)}
	}
	if p.text != nil {
		return sendText(w, out, src, p.off, p.n, p.text)
	}
	// The first chunk is read before the status goes out, so that a failure there (the object shrank) is still a
	// problem response; most reads are that one chunk.
	first := make([]byte, min(p.n, firstChunk))
	if _, err := src.ReadAt(first, p.off); err != nil {
		return err
	}
	h := w.Header()
	h["Content-Type"], h["Accept-Ranges"] = octetStream, acceptRanges // shared, never modified: no allocation
	h["Content-Length"] = []string{strconv.FormatInt(p.n, 10)}
	status := http.StatusOK
	if p.contentRange != "" {
		h.Set("Content-Range", p.contentRange)
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	if _, err := out.Write(first); err != nil {
		return err
	}
	rest := int64(len(first))
	_, err := src.CopyTo(out, p.off+rest, p.n-rest)
	return err
}

var octetStream, acceptRanges = []string{"application/octet-stream"}, []string{"bytes"}

// firstChunk is how much of a read send reads before it answers.
const firstChunk = 64 << 10

// A data transfer lives as long as it moves, past the server's default timeouts: a 1 GiB PUT on a slow, busy
// machine takes what it takes, and a client that stalls or trickles is still cut. Its read and write deadlines
// start a stall limit ahead (Config.TransferStall), and each transferStep bytes moved puts them that far ahead
// again.
const (
	DefaultTransferStall = 30 * time.Second
	transferStep         = 1 << 20
)

// transferClock keeps a data transfer's deadlines stall ahead of its last transferStep of progress.
type transferClock struct {
	rc    *http.ResponseController
	stall time.Duration
	moved int64
}

func newTransferClock(w http.ResponseWriter, stall time.Duration) *transferClock {
	c := &transferClock{rc: http.NewResponseController(w), stall: stall}
	c.extend()
	return c
}

func (c *transferClock) extend() {
	t := time.Now().Add(c.stall)
	c.rc.SetReadDeadline(t)
	c.rc.SetWriteDeadline(t)
}

// add counts n more bytes moved, extending the deadlines at each transferStep crossed.
func (c *transferClock) add(n int) {
	if (c.moved+int64(n))/transferStep != c.moved/transferStep {
		c.extend()
	}
	c.moved += int64(n)
}

// clockedWriter and clockedBody count what a transfer moves on its clock.
type clockedWriter struct {
	w io.Writer
	c *transferClock
}

func (cw clockedWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.c.add(n)
	return n, err
}

type clockedBody struct {
	io.ReadCloser
	c *transferClock
}

func (b clockedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.c.add(n)
	return n, err
}

// sendText answers ?as=text: the bytes of src from off up to the first NUL code unit (or n bytes), decoded
// from enc to UTF-8, written to out (w, or w on a transfer's clock).
func sendText(w http.ResponseWriter, out io.Writer, src io.ReaderAt, off, n int64, enc *textEncoding) error {
	u := &untilNUL{src: src, off: off, end: off + n, unit: enc.unit}
	// Read the first chunk before committing to a status, so a failure is still a problem response.
	var first [4096]byte
	k, err := io.ReadFull(u, first[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(out, enc.enc.NewDecoder().Reader(io.MultiReader(bytes.NewReader(first[:k]), u)))
	return err
}

// untilNUL reads [off, end) of a mapping and stops at the first NUL code unit.
type untilNUL struct {
	src      io.ReaderAt
	off, end int64
	unit     int
	done     bool
}

func (u *untilNUL) Read(p []byte) (int, error) {
	if u.done || u.off >= u.end {
		return 0, io.EOF
	}
	want := min(int64(len(p)), u.end-u.off)
	if want >= int64(u.unit) {
		want -= want % int64(u.unit)
	}
	p = p[:want]
	if _, err := u.src.ReadAt(p, u.off); err != nil {
		return 0, err
	}
	for i := 0; i+u.unit <= len(p); i += u.unit {
		if p[i] == 0 && (u.unit == 1 || p[i+1] == 0) {
			u.done = true
			return i, nil
		}
	}
	u.off += want
	return len(p), nil
}

// lockError explains a transfer's ?lock= mutex that stayed held (423 locked); other errors pass.
func (p dataParams) lockError(err error) error {
	if p.lock != nil && errors.Is(err, registry.ErrTimeout) {
		return fail(probLocked, fmt.Sprintf("the mutex %s stayed held for %s (lock_timeout)", quote(p.lock.Name()), p.lockTimeout))
	}
	return err
}
