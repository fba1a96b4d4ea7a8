package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// writePlan is a PUT of data, parsed and checked: nothing of the body has been read.
type writePlan struct {
	dataParams
	length int64 // the body's Content-Length; -1 if not sent (text only)
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
	clock := newTransferClock(w, s.transferStall)
	r.Body = clockedBody{r.Body, clock} // read in memory first (?lock=, text) or streamed
	body, n, done, err := s.writeBody(r, p)
	if err != nil {
		return err
	}
	defer done()
	written, abandoned, err := p.mapping.Write(r.Context(), registry.WriteOptions{Off: p.off, N: n, Body: body,
		Lock: p.lock, LockTimeout: p.lockTimeout, Waiting: s.waiting(w, r)})
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fail(probInvalidRequest, fmt.Sprintf("the body ended after %d of %d bytes (those were written)", written, n))
	}
	if err != nil {
		return p.lockError(err)
	}
	s.abandoned(w, p.lock, abandoned)
	clock.extend() // the answer has its own stall limit, however long the copy took (a text converted, a busy machine)
	return writeJSON(w, http.StatusOK, WriteResult{Offset: p.off, BytesWritten: written})
}

// planWrite makes every check a write allows before its body is read: the parameters, what the body is, the
// access, the range and the caps. (A text body's length is known once it is read and converted: its last
// check is checkText's.)
func (s *server) planWrite(r *http.Request) (writePlan, error) {
	p := writePlan{length: r.ContentLength}
	var err error
	if p.dataParams, err = s.parseData(r, true); err != nil {
		return p, err
	}
	if p.text, err = bodyEncoding(r.Header.Get("Content-Type"), p.text); err != nil {
		return p, err
	}
	n := max(p.length, 0)
	if p.text != nil {
		n = 0 // its length is known once it is converted
	}
	if p.off > p.mapping.Size() {
		n = 0 // the offset alone is out: said as such
	}
	switch err := p.mapping.CheckWrite(p.off, n); {
	case err != nil:
		return p, recast(probTooLarge, registry.ErrOutOfRange, err) // a body that does not fit is 413: nothing is written
	case p.text != nil && p.length > maxTextBody:
		return p, errTextTooLarge
	case p.text != nil:
		return p, nil
	case p.length < 0:
		return p, fail(probLengthRequired, "send the body with a Content-Length, so that a body that does not fit is refused before anything is written")
	case s.maxBody > 0 && p.length > s.maxBody:
		return p, fail(probTooLarge, fmt.Sprintf("a body of %d bytes is over the daemon's limit of %d (-max-body)", p.length, s.maxBody))
	}
	return p, p.lockFits(p.length)
}

// bodyEncoding is what a PUT's body is, by its Content-Type and ?encoding=: raw bytes
// (application/octet-stream, no encoding: nil), or UTF-8 text to write converted to the encoding (with
// ?encoding=, whatever the type; text/plain without one is UTF-8 written as UTF-8, checked before anything is
// written). A browser cannot send a cross-origin PUT without a CORS preflight, whatever its type: the type is
// about meaning. Forms and anything else are refused.
func bodyEncoding(contentType string, enc *textEncoding) (*textEncoding, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	cs := strings.ToLower(params["charset"])
	switch {
	case mt == "application/octet-stream":
		return enc, nil
	case mt == "text/plain" && (cs == "" || cs == "utf-8"):
		if enc == nil {
			return textEncodings["utf-8"], nil
		}
		return enc, nil
	}
	return nil, fail(probUnsupportedType, "send the body as application/octet-stream or text/plain; charset=utf-8 (curl: -H 'Content-Type: application/octet-stream')")
}

// writeBody is what a PUT writes and its length: the request body itself, streamed, or, under ?lock= or for
// text, the body read (and converted) into memory first, so that the mutex is held for the copy and not for
// the network, and text is checked whole before anything is written. Call done when it has been written.
func (s *server) writeBody(r *http.Request, p writePlan) (body io.Reader, n int64, done func(), err error) {
	switch {
	case p.text != nil:
		return s.convertText(r, p)
	case p.lock == nil:
		return r.Body, p.length, func() {}, nil
	}
	done, err = s.budget.Reserve(p.length)
	if err != nil {
		return nil, 0, nil, err
	}
	data := make([]byte, p.length)
	if k, err := io.ReadFull(r.Body, data); err != nil {
		done()
		return nil, 0, nil, fail(probInvalidRequest, fmt.Sprintf("the body ended after %d of %d bytes (nothing was written)", k, p.length))
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
	body, taken, err := s.budget.ReadAll(r.Body, limit)
	done := func() { s.budget.Give(taken) }
	if err == nil {
		err = s.checkText(p, body, expect, room)
	}
	if err != nil {
		done()
		return nil, 0, nil, err
	}
	convert := 2*int64(len(body)) + int64(p.text.unit)
	if err := s.budget.Take(convert); err != nil {
		done()
		return nil, 0, nil, err
	}
	taken += convert
	data, err := p.text.enc.NewEncoder().Bytes(body)
	if err != nil {
		done()
		return nil, 0, nil, fail(probInvalidRequest, "converting the text: "+err.Error())
	}
	if p.nul {
		data = append(data, make([]byte, p.text.unit)...)
	}
	if err := p.mapping.CheckRange("write", p.off, int64(len(data))); err != nil {
		done()
		return nil, 0, nil, recast(probTooLarge, registry.ErrOutOfRange, err)
	}
	if err := p.lockFits(int64(len(data))); err != nil {
		done()
		return nil, 0, nil, err
	}
	return bytes.NewReader(data), int64(len(data)), done, nil
}

// checkText checks a text body as read: valid UTF-8, within the caps and the room.
func (s *server) checkText(p writePlan, body []byte, expect, room int64) error {
	switch {
	case !utf8.Valid(body):
		return fail(probInvalidRequest, "the body is not valid UTF-8 text")
	case s.maxBody > 0 && int64(len(body)) > s.maxBody:
		return fail(probTooLarge, fmt.Sprintf("a body over the daemon's limit of %d bytes (-max-body)", s.maxBody))
	case int64(len(body)) > expect:
		return errTextTooLarge
	case int64(len(body)) > 2*room+3:
		return recast(probTooLarge, registry.ErrOutOfRange, p.mapping.CheckRange("write", p.off, int64(len(body))))
	}
	return nil
}

// errTextTooLarge refuses a text body over maxTextBody, before anything is written.
var errTextTooLarge = fail(probTooLarge, fmt.Sprintf("a text body is at most %d bytes; write more as bytes (application/octet-stream, no encoding=)", maxTextBody))

// WriteResult answers a successful PUT of data.
type WriteResult struct {
	Offset       int64 `json:"offset" validate:"required"`
	BytesWritten int64 `json:"bytes_written" validate:"required"`
}
