// Package record writes and reads recordings: a mapping's frames over time, in an append-only file that can be
// read without the daemon (docs/recordings.md is the format's description; examples/python/read_recording.py
// a reader of its own). It knows nothing of mappings or HTTP: the store's recorders are given a function that
// samples a frame.
//
// The file is a magic string, then records:
//
//	file   = "SHMREC\x00\x01" record*
//	record = length:u32le kind:u8 body[length] crc:u32le   (crc: CRC-32C of kind and body)
//
// The first record is the header (kind 'h', a JSON object: what was recorded, the layout's source and its
// imports'). Each frame is a snapshot (kind 's': time:i64le counter:u64le and the whole range) or a delta
// (kind 'd': time and counter, then spans of off:u32le n:u32le bytes[n], the bytes that changed since the
// frame before). A recording that was stopped ends with an end record (kind 'e', JSON). A recording cut short (the daemon
// killed, the disk full) ends at a record boundary or in a partial record: everything before it is whole.
package record

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// Magic begins every recording: the format's name and its version (1).
const Magic = "SHMREC\x00\x01"

// Kinds of record.
const (
	KindHeader   = 'h'
	KindSnapshot = 's'
	KindDelta    = 'd'
	KindEnd      = 'e'
)

// Framing: a record's length and kind before its body, its CRC after it; a frame's time and counter open its
// body; a delta's span has its offset and length before its bytes.
const (
	recordHead = 5
	recordTail = 4
	frameHead  = 16
	spanHead   = 8
	maxHeader  = 8 << 20 // the header's JSON (most of it the layout's source and its imports')
	maxEndBody = 4 << 10
	// endRoom is what a recorder keeps for its end record (its JSON is under 100 bytes).
	endRoom = 128
	// headerRoom is a header's size but for its layout's source, and a frame record's framing: what a
	// recording needs besides its bytes.
	headerRoom = 1024
)

// MaxLength is the longest range a recording keeps: a frame's bytes, copied in memory as it is sampled.
const MaxLength = 64 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header is the first record: what was recorded and how.
type Header struct {
	// Format is the file format's version: 1.
	Format int `json:"format"`
	// ID is the recording's id.
	ID string `json:"id"`
	// Mapping is the mapping's name; Offset and Length the range recorded (a layout's frames: 0 and its size).
	Mapping string `json:"mapping"`
	Offset  int64  `json:"offset"`
	Length  int64  `json:"length"`
	// Layout is the id of the layout the frames were read by ("": a raw range), LayoutSource its .ksy then.
	Layout       string `json:"layout,omitempty"`
	LayoutSource string `json:"layout_source,omitempty"`
	// LayoutImports are the sources of the layouts LayoutSource imports (directly or through another), by the
	// id it imports each by, as they were when the recording began: it is decoded by them, not by what the
	// layout store holds by then. Absent in a recording of a layout that imports nothing, and in those made
	// before it was kept (their imports can only be the saved layouts').
	LayoutImports map[string]string `json:"layout_imports,omitempty"`
	// Consistency is how each frame was read: seqlock, ring, mutex, spinlock, frame or none.
	Consistency string `json:"consistency"`
	// Counter: the frames carry the layout's frame counter (its seqlock's, ring tick, frame field); without
	// one a frame's counter is 0.
	Counter bool `json:"counter"`
	// Interval (nanoseconds) or Event is what triggered each sample.
	Interval time.Duration `json:"interval_ns,omitempty"`
	Event    string        `json:"event,omitempty"`
	// Started is when the recording began.
	Started time.Time `json:"started"`
}

// End is the last record of a recording that was stopped (or recovered after it was cut short).
type End struct {
	Stopped time.Time `json:"stopped"`
	// Reason is why it stopped (see the Reason constants).
	Reason string `json:"reason"`
	Frames int64  `json:"frames"`
}

// Reasons a recording stopped.
const (
	ReasonStopped       = "stopped"        // asked to (POST …/stop, DELETE)
	ReasonMaxBytes      = "max-bytes"      // its max_bytes
	ReasonMaxDuration   = "max-duration"   // its max_duration
	ReasonBudget        = "budget"         // the daemon-wide disk budget (-recordings-budget)
	ReasonDiskFull      = "disk-full"      // the file system is full
	ReasonMappingClosed = "mapping-closed" // the mapping was closed
	ReasonShutdown      = "shutdown"       // the daemon stopped
	ReasonFailed        = "failed"         // a sample or a write failed (the log says why)
	ReasonInterrupted   = "interrupted"    // cut short (the daemon was killed): recovered at the next start
)

// Frame is one frame read back: its time, counter, and the whole range as it was then.
type Frame struct {
	Time    time.Time
	Counter uint64
	// Bytes is the range; the reader reuses it for the next frame.
	Bytes []byte
	// Offset is where the frame's record begins in the file.
	Offset int64
}

// FormatError is a file that is not a whole recording: where it goes wrong, and how.
type FormatError struct {
	Offset int64
	Detail string
	// Truncated: the file ends inside a record (everything before Offset is whole).
	Truncated bool
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("recording: at byte %d: %s", e.Offset, e.Detail)
}

// ErrHeaderTooLarge is a header over the format's cap (the layout's source and its imports').
var ErrHeaderTooLarge = errors.New("record: the header is too large")

// sourceBytes are the bytes of the layouts' sources the header holds.
func (h Header) sourceBytes() int64 {
	n := int64(len(h.LayoutSource))
	for _, src := range h.LayoutImports {
		n += int64(len(src))
	}
	return n
}

// ErrFull is a frame that would take the recording past the room it was given (its max_bytes, the budget).
var ErrFull = errors.New("record: no room for the frame")

// appendRecord appends a record of kind with body (what fill appends) to b.
func appendRecord(b []byte, kind byte, fill func([]byte) []byte) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0, kind)
	b = fill(b)
	binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start-recordHead))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start+4:], castagnoli))
}

func appendJSONRecord(b []byte, kind byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return appendRecord(b, kind, func(b []byte) []byte { return append(b, j...) }), nil
}

func appendFrameHead(b []byte, t time.Time, counter uint64) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(t.UnixNano()))
	return binary.LittleEndian.AppendUint64(b, counter)
}
