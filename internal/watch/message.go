package watch

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/shmbridge/shmbridge/internal/jsontext"
	"github.com/shmbridge/shmbridge/internal/spans"
)

// Message is one message of a stream, its data encoded once for all the subscribers it goes to. A message
// that carries bytes holds its size of the hub's budget until the last of its holders (the sampler, queues,
// a stream writing it) releases it.
type Message struct {
	// snapshot, change (a mapping's changed bytes), fields (a decoded source's patch), error (its decode
	// failing), signal, closed
	Type string
	Data string // JSON

	from   *sampler
	seq    uint64
	fields int          // where a decoded message's fields start in Data (0: it has none)
	cost   int64        // bytes of the budget it holds; 0 for the small messages that carry no bytes
	refs   atomic.Int64 // its holders
}

// Fields is a decoded source's message's fields, as Data carries them: the whole selection (a snapshot), or
// the patch of what changed (fields; see jsondiff.go). Empty for any other message. Read only; valid until
// Release.
func (m *Message) Fields() []byte {
	if m.fields == 0 {
		return nil
	}
	return bytesOf(m.Data[m.fields : len(m.Data)-1])
}

// Release gives up one hold on m: every message Subscriber.Next returns is the caller's to release once it is
// written (or dropped).
func (m *Message) Release() {
	if m.refs.Add(-1) == 0 && m.cost > 0 {
		m.from.hub.give(m.cost)
	}
}

func (m *Message) retain() *Message {
	m.refs.Add(1)
	return m
}

// header is what every message of a source starts with.
type header struct {
	typ     string
	seq     uint64
	at      time.Time
	ts      []byte // at, formatted (RFC 3339, sub-second)
	offset  *int64
	reason  string
	layout  string  // a decoded source's layout
	version *uint64 // its frame's counter
	frames  *uint64 // the frames the producer made since the source's last message
}

// payload is what a message carries after its header: the bytes encoded (data), the text (text), the changed
// runs (spans), or nothing.
type payload struct {
	format  Format
	data    []byte       // data, or the text's bytes (UTF-8, not yet escaped)
	spans   []spans.Span // change spans of data, with base the absolute offset of data[0]
	base    int64        // absolute offset of data[0]
	asText  bool         // data is text
	fields  []byte       // decoded fields (JSON)
	errJSON []byte       // an error message's error (JSON)
	none    bool         // a message that carries no bytes of the mapping
}

// build encodes a message of s into one allocation of its exact size, taking that size from the budget when
// it carries bytes; nil when the budget cannot give it.
func (s *sampler) build(h header, p payload) *Message {
	var tb [40]byte
	h.ts = h.at.UTC().AppendFormat(tb[:0], time.RFC3339Nano)
	n := s.headerLen(h) + p.len() + 1
	var cost int64
	if !p.none {
		cost = int64(n)
		if !s.hub.take(cost) {
			return nil
		}
	}
	b := make([]byte, 0, n)
	b = s.appendHeader(b, h)
	fields := 0
	if p.fields != nil && p.errJSON == nil && !p.none {
		fields = len(b) + len(`,"fields":`)
	}
	b = p.append(b)
	b = append(b, '}')
	if len(b) != n {
		panic(fmt.Sprintf("watch: a message of %d bytes was counted as %d", len(b), n)) // FuzzMessageLength
	}
	m := &Message{Type: h.typ, Data: unsafe.String(unsafe.SliceData(b), len(b)), from: s, seq: h.seq, fields: fields, cost: cost}
	m.refs.Store(1)
	return m
}

// The header: {"mapping":NAME or "event":NAME,"seq":N,"at":"TIME"[,"offset":N][,"reason":TEXT][,"layout":ID]
// [,"version":N][,"frames":N]
func (s *sampler) headerLen(h header) int {
	n := len(`{"":,"seq":,"at":""`) + len(s.nameKey()) + jsontext.StringLen(bytesOf(s.name)) + decLen(h.seq) + len(h.ts)
	if h.offset != nil {
		n += len(`,"offset":`) + decLen(uint64(*h.offset))
	}
	if h.reason != "" {
		n += len(`,"reason":`) + jsontext.StringLen(bytesOf(h.reason))
	}
	if h.layout != "" {
		n += len(`,"layout":`) + jsontext.StringLen(bytesOf(h.layout))
	}
	if h.version != nil {
		n += len(`,"version":`) + decLen(*h.version)
	}
	if h.frames != nil {
		n += len(`,"frames":`) + decLen(*h.frames)
	}
	return n
}

func (s *sampler) appendHeader(b []byte, h header) []byte {
	b = append(b, `{"`...)
	b = append(b, s.nameKey()...)
	b = append(b, `":`...)
	b = jsontext.AppendString(b, bytesOf(s.name))
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, h.seq, 10)
	b = append(b, `,"at":"`...)
	b = append(b, h.ts...)
	b = append(b, '"')
	if h.offset != nil {
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, *h.offset, 10)
	}
	if h.reason != "" {
		b = append(b, `,"reason":`...)
		b = jsontext.AppendString(b, bytesOf(h.reason))
	}
	if h.layout != "" {
		b = append(b, `,"layout":`...)
		b = jsontext.AppendString(b, bytesOf(h.layout))
	}
	if h.version != nil {
		b = append(b, `,"version":`...)
		b = strconv.AppendUint(b, *h.version, 10)
	}
	if h.frames != nil {
		b = append(b, `,"frames":`...)
		b = strconv.AppendUint(b, *h.frames, 10)
	}
	return b
}

// nameKey is the key of what a message is about: the mapping, or the event of a signal source.
func (s *sampler) nameKey() string {
	if s.src.Mapping != nil {
		return "mapping"
	}
	return "event"
}

func (p payload) len() int {
	switch {
	case p.errJSON != nil:
		return len(`,"error":`) + len(p.errJSON)
	case p.none:
		return 0
	case p.fields != nil:
		return len(`,"fields":`) + len(p.fields)
	case p.asText:
		return len(`,"text":`) + jsontext.StringLen(p.data)
	case p.spans != nil:
		n := len(`,"spans":[]`)
		for i, sp := range p.spans {
			if i > 0 {
				n++
			}
			n += len(`{"offset":,"data":""}`) + decLen(uint64(p.base)+uint64(sp.Off)) + encodedLen(p.format, sp.N)
		}
		return n
	default:
		return len(`,"data":""`) + encodedLen(p.format, len(p.data))
	}
}

func (p payload) append(b []byte) []byte {
	switch {
	case p.errJSON != nil:
		b = append(b, `,"error":`...)
		b = append(b, p.errJSON...)
	case p.none:
	case p.fields != nil:
		b = append(b, `,"fields":`...)
		b = append(b, p.fields...)
	case p.asText:
		b = append(b, `,"text":`...)
		b = jsontext.AppendString(b, p.data)
	case p.spans != nil:
		b = append(b, `,"spans":[`...)
		for i, sp := range p.spans {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"offset":`...)
			b = strconv.AppendInt(b, p.base+int64(sp.Off), 10)
			b = append(b, `,"data":"`...)
			b = appendEncoded(b, p.format, p.data[sp.Off:sp.Off+sp.N])
			b = append(b, `"}`...)
		}
		b = append(b, ']')
	default:
		b = append(b, `,"data":"`...)
		b = appendEncoded(b, p.format, p.data)
		b = append(b, '"')
	}
	return b
}

func encodedLen(f Format, n int) int {
	if f == Hex {
		return hex.EncodedLen(n)
	}
	return base64.StdEncoding.EncodedLen(n)
}

func appendEncoded(b []byte, f Format, src []byte) []byte {
	if f == Hex {
		return hex.AppendEncode(b, src)
	}
	return base64.StdEncoding.AppendEncode(b, src)
}

func decLen(v uint64) int {
	n := 1
	for ; v >= 10; v /= 10 {
		n++
	}
	return n
}

// bytesOf is s as bytes, without a copy: only to read.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
