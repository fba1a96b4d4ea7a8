package layout

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Consistency is how a layout's producer publishes a frame (meta/-shmbridge/consistency): what a read does
// so that it never returns a frame half-written.
type Consistency struct {
	// Seqlock names one counter, odd while a write is in progress (Linux seqcount).
	Seqlock string `json:"seqlock,omitempty"`
	// Begin and End name a pair of counters that differ while a write is in progress (rFactor 2's
	// mVersionUpdateBegin/End).
	Begin string `json:"begin,omitempty"`
	End   string `json:"end,omitempty"`
	// Mutex names a named mutex to hold around the copy (HWiNFO's Global\HWiNFO_SM2_MUTEX).
	Mutex string `json:"mutex,omitempty"`
	// Frame names a field that changes every frame: no tear protection, a frame identity.
	Frame string `json:"frame,omitempty"`
	// Ring describes N buffers stamped with a tick (iRacing's varBuf).
	Ring *Ring `json:"ring,omitempty"`
	// Spinlock is a lock word in another mapping, taken by compare-and-swap around the copy (Le Mans
	// Ultimate's LMU_SharedMemoryLockData).
	Spinlock *Spinlock `json:"spinlock,omitempty"`

	fields map[string]Field
}

// Ring: buffers is an array of structs, each with a tick and an offset field; length is a field giving each
// buffer's size in bytes. A read copies the buffer of the newest tick and checks the tick did not move.
type Ring struct {
	Buffers string `json:"buffers" yaml:"buffers"`
	Tick    string `json:"tick" yaml:"tick"`
	Offset  string `json:"offset" yaml:"offset"`
	Length  string `json:"length" yaml:"length"`
	Count   string `json:"count,omitempty" yaml:"count"`
}

// Spinlock: Mapping is the named mapping that holds the lock; Busy the byte offset in it of the 32-bit word
// a holder sets from 0 to 1 by compare-and-swap and back to 0 to release; Waiters and Event, together or
// neither, the offset of the 32-bit count of the producer's threads that sleep on the named auto-reset Event
// until a release sets it. The words are in the machine's byte order (Windows' LONG, Interlocked*).
type Spinlock struct {
	Mapping string `json:"mapping"`
	Busy    int    `json:"busy"`
	Waiters int    `json:"waiters"` // -1: none
	Event   string `json:"event,omitempty"`
}

// parseExtension reads meta/-shmbridge: the consistency protocol, the packing of the C struct the layout
// describes, and the checks of the version it describes.
func (b *builder) parseExtension(n *yaml.Node, path string) {
	for _, kv := range b.mapping(n, path) {
		p := path + "/" + kv[0].Value
		switch kv[0].Value {
		case "consistency":
			b.file.consistency = b.parseConsistency(kv[1], p)
		case "pack":
			b.file.pack = b.parsePack(kv[1], p)
		case "version":
			b.file.versions = b.parseVersion(kv[1], p)
		default:
			b.fail(kv[0], p, "unknown key %q; -shmbridge takes: consistency, pack, version", kv[0].Value)
		}
	}
}

// parsePack reads meta/-shmbridge/pack: 1, 2, 4, 8 or 16, as `#pragma pack(n)` says.
func (b *builder) parsePack(n *yaml.Node, p string) int {
	s, ok := b.scalar(n, p)
	if !ok {
		return 0
	}
	switch s {
	case "1", "2", "4", "8", "16":
		v := 0
		fmt.Sscan(s, &v)
		return v
	}
	b.fail(n, p, "pack is 1, 2, 4, 8 or 16 (as #pragma pack(n)), not %q", s)
	return 0
}

// parseConsistency reads meta/-shmbridge/consistency: one protocol.
func (b *builder) parseConsistency(n *yaml.Node, p string) *Consistency {
	pairs := b.mapping(n, p)
	if len(pairs) != 1 {
		b.fail(n, p, "consistency takes exactly one of: seqlock, mutex, frame, ring, spinlock")
		return nil
	}
	k, v, vp := pairs[0][0].Value, pairs[0][1], p+"/"+pairs[0][0].Value
	c := &Consistency{}
	switch k {
	case "seqlock":
		if deref(v) != nil && deref(v).Kind == yaml.MappingNode {
			ps := b.mapping(v, vp)
			b.keys(ps, vp, "begin", "end")
			for _, f := range ps {
				s, _ := b.scalar(f[1], vp+"/"+f[0].Value)
				if f[0].Value == "begin" {
					c.Begin = s
				} else {
					c.End = s
				}
			}
			if c.Begin == "" || c.End == "" {
				b.fail(v, vp, "a seqlock pair needs begin and end")
			}
		} else {
			c.Seqlock, _ = b.scalar(v, vp)
		}
	case "mutex":
		c.Mutex, _ = b.scalar(v, vp)
	case "frame":
		c.Frame, _ = b.scalar(v, vp)
	case "ring":
		ps := b.mapping(v, vp)
		b.keys(ps, vp, "buffers", "tick", "offset", "length", "count")
		r := &Ring{}
		for _, f := range ps {
			s, _ := b.scalar(f[1], vp+"/"+f[0].Value)
			switch f[0].Value {
			case "buffers":
				r.Buffers = s
			case "tick":
				r.Tick = s
			case "offset":
				r.Offset = s
			case "length":
				r.Length = s
			case "count":
				r.Count = s
			}
		}
		if r.Buffers == "" || r.Tick == "" || r.Offset == "" || r.Length == "" {
			b.fail(v, vp, "a ring needs buffers, tick, offset and length")
		}
		c.Ring = r
	case "spinlock":
		if c.Spinlock = b.parseSpinlock(v, vp); c.Spinlock == nil {
			return nil
		}
	default:
		b.fail(pairs[0][0], vp, "unknown consistency %q; one of: seqlock, mutex, frame, ring, spinlock", k)
		return nil
	}
	return c
}

// parseSpinlock reads consistency/spinlock: {mapping: NAME, busy: OFFSET, waiters: OFFSET, event: NAME}; nil
// after a problem.
func (b *builder) parseSpinlock(v *yaml.Node, vp string) *Spinlock {
	before := len(b.problems)
	ps := b.mapping(v, vp)
	b.keys(ps, vp, "mapping", "busy", "waiters", "event")
	s := &Spinlock{Busy: -1, Waiters: -1}
	for _, f := range ps {
		fp := vp + "/" + f[0].Value
		switch f[0].Value {
		case "mapping", "event":
			name, ok := b.scalar(f[1], fp)
			if ok && strings.TrimSpace(name) == "" {
				b.fail(f[1], fp, "the %s needs a name", f[0].Value)
			}
			if f[0].Value == "mapping" {
				s.Mapping = name
			} else {
				s.Event = name
			}
		case "busy", "waiters":
			off := b.wordOffset(f[1], fp)
			if f[0].Value == "busy" {
				s.Busy = off
			} else {
				s.Waiters = off
			}
		}
	}
	switch {
	case len(b.problems) > before:
	case s.Mapping == "" || s.Busy < 0:
		b.fail(v, vp, "a spinlock needs mapping (the lock's mapping) and busy (the offset of its lock word)")
	case (s.Waiters >= 0) != (s.Event != ""):
		b.fail(v, vp, "waiters and event go together: a release sets the event when waiters is above 0, so that a producer thread asleep on it wakes")
	case s.Waiters == s.Busy:
		b.fail(v, vp, "busy and waiters are both at offset %d: they are two words", s.Busy)
	}
	if len(b.problems) > before {
		return nil
	}
	return s
}

// wordOffset reads the byte offset of a 32-bit word: a non-negative multiple of 4 (an interlocked operation
// needs its word aligned).
func (b *builder) wordOffset(n *yaml.Node, p string) int {
	s, ok := b.scalar(n, p)
	if !ok {
		return -1
	}
	v, err := strconv.ParseInt(s, 0, 32)
	if err != nil || v < 0 || v%4 != 0 {
		b.fail(n, p, "expected the byte offset of a 32-bit word (0, 4, 8, …: aligned to 4), got %q", s)
		return -1
	}
	return int(v)
}

// check makes sure every field the protocol names is a statically placed integer the daemon can read before
// it decodes anything.
func (c *Consistency) check(l *Layout) error {
	c.fields = map[string]Field{}
	for _, f := range l.Fields {
		c.fields[f.Path] = f
	}
	need := func(path string, counter bool) error {
		f, ok := c.fields[path]
		if !ok {
			return fmt.Errorf("%q is not a field at a fixed offset of the layout", path)
		}
		if !strings.HasPrefix(f.Type, "u") && !strings.HasPrefix(f.Type, "s") || f.Bits != 0 {
			return fmt.Errorf("%q is %s; a counter is an integer of 1, 2, 4 or 8 bytes", path, f.Type)
		}
		if counter && f.Size != 4 && f.Size != 8 {
			return fmt.Errorf("%q is %s; a counter read atomically is 4 or 8 bytes", path, f.Type)
		}
		if f.Size > 1 && f.Endian == "" {
			return fmt.Errorf("%q has no fixed endianness (say u4le, or meta/endian)", path)
		}
		if counter && f.Offset%f.Size != 0 {
			return fmt.Errorf("%q at offset %d is not aligned to its %d bytes: it cannot be read atomically", path, f.Offset, f.Size)
		}
		return nil
	}
	switch {
	case c.Seqlock != "":
		return need(c.Seqlock, true)
	case c.Begin != "":
		if err := need(c.Begin, true); err != nil {
			return err
		}
		return need(c.End, true)
	case c.Frame != "":
		return need(c.Frame, false)
	case c.Mutex != "":
		if strings.TrimSpace(c.Mutex) == "" {
			return fmt.Errorf("the mutex needs a name")
		}
	case c.Ring != nil:
		for _, p := range []string{c.Ring.Length} {
			if err := need(p, false); err != nil {
				return err
			}
		}
		if err := need(c.Ring.Buffers+"[0]."+c.Ring.Tick, true); err != nil {
			return fmt.Errorf("ring: %v", err)
		}
		if err := need(c.Ring.Buffers+"[0]."+c.Ring.Offset, false); err != nil {
			return fmt.Errorf("ring: %v", err)
		}
	}
	return nil
}

// Counter is a statically placed counter field the protocol reads.
func (c *Consistency) Counter(path string) (Field, bool) {
	f, ok := c.fields[path]
	return f, ok
}

// String is the protocol in short, as the layout says it: "seqlock: seq", "seqlock: {begin: b, end: e}",
// "mutex: NAME", "frame: packet_id", "ring: var_buf[].tick_count"; "none" for a nil one (a plain copy).
func (c *Consistency) String() string {
	switch {
	case c == nil:
		return "none"
	case c.Seqlock != "":
		return "seqlock: " + c.Seqlock
	case c.Begin != "":
		return "seqlock: {begin: " + c.Begin + ", end: " + c.End + "}"
	case c.Mutex != "":
		return "mutex: " + c.Mutex
	case c.Frame != "":
		return "frame: " + c.Frame
	case c.Ring != nil:
		return "ring: " + c.Ring.Buffers + "[]." + c.Ring.Tick
	}
	return "none"
}
