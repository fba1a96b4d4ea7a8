package record

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/internal/spans"
)

// Writer appends frames to a recording's file. Each frame is one write of one whole record: a process killed
// between two writes leaves whole records only, and a write that fails (the disk full) is cut off again.
type Writer struct {
	f      *os.File
	length int
	size   atomic.Int64 // bytes of whole records in the file
	prev   []byte       // the last frame recorded
	frames int64
	buf    []byte
	spans  []spans.Span
	failed error
}

// Create makes the recording's file (it must not exist) and writes its header.
func Create(path string, h Header) (*Writer, error) {
	h.Format = 1
	if h.Length <= 0 || h.Length > MaxLength {
		return nil, fmt.Errorf("record: a range of %d bytes (1 to %d)", h.Length, MaxLength)
	}
	b, err := appendJSONRecord([]byte(Magic), KindHeader, h)
	if err != nil {
		return nil, err
	}
	if len(b) > len(Magic)+recordHead+maxHeader+recordTail {
		return nil, fmt.Errorf("%w: %d bytes, more than %d (the layout's source and its imports')", ErrHeaderTooLarge, len(b), maxHeader)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	w := &Writer{f: f, length: int(h.Length)}
	w.size.Store(int64(len(b)))
	return w, nil
}

// Size is the bytes of whole records in the file: what a download of it now can read.
func (w *Writer) Size() int64 { return w.size.Load() }

// Frames is how many frames it holds.
func (w *Writer) Frames() int64 { return w.frames }

// Frame appends cur (the range as sampled at t) unless it is the frame before again: a delta of the bytes
// that changed, or a snapshot when that is smaller (the first frame always). It adds at most room bytes:
// past that, ErrFull and nothing written. It answers the bytes it wrote (0: an unchanged frame).
func (w *Writer) Frame(t time.Time, counter uint64, cur []byte, room int64) (int64, error) {
	switch {
	case w.failed != nil:
		return 0, w.failed
	case len(cur) != w.length:
		return 0, fmt.Errorf("record: a frame of %d bytes in a recording of %d", len(cur), w.length)
	}
	kind := byte(KindSnapshot)
	if w.prev != nil {
		w.spans = spans.Diff(w.prev, cur, w.spans)
		if len(w.spans) == 0 {
			return 0, nil
		}
		n := 0
		for _, s := range w.spans {
			n += spanHead + s.N
		}
		if n < len(cur) {
			kind = KindDelta
		}
	}
	w.buf = appendRecord(w.buf[:0], kind, func(b []byte) []byte {
		b = appendFrameHead(b, t, counter)
		if kind == KindSnapshot {
			return append(b, cur...)
		}
		for _, s := range w.spans {
			b = binary.LittleEndian.AppendUint32(b, uint32(s.Off))
			b = binary.LittleEndian.AppendUint32(b, uint32(s.N))
			b = append(b, cur[s.Off:s.Off+s.N]...)
		}
		return b
	})
	if int64(len(w.buf)) > room {
		return 0, ErrFull
	}
	if err := w.write(w.buf); err != nil {
		return 0, err
	}
	if w.prev == nil {
		w.prev = make([]byte, len(cur))
	}
	copy(w.prev, cur)
	w.frames++
	return int64(len(w.buf)), nil
}

// write writes b whole or cuts the file back to its whole records (and stays failed).
func (w *Writer) write(b []byte) error {
	if _, err := w.f.Write(b); err != nil {
		w.failed = err
		if terr := w.f.Truncate(w.size.Load()); terr != nil {
			return errors.Join(err, fmt.Errorf("cutting off the partial record: %w", terr))
		}
		if _, serr := w.f.Seek(w.size.Load(), io.SeekStart); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	}
	w.size.Add(int64(len(b)))
	return nil
}

// Close ends the recording with its end record (if the file can still take one), and closes the file.
func (w *Writer) Close(e End) error {
	e.Frames = w.frames
	b, err := appendJSONRecord(nil, KindEnd, e)
	if err == nil {
		w.failed = nil // a write that failed was cut off: the end record may fit now
		err = w.write(b)
	}
	return errors.Join(err, w.f.Sync(), w.f.Close())
}

// Reader reads a recording's frames in order.
type Reader struct {
	r    *bufio.Reader
	off  int64 // where the next record begins
	h    Header
	cur  []byte
	end  *End
	body []byte
}

// NewReader reads the magic and the header.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{r: bufio.NewReaderSize(r, 64<<10)}
	magic := make([]byte, len(Magic))
	if n, err := io.ReadFull(rd.r, magic); err != nil || string(magic) != Magic {
		if err != nil && string(magic[:n]) == Magic[:n] {
			return nil, &FormatError{Offset: int64(n), Detail: "the file ends inside the magic", Truncated: true}
		}
		return nil, &FormatError{Offset: 0, Detail: fmt.Sprintf("not a recording (it does not begin with %q)", Magic)}
	}
	rd.off = int64(len(Magic))
	kind, body, err := rd.record(maxHeader)
	if err == io.EOF {
		return nil, &FormatError{Offset: rd.off, Detail: "no header", Truncated: true}
	}
	if err != nil {
		return nil, err
	}
	if kind != KindHeader {
		return nil, &FormatError{Offset: int64(len(Magic)), Detail: fmt.Sprintf("the first record is of kind %q, not the header", kind)}
	}
	if err := json.Unmarshal(body, &rd.h); err != nil {
		return nil, &FormatError{Offset: int64(len(Magic)), Detail: "the header: " + err.Error()}
	}
	if rd.h.Format != 1 || rd.h.Length <= 0 || rd.h.Length > MaxLength {
		return nil, &FormatError{Offset: int64(len(Magic)), Detail: fmt.Sprintf("a header of format %d, length %d: not one this daemon reads", rd.h.Format, rd.h.Length)}
	}
	return rd, nil
}

// Header is the recording's header.
func (r *Reader) Header() Header { return r.h }

// Rewind makes r read the recording's frames again from the first, from src: the file from first on, the
// Offset r answered right after NewReader. The header is not read again (a looped replay reads it once).
func (r *Reader) Rewind(src io.Reader, first int64) {
	r.r.Reset(src)
	r.off, r.end = first, nil
}

// End is the end record, once Next has answered io.EOF; nil if the recording was cut short.
func (r *Reader) End() *End { return r.end }

// Offset is where the next record begins: after Next's last whole frame.
func (r *Reader) Offset() int64 { return r.off }

// Next reads the next frame; io.EOF after the last (at the end record, or at the end of a file cut short at a
// record boundary); a *FormatError for a file that is not whole there (Truncated: it ends inside a record).
func (r *Reader) Next() (Frame, error) {
	if r.end != nil {
		return Frame{}, io.EOF
	}
	at := r.off
	kind, body, err := r.record(frameHead + int(r.h.Length))
	if err != nil {
		return Frame{}, err
	}
	bad := func(format string, args ...any) (Frame, error) {
		return Frame{}, &FormatError{Offset: at, Detail: fmt.Sprintf(format, args...)}
	}
	if kind == KindEnd {
		var e End
		if err := json.Unmarshal(body, &e); err != nil {
			return bad("the end record: %v", err)
		}
		r.end = &e
		if _, err := r.r.Peek(1); err != io.EOF {
			return bad("records after the end record")
		}
		return Frame{}, io.EOF
	}
	if (kind != KindSnapshot && kind != KindDelta) || len(body) < frameHead {
		return bad("a record of kind %q and %d bytes where a frame belongs", kind, len(body))
	}
	f := Frame{Time: time.Unix(0, int64(binary.LittleEndian.Uint64(body))), Counter: binary.LittleEndian.Uint64(body[8:]), Offset: at}
	data := body[frameHead:]
	switch {
	case kind == KindSnapshot && len(data) != int(r.h.Length):
		return bad("a snapshot of %d bytes in a recording of %d", len(data), r.h.Length)
	case kind == KindSnapshot:
		r.cur = append(r.cur[:0], data...)
	case r.cur == nil:
		return bad("a delta before the first snapshot")
	default:
		for len(data) > 0 {
			if len(data) < spanHead {
				return bad("a delta's span cut short")
			}
			off, n := binary.LittleEndian.Uint32(data), binary.LittleEndian.Uint32(data[4:])
			data = data[spanHead:]
			if uint64(off)+uint64(n) > uint64(len(r.cur)) || uint64(n) > uint64(len(data)) {
				return bad("a delta's span [%d, +%d) is outside the range of %d bytes or its record", off, n, len(r.cur))
			}
			copy(r.cur[off:], data[:n])
			data = data[n:]
		}
	}
	f.Bytes = r.cur
	return f, nil
}

// record reads one record (a body of at most max bytes, an end record's of maxEndBody).
func (r *Reader) record(max int) (byte, []byte, error) {
	var head [recordHead]byte
	n, err := io.ReadFull(r.r, head[:])
	switch {
	case n == 0 && err == io.EOF:
		return 0, nil, io.EOF
	case err != nil:
		return 0, nil, r.cut(err, "a record's head")
	}
	length, kind := binary.LittleEndian.Uint32(head[:]), head[4]
	limit := max
	if kind == KindEnd {
		limit = maxEndBody
	}
	if uint64(length) > uint64(limit) {
		return 0, nil, &FormatError{Offset: r.off, Detail: fmt.Sprintf("a record of kind %q and %d bytes, more than %d", kind, length, limit)}
	}
	if cap(r.body) < int(length)+recordTail {
		r.body = make([]byte, int(length)+recordTail)
	}
	b := r.body[:int(length)+recordTail]
	if _, err := io.ReadFull(r.r, b); err != nil {
		return 0, nil, r.cut(err, fmt.Sprintf("a record of kind %q and %d bytes", kind, length))
	}
	crc := crc32.Update(crc32.Checksum(head[4:], castagnoli), castagnoli, b[:length])
	if crc != binary.LittleEndian.Uint32(b[length:]) {
		return 0, nil, &FormatError{Offset: r.off, Detail: fmt.Sprintf("a record of kind %q whose CRC does not match: the file is damaged", kind)}
	}
	r.off += int64(recordHead + int(length) + recordTail)
	return kind, b[:length], nil
}

func (r *Reader) cut(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &FormatError{Offset: r.off, Detail: what + " cut short: the file ends inside it", Truncated: true}
	}
	return err
}

// Summary is what a scan of a recording's file finds.
type Summary struct {
	Header Header
	Frames int64
	// First and Last are the first and last frames' times.
	First, Last time.Time
	// End is the end record (nil: cut short).
	End *End
	// Whole is the bytes of whole records; Problem what is wrong after them (nil: nothing).
	Whole   int64
	Problem *FormatError
}

// Scan reads a recording through.
func Scan(r io.Reader) (Summary, error) {
	var s Summary
	rd, err := NewReader(r)
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			s.Problem = fe
			return s, nil
		}
		return s, err
	}
	s.Header = rd.Header()
	for {
		f, err := rd.Next()
		if err == io.EOF {
			break
		}
		var fe *FormatError
		if errors.As(err, &fe) {
			s.Problem = fe
			break
		}
		if err != nil {
			return s, err
		}
		if s.Frames == 0 {
			s.First = f.Time
		}
		s.Frames++
		s.Last = f.Time
	}
	s.End, s.Whole = rd.End(), rd.Offset()
	return s, nil
}

// Recover completes a recording's file that was cut short (no end record; nothing wrong in it but, perhaps, a
// partial last record): the partial record is cut off and an end record (reason interrupted) appended. It
// answers the file's summary after that.
func Recover(path string) (Summary, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	s, err := Scan(f)
	if err != nil || s.End != nil || s.Header.Format == 0 || (s.Problem != nil && !s.Problem.Truncated) {
		return s, err
	}
	stopped := s.Last
	if st, err := f.Stat(); err == nil && s.Frames == 0 {
		stopped = st.ModTime()
	}
	e := End{Stopped: stopped, Reason: ReasonInterrupted, Frames: s.Frames}
	b, err := appendJSONRecord(nil, KindEnd, e)
	if err != nil {
		return s, err
	}
	if err := f.Truncate(s.Whole); err != nil {
		return s, err
	}
	if _, err := f.WriteAt(b, s.Whole); err != nil {
		f.Truncate(s.Whole)
		return s, err
	}
	if err := f.Sync(); err != nil {
		return s, err
	}
	s.End, s.Problem, s.Whole = &e, nil, s.Whole+int64(len(b))
	return s, nil
}
