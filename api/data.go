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

	"github.com/shmbridge/shmbridge/shm"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// textEncodings are the encodings ?encoding= accepts, with their code unit size (the NUL terminator's width).
var textEncodings = map[string]textEncodingInfo{
	"utf-8":    {unicode.UTF8, 1},
	"utf-16le": {unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2},
}

type textEncodingInfo struct {
	enc  encoding.Encoding
	unit int
}

func textEncoding(r *http.Request, def string) (string, error) {
	name := strings.ToLower(r.URL.Query().Get("encoding"))
	if name == "" {
		name = def
	}
	if _, ok := textEncodings[name]; !ok && name != "" {
		return "", fail(kindInvalidRequest, `encoding must be "utf-8" or "utf-16le"`)
	}
	return name, nil
}

// hold looks up {name} and holds it for a transfer: a DELETE arriving meanwhile lets the transfer finish.
func (s *server) hold(r *http.Request) (*shm.Entry, func(), error) {
	e, err := s.entry(r)
	if err != nil {
		return nil, nil, err
	}
	release, err := e.Hold()
	return e, release, err
}

// transferDeadline gives a data transfer time in proportion to its size, past the server's default timeouts.
func transferDeadline(w http.ResponseWriter, n int64) {
	d := 30*time.Second + time.Duration(n/(32<<20))*time.Second
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(d))
	rc.SetWriteDeadline(time.Now().Add(d))
}

// readData serves GET /v1/mappings/{name}/data: raw bytes (offset/length or a Range header) or, with
// ?as=text, the text up to the first NUL.
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
	e, err := s.entry(r)
	if err != nil {
		return err
	}
	lock, err := s.parseLock(r)
	if err != nil {
		return err
	}
	off, hasOff, err := intParam(r, "offset", 0)
	if err != nil {
		return err
	}
	size := e.Size()
	n, hasLen, err := intParam(r, "length", -1)
	if err != nil {
		return err
	}
	if !hasLen {
		n = max(size-off, 0)
	}
	var encName string
	status := http.StatusOK
	switch as := r.URL.Query().Get("as"); as {
	case "", "bytes":
		if rh := r.Header.Get("Range"); rh != "" {
			if hasOff || hasLen {
				return fail(kindInvalidRequest, "use either a Range header or offset/length, not both")
			}
			var ok bool
			off, n, ok, err = parseRange(rh, size)
			if err != nil {
				w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
				return err
			}
			if ok {
				status = http.StatusPartialContent
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, size))
			}
		}
	case "text":
		if r.Header.Get("Range") != "" {
			return fail(kindInvalidRequest, "Range applies to bytes, not to ?as=text; use offset and length")
		}
		if encName, err = textEncoding(r, "utf-8"); err != nil {
			return err
		}
	default:
		return fail(kindInvalidRequest, `as must be "bytes" or "text"`)
	}
	if err := e.CheckRange("read", off, n); err != nil {
		return err
	}
	if err := lock.fits(n); err != nil {
		return err
	}

	// Wait (?wait=) before holding the mapping: a DELETE meanwhile need not wait for the event.
	if signaled, err := s.waitThen(w, r); err != nil || !signaled {
		if err == nil {
			w.WriteHeader(http.StatusNoContent) // the timeout passed: no new data
		}
		return err
	}
	release, err := e.Hold()
	if err != nil {
		return err
	}
	defer release()

	// With ?lock=, the bytes are copied into memory while the mutex is held and sent after it is released:
	// a slow client never keeps a native program waiting.
	var src io.ReaderAt = e
	var snap []byte
	if lock.m != nil {
		done, err := s.buffers.take(w, n)
		if err != nil {
			return err
		}
		defer done()
		snap = make([]byte, n)
		if err := s.run(w, r, lock, func() error { _, err := e.ReadAt(snap, off); return err }); err != nil {
			return err
		}
		src = &snapshot{b: snap, off: off}
	}
	if encName != "" {
		return readText(w, src, off, n, textEncodings[encName])
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	h.Set("Accept-Ranges", "bytes")
	transferDeadline(w, n)
	w.WriteHeader(status)
	if snap != nil {
		_, err = w.Write(snap)
		return err
	}
	_, err = e.CopyTo(w, off, n)
	return err
}

// snapshot is a copy of the bytes [off, off+len(b)) of a mapping.
type snapshot struct {
	b   []byte
	off int64
}

func (s *snapshot) ReadAt(p []byte, at int64) (int, error) {
	return copy(p, s.b[at-s.off:]), nil
}

// parseRange parses a single-range "bytes=" header against size (RFC 9110 §14.1.2). ok is false when the
// header is to be ignored (another unit, or several ranges: serving the whole is allowed).
func parseRange(h string, size int64) (off, n int64, ok bool, err error) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
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

// readText answers ?as=text: the bytes of src from off up to the first NUL code unit (or n bytes), decoded
// from enc to UTF-8.
func readText(w http.ResponseWriter, src io.ReaderAt, off, n int64, enc textEncodingInfo) error {
	transferDeadline(w, n)
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

// writeData serves PUT /v1/mappings/{name}/data?offset=N: raw bytes by default, or text (a UTF-8 body)
// converted with ?encoding= and NUL-terminated with ?nul=true. Nothing is written unless all of it fits.
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
	e, release, err := s.hold(r)
	if err != nil {
		return err
	}
	defer release()
	off, _, err := intParam(r, "offset", 0)
	if err != nil {
		return err
	}
	encName, err := textEncoding(r, "")
	if err != nil {
		return err
	}
	nul, err := boolParam(r, "nul")
	if err != nil {
		return err
	}
	if nul && encName == "" {
		return fail(kindInvalidRequest, "nul=true needs a text encoding (encoding=utf-8 or utf-16le)")
	}
	lock, err := s.parseLock(r)
	if err != nil {
		return err
	}
	// A browser cannot send a cross-origin PUT without a CORS preflight, whatever its type; the type check is
	// about meaning: bytes, or UTF-8 text. Forms are refused.
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if cs := strings.ToLower(params["charset"]); mt != "application/octet-stream" && !(mt == "text/plain" && (cs == "" || cs == "utf-8")) {
		return fail(kindUnsupportedType, "send the body as application/octet-stream or text/plain; charset=utf-8 (curl: -H 'Content-Type: application/octet-stream')")
	}
	if mt == "text/plain" && encName == "" {
		encName = "utf-8" // text is UTF-8, checked before anything is written; bytes are application/octet-stream
	}
	if e.Access() == shm.ReadOnly {
		return &shm.Error{Op: "write", Name: e.Name(), Err: shm.ErrReadOnly, Detail: "opened with access read"}
	}
	room := e.Size() - off
	if room < 0 {
		return tooLarge(e.CheckRange("write", off, 0))
	}

	var (
		written int64
		data    []byte // the bytes to write, when they are read into memory first
	)
	if encName == "" {
		n := r.ContentLength
		if n < 0 {
			return fail(kindLengthRequired, "send the body with a Content-Length, so that a body that does not fit is refused before anything is written")
		}
		if s.maxBody > 0 && n > s.maxBody {
			return fail(kindTooLarge, fmt.Sprintf("a body of %d bytes is over the daemon's limit of %d (-max-body)", n, s.maxBody))
		}
		if err := e.CheckRange("write", off, n); err != nil {
			return tooLarge(err)
		}
		transferDeadline(w, n)
		if lock.m == nil {
			written, err = e.CopyFrom(r.Body, off, n)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fail(kindInvalidRequest, fmt.Sprintf("the body ended after %d of %d bytes (those were written)", written, n))
			}
			if err != nil {
				return err
			}
			return writeJSON(w, http.StatusOK, WriteResult{Offset: off, BytesWritten: written})
		}
		// Under ?lock=, the body is read first: the mutex is held for the copy, not for the network.
		if err := lock.fits(n); err != nil {
			return err
		}
		done, err := s.buffers.take(w, n)
		if err != nil {
			return err
		}
		defer done()
		data = make([]byte, n)
		if k, err := io.ReadFull(r.Body, data); err != nil {
			return fail(kindInvalidRequest, fmt.Sprintf("the body ended after %d of %d bytes (nothing was written)", k, n))
		}
	} else {
		enc := textEncodings[encName]
		// Text is converted in memory: its body is capped (maxTextBody), and the body and its conversion (at
		// most twice as long, plus a NUL) come out of the buffer budget.
		if r.ContentLength > maxTextBody {
			return errTextTooLarge
		}
		expect := int64(maxTextBody)
		if r.ContentLength >= 0 {
			expect = r.ContentLength
		}
		done, err := s.buffers.take(w, 3*expect+4)
		if err != nil {
			return err
		}
		defer done()
		transferDeadline(w, expect)
		// A UTF-8 body never shrinks by more than half converting to UTF-16, so read at most twice the room.
		limit := min(2*room+4, expect+1)
		if s.maxBody > 0 {
			limit = min(limit, s.maxBody+1)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, limit))
		if err != nil {
			return fail(kindInvalidRequest, "reading the body: "+err.Error())
		}
		if !utf8.Valid(body) {
			return fail(kindInvalidRequest, "the body is not valid UTF-8 text")
		}
		if s.maxBody > 0 && int64(len(body)) > s.maxBody {
			return fail(kindTooLarge, fmt.Sprintf("a body over the daemon's limit of %d bytes (-max-body)", s.maxBody))
		}
		if int64(len(body)) > expect {
			return errTextTooLarge
		}
		if int64(len(body)) > 2*room+3 {
			return tooLarge(e.CheckRange("write", off, int64(len(body))))
		}
		if data, err = enc.enc.NewEncoder().Bytes(body); err != nil {
			return fail(kindInvalidRequest, "converting the text: "+err.Error())
		}
		if nul {
			data = append(data, make([]byte, enc.unit)...)
		}
		if err := e.CheckRange("write", off, int64(len(data))); err != nil {
			return tooLarge(err)
		}
		if err := lock.fits(int64(len(data))); err != nil {
			return err
		}
	}
	err = s.run(w, r, lock, func() error {
		k, err := e.WriteAt(data, off)
		written = int64(k)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, WriteResult{Offset: off, BytesWritten: written})
}

// errTextTooLarge refuses a text body over maxTextBody, before anything is written.
var errTextTooLarge = fail(kindTooLarge, fmt.Sprintf("a text body is at most %d bytes; write more as bytes (application/octet-stream, no encoding=)", maxTextBody))

// WriteResult answers a successful PUT of data.
type WriteResult struct {
	Offset       int64 `json:"offset" validate:"required"`
	BytesWritten int64 `json:"bytes_written" validate:"required"`
}

// tooLarge turns a range failure on a write into 413: it is the body that does not fit.
func tooLarge(err error) error {
	if errors.Is(err, shm.ErrOutOfRange) {
		return fail(kindTooLarge, strings.TrimPrefix(err.Error(), shm.ErrOutOfRange.Error()+": "))
	}
	return err
}
