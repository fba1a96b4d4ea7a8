package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// The data handlers run in three steps: parse the request into a plan (every check that needs no waiting,
// no mutex and no body, so that a bad request fails at once), pin the mapping for the transfer (a DELETE
// meanwhile lets it finish), then execute the plan on one path.

// readPlan is a GET of data, parsed and checked.
type readPlan struct {
	mapping      *registry.Mapping
	off, n       int64
	contentRange string        // set for a satisfiable Range header: the answer is 206
	text         *textEncoding // ?as=text: decode the text from this encoding; nil: bytes
	wait         eventWait
	lock         copyLock
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
//	@Description	`lock_timeout` for it (423 `locked` if it stays held), and sent after it is released.
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
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed"
//	@Failure		429	{object}	Problem	"rate-limited, too-many-waiters (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (the mapping, or the wait event or lock mutex)"
//	@Failure		413	{object}	Problem	"too-large: a copy under lock is over 64 MiB, or over the whole buffer budget (-max-buffered)"
//	@Failure		416	{object}	Problem	"out-of-range"
//	@Failure		423	{object}	Problem	"locked: the lock mutex stayed held for lock_timeout"
//	@Failure		500	{object}	Problem	"fault: the memory faulted (another process truncated it)"
//	@Failure		503	{object}	Problem	"shutting-down, busy: the buffer budget is in use (see Retry-After)"
//	@Produce		octet-stream,plain
//	@Success		200	{string}	string						"The bytes, or the text as UTF-8"
//	@Header			200	{string}	Shmbridge-Mutex-Abandoned	"true if the lock mutex's last owner ended holding it (WAIT_ABANDONED)"
//	@Success		204	"wait: the timeout passed before the event fired"
//	@Success		206	{string}	string			"The requested range"
//	@Header			206	{string}	Content-Range	"bytes first-last/size"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/data [get]
func (s *server) readData(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planRead(r)
	if err != nil {
		return err
	}
	// Wait (?wait=) before pinning the mapping: a DELETE meanwhile need not wait for the event.
	if fired, err := s.waitFor(w, r, p.wait); err != nil || !fired {
		if err == nil {
			w.WriteHeader(http.StatusNoContent) // the timeout passed: no new data
		}
		return err
	}
	if err := p.mapping.Pin(); err != nil {
		return err
	}
	defer p.mapping.Unpin()
	src, done, err := s.readSource(w, r, p)
	if err != nil {
		return err
	}
	defer done()
	return p.send(w, src)
}

func (s *server) planRead(r *http.Request) (readPlan, error) {
	var p readPlan
	var err error
	q := queryOf(r)
	if p.mapping, err = s.mapping(r); err != nil {
		return p, err
	}
	if p.lock, err = s.parseLock(q); err != nil {
		return p, err
	}
	if p.wait, err = s.parseWait(q); err != nil {
		return p, err
	}
	size := p.mapping.Size()
	off, hasOff, err := intParam(q, "offset", 0)
	if err != nil {
		return p, err
	}
	n, hasLen, err := intParam(q, "length", max(size-off, 0))
	if err != nil {
		return p, err
	}
	p.off, p.n = off, n
	rh := r.Header.Get("Range")
	switch as := q.Get("as"); {
	case as == "text" && rh != "":
		return p, fail(kindInvalidRequest, "Range applies to bytes, not to ?as=text; use offset and length")
	case as == "text":
		if p.text, err = encodingParam(q, "utf-8"); err != nil {
			return p, err
		}
	case as != "" && as != "bytes":
		return p, fail(kindInvalidRequest, `as must be "bytes" or "text"`)
	case rh != "" && (hasOff || hasLen):
		return p, fail(kindInvalidRequest, "use either a Range header or offset/length, not both")
	case rh != "":
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
	return p, p.lock.fits(p.n)
}

// source is where a read's bytes come from: the mapping itself, or a copy of them made under ?lock=.
type source interface {
	io.ReaderAt
	CopyTo(w io.Writer, off, n int64) (int64, error)
}

// readSource is the mapping, or with ?lock= a copy of the planned bytes made in memory while the mutex is
// held, to be sent after it is released: a slow client never keeps a native program waiting. Call done when
// the source is no longer needed.
func (s *server) readSource(w http.ResponseWriter, r *http.Request, p readPlan) (src source, done func(), err error) {
	if p.lock.mutex == nil {
		return p.mapping, func() {}, nil
	}
	done, err = s.buffers.take(p.n)
	if err != nil {
		return nil, nil, err
	}
	snap := &snapshot{b: make([]byte, p.n), off: p.off}
	if err := s.underLock(w, r, p.lock, func() error { _, err := p.mapping.ReadAt(snap.b, p.off); return err }); err != nil {
		done()
		return nil, nil, err
	}
	return snap, done, nil
}

// send answers the planned bytes from src: raw, or as text up to the first NUL.
func (p readPlan) send(w http.ResponseWriter, src source) error {
	if p.n > firstChunk {
		transferDeadline(w, p.n) // one chunk is written at once, within the server's own timeouts
	}
	if p.text != nil {
		return sendText(w, src, p.off, p.n, p.text)
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
	if _, err := w.Write(first); err != nil {
		return err
	}
	rest := int64(len(first))
	_, err := src.CopyTo(w, p.off+rest, p.n-rest)
	return err
}

var octetStream, acceptRanges = []string{"application/octet-stream"}, []string{"bytes"}

// firstChunk is how much of a read send reads before it answers.
const firstChunk = 64 << 10

// transferDeadline gives a data transfer time in proportion to its size, past the server's default timeouts.
func transferDeadline(w http.ResponseWriter, n int64) {
	d := 30*time.Second + time.Duration(n/(32<<20))*time.Second
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(d))
	rc.SetWriteDeadline(time.Now().Add(d))
}

// snapshot is a copy of the bytes [off, off+len(b)) of a mapping.
type snapshot struct {
	b   []byte
	off int64
}

func (s *snapshot) ReadAt(p []byte, at int64) (int, error) { return copy(p, s.b[at-s.off:]), nil }

func (s *snapshot) CopyTo(w io.Writer, off, n int64) (int64, error) {
	k, err := w.Write(s.b[off-s.off:][:n])
	return int64(k), err
}

// parseRange parses a single-range "bytes=" header against size (RFC 9110 §14.1.2). ok is false when the
// header is to be ignored (another unit, or several ranges: serving the whole is allowed).
func parseRange(h string, size int64) (off, n int64, ok bool, err *apiError) {
	// The unit is case-insensitive (RFC 9110 §14.1): Bytes= is bytes=.
	unit, spec, found := strings.Cut(h, "=")
	if !found || !strings.EqualFold(unit, "bytes") || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	// RFC 9110 §14.1.1: positions are digits only; a range whose last position is before its first, or with
	// neither, is invalid, and an invalid Range is ignored (the whole body, 200). A valid one that starts past
	// the end is unsatisfiable (416).
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found || first == "" && !digits(last) || first != "" && (!digits(first) || last != "" && !digits(last)) {
		return 0, size, false, nil
	}
	bad := fail(kindOutOfRange, fmt.Sprintf("range %q not satisfiable for %d bytes", h, size))
	if first == "" { // suffix: the last N bytes
		k, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil {
			k = size // more digits than int64 holds: more than the whole
		}
		if k <= 0 || size == 0 {
			return 0, 0, false, bad
		}
		k = min(k, size)
		return size - k, k, true, nil
	}
	a, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil || a >= size {
		return 0, 0, false, bad
	}
	b := size - 1
	if last != "" {
		lb, perr := strconv.ParseInt(last, 10, 64)
		switch {
		case perr != nil: // past int64: past the end
		case lb < a:
			return 0, size, false, nil // invalid: ignored
		default:
			b = min(lb, size-1)
		}
	}
	return a, b - a + 1, true, nil
}

// sendText answers ?as=text: the bytes of src from off up to the first NUL code unit (or n bytes), decoded
// from enc to UTF-8.
func sendText(w http.ResponseWriter, src io.ReaderAt, off, n int64, enc *textEncoding) error {
	u := &untilNUL{src: src, off: off, end: off + n, unit: enc.unit}
	// Read the first chunk before committing to a status, so a failure is still a problem response.
	var first [4096]byte
	k, err := io.ReadFull(u, first[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, enc.enc.NewDecoder().Reader(io.MultiReader(bytes.NewReader(first[:k]), u)))
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

// writePlan is a PUT of data, parsed and checked: nothing of the body has been read.
type writePlan struct {
	mapping *registry.Mapping
	off     int64
	length  int64         // the body's Content-Length; -1 if not sent (text only)
	text    *textEncoding // the body is UTF-8 text, to be written in this encoding; nil: bytes
	nul     bool          // append a NUL code unit to the text
	lock    copyLock
}

// writeData godoc
//
//	@Summary		Write bytes or text
//	@ID				writeData
//	@Description	Copies the body (application/octet-stream, or text/plain in UTF-8) into the view at `offset`, as raw
//	@Description	bytes by default: a Content-Length is required, so that a body that does not fit is refused with 413
//	@Description	before anything is written. With `encoding`, the body is read as UTF-8 text, converted to that encoding
//	@Description	and NUL-terminated with `nul=true`. With `lock=MUTEX` the body is read first, then written while that
//	@Description	named mutex is held (at most 64 MiB; 423 `locked` if it stays held for `lock_timeout`).
//	@Tags			data
//	@Param			name			path	string	true	"Mapping name, percent-encoded"
//	@Param			offset			query	integer	false	"Start offset in bytes"							minimum(0)
//	@Param			encoding		query	string	false	"Convert a UTF-8 text body to this encoding"	Enums(utf-8, utf-16le)
//	@Param			nul				query	boolean	false	"Append a NUL terminator (needs encoding)"
//	@Param			lock			query	string	false	"Named mutex to hold while copying (its name)"
//	@Param			lock_timeout	query	string	false	"How long to wait for the mutex: 5s, 250ms (default 5s, at most 5m)"
//	@Param			data			body	string	true	"The bytes, or UTF-8 text (with encoding: converted)"	example(Hello from curl)
//	@Accept			octet-stream
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (the mapping or the lock mutex)"
//	@Failure		409	{object}	Problem	"read-only"
//	@Failure		411	{object}	Problem	"length-required"
//	@Failure		413	{object}	Problem	"too-large: nothing was written (a text body is at most 16 MiB)"
//	@Failure		415	{object}	Problem	"unsupported-media-type: the body must be application/octet-stream or UTF-8 text/plain"
//	@Failure		423	{object}	Problem	"locked: the lock mutex stayed held for lock_timeout"
//	@Failure		500	{object}	Problem	"fault"
//	@Failure		503	{object}	Problem	"shutting-down, busy: the buffer budget is in use (see Retry-After)"
//	@Produce		json
//	@Success		200	{object}	WriteResult
//	@Header			200	{string}	Shmbridge-Mutex-Abandoned	"true if the lock mutex's last owner ended holding it (WAIT_ABANDONED)"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/data [put]
func (s *server) writeData(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planWrite(r)
	if err != nil {
		return err
	}
	if err := p.mapping.Pin(); err != nil {
		return err
	}
	defer p.mapping.Unpin()
	transferDeadline(w, max(p.length, 0))
	body, n, done, err := s.writeBody(r, p)
	if err != nil {
		return err
	}
	defer done()
	var written int64
	err = s.underLock(w, r, p.lock, func() (err error) {
		written, err = p.mapping.CopyFrom(body, p.off, n)
		return err
	})
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fail(kindInvalidRequest, fmt.Sprintf("the body ended after %d of %d bytes (those were written)", written, n))
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, WriteResult{Offset: p.off, BytesWritten: written})
}

func (s *server) planWrite(r *http.Request) (writePlan, error) {
	p := writePlan{length: r.ContentLength}
	var err error
	q := queryOf(r)
	if p.mapping, err = s.mapping(r); err != nil {
		return p, err
	}
	if p.off, _, err = intParam(q, "offset", 0); err != nil {
		return p, err
	}
	if p.text, err = encodingParam(q, ""); err != nil {
		return p, err
	}
	if p.nul, err = boolParam(q, "nul"); err != nil {
		return p, err
	}
	if p.nul && p.text == nil {
		return p, fail(kindInvalidRequest, "nul=true needs a text encoding (encoding=utf-8 or utf-16le)")
	}
	if p.lock, err = s.parseLock(q); err != nil {
		return p, err
	}
	// A browser cannot send a cross-origin PUT without a CORS preflight, whatever its type; the type check is
	// about meaning: bytes, or UTF-8 text. Forms are refused.
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if cs := strings.ToLower(params["charset"]); mt != "application/octet-stream" && !(mt == "text/plain" && (cs == "" || cs == "utf-8")) {
		return p, fail(kindUnsupportedType, "send the body as application/octet-stream or text/plain; charset=utf-8 (curl: -H 'Content-Type: application/octet-stream')")
	}
	if mt == "text/plain" && p.text == nil {
		p.text = textEncodings["utf-8"] // text is UTF-8, checked before anything is written; bytes are application/octet-stream
	}
	if p.mapping.Access() == shm.ReadOnly {
		return p, &shm.Error{Op: "write", Name: p.mapping.Name(), Err: shm.ErrReadOnly, Detail: "opened with access read"}
	}
	if p.off > p.mapping.Size() {
		return p, recast(kindTooLarge, shm.ErrOutOfRange, p.mapping.CheckRange("write", p.off, 0))
	}
	switch {
	case p.text != nil && p.length > maxTextBody:
		return p, errTextTooLarge
	case p.text != nil:
		return p, nil // its length is known once it is converted
	case p.length < 0:
		return p, fail(kindLengthRequired, "send the body with a Content-Length, so that a body that does not fit is refused before anything is written")
	case s.maxBody > 0 && p.length > s.maxBody:
		return p, fail(kindTooLarge, fmt.Sprintf("a body of %d bytes is over the daemon's limit of %d (-max-body)", p.length, s.maxBody))
	}
	if err := p.mapping.CheckRange("write", p.off, p.length); err != nil {
		return p, recast(kindTooLarge, shm.ErrOutOfRange, err)
	}
	return p, p.lock.fits(p.length)
}

// writeBody is what a PUT writes and its length: the request body itself, streamed, or, under ?lock= or for
// text, the body read (and converted) into memory first, so that the mutex is held for the copy and not for
// the network, and text is checked whole before anything is written. Call done when it has been written.
func (s *server) writeBody(r *http.Request, p writePlan) (body io.Reader, n int64, done func(), err error) {
	switch {
	case p.text != nil:
		return s.convertText(r, p)
	case p.lock.mutex == nil:
		return r.Body, p.length, func() {}, nil
	}
	done, err = s.buffers.take(p.length)
	if err != nil {
		return nil, 0, nil, err
	}
	data := make([]byte, p.length)
	if k, err := io.ReadFull(r.Body, data); err != nil {
		done()
		return nil, 0, nil, fail(kindInvalidRequest, fmt.Sprintf("the body ended after %d of %d bytes (nothing was written)", k, p.length))
	}
	return bytes.NewReader(data), p.length, done, nil
}

// convertText reads a text body (UTF-8, at most maxTextBody) and converts it to the plan's encoding, with a
// NUL if asked. The body comes out of the buffer budget as its bytes arrive (a client that sends one byte a
// second holds what it sent, not what it might send), its conversion (at most twice as long, plus a NUL) once
// it is read.
func (s *server) convertText(r *http.Request, p writePlan) (io.Reader, int64, func(), error) {
	expect := int64(maxTextBody)
	if p.length >= 0 {
		expect = p.length
	}
	// A UTF-8 body never shrinks by more than half converting to UTF-16, so read at most twice the room.
	room := p.mapping.Size() - p.off
	limit := min(2*room+4, expect+1)
	if s.maxBody > 0 {
		limit = min(limit, s.maxBody+1)
	}
	body, taken, err := s.buffers.readAll(r.Body, limit)
	done := func() { s.buffers.Give(taken) }
	if err == nil {
		err = s.checkText(p, body, expect, room)
	}
	if err != nil {
		done()
		return nil, 0, nil, err
	}
	convert := 2*int64(len(body)) + int64(p.text.unit)
	if err := s.buffers.Take(convert); err != nil {
		done()
		return nil, 0, nil, err
	}
	taken += convert
	data, err := p.text.enc.NewEncoder().Bytes(body)
	if err != nil {
		done()
		return nil, 0, nil, fail(kindInvalidRequest, "converting the text: "+err.Error())
	}
	if p.nul {
		data = append(data, make([]byte, p.text.unit)...)
	}
	if err := p.mapping.CheckRange("write", p.off, int64(len(data))); err != nil {
		done()
		return nil, 0, nil, recast(kindTooLarge, shm.ErrOutOfRange, err)
	}
	if err := p.lock.fits(int64(len(data))); err != nil {
		done()
		return nil, 0, nil, err
	}
	return bytes.NewReader(data), int64(len(data)), done, nil
}

// checkText checks a text body as read: valid UTF-8, within the caps and the room.
func (s *server) checkText(p writePlan, body []byte, expect, room int64) error {
	switch {
	case !utf8.Valid(body):
		return fail(kindInvalidRequest, "the body is not valid UTF-8 text")
	case s.maxBody > 0 && int64(len(body)) > s.maxBody:
		return fail(kindTooLarge, fmt.Sprintf("a body over the daemon's limit of %d bytes (-max-body)", s.maxBody))
	case int64(len(body)) > expect:
		return errTextTooLarge
	case int64(len(body)) > 2*room+3:
		return recast(kindTooLarge, shm.ErrOutOfRange, p.mapping.CheckRange("write", p.off, int64(len(body))))
	}
	return nil
}

// errTextTooLarge refuses a text body over maxTextBody, before anything is written.
var errTextTooLarge = fail(kindTooLarge, fmt.Sprintf("a text body is at most %d bytes; write more as bytes (application/octet-stream, no encoding=)", maxTextBody))

// WriteResult answers a successful PUT of data.
type WriteResult struct {
	Offset       int64 `json:"offset" validate:"required"`
	BytesWritten int64 `json:"bytes_written" validate:"required"`
}
