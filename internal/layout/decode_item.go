package layout

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
)

// readOne reads one item of an attribute (index -1: the attribute is no array): nil (and no error) only for
// a switch that no case matches (noCase).
func (o *object) readOne(a *attr, s *stream, index int) (any, error) {
	at := site{o: o, a: a, index: index}
	loc := &locals{index: index, hasIndex: index >= 0}
	off := s.base + s.pos
	if index >= 0 {
		if err := o.d.spend(itemBytes + at.pathLen()); err != nil {
			return nil, err
		}
	}
	if a.contents != nil {
		return o.readContents(a, s, at, off)
	}
	kind := a.kind
	if kind.prim == "switch" {
		var err error
		if kind, err = o.pickCase(a, loc); err != nil || kind.prim == noCase {
			return nil, err // no case: nothing read, the value null (as Kaitai leaves it)
		}
	}
	sub, err := o.extent(a, kind, s, at, off, loc)
	if err != nil {
		return nil, err
	}
	v, err := o.readKind(a, kind, s, sub, at, off, loc)
	if err != nil {
		return nil, err
	}
	if a.enum != nil {
		v = toEnum(a.enum, v)
	}
	if a.valid != nil {
		if err := o.check(a, v, at, off, loc); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// readContents reads an attribute of fixed contents, refusing other bytes.
func (o *object) readContents(a *attr, s *stream, at site, off int) (any, error) {
	b, err := s.read(len(a.contents))
	if err != nil {
		return nil, o.failAt(at, off, "%v", err)
	}
	if !bytes.Equal(b, a.contents) {
		return nil, o.failAt(at, off, "contents are %s, expected %s", show(b), show(a.contents))
	}
	return b, nil
}

// extent reads the bytes of an item of a known extent (its size, or up to its terminator), its padding and
// terminator stripped and its process applied, as the substream the item is read from; nil for an item
// read from s itself.
func (o *object) extent(a *attr, kind typeRef, s *stream, at site, off int, loc *locals) (*stream, error) {
	term := a.terminator
	if kind.prim == "strz" && term < 0 {
		term = 0
	}
	width := 1
	if term == 0 && (kind.prim == "strz" || kind.prim == "str") {
		width = unitWidth(a.encoding)
	}
	var raw []byte
	var err error
	switch {
	case a.size != nil || a.sizeEOS:
		raw, err = o.sized(a, s, at, off, loc, term, width)
	case term >= 0 && kind.prim != "u" && kind.prim != "s" && kind.prim != "f" && kind.prim != "b":
		raw, err = o.terminated(a, s, at, off, term, width)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.process != nil {
		if raw, err = o.process(a.process, raw, loc); err != nil {
			return nil, o.failAt(at, off, "%v", err)
		}
	}
	return &stream{buf: raw, base: off}, nil
}

// sized reads the bytes of an item of a size (or the rest of s): the terminator first; the padding is
// stripped only where no terminator ends the value.
func (o *object) sized(a *attr, s *stream, at site, off int, loc *locals, term, width int) ([]byte, error) {
	n := len(s.buf) - s.pos
	if a.size != nil {
		m, err := o.evalInt(a.size, loc)
		if err != nil {
			return nil, err
		}
		if m < 0 || m > int64(len(s.buf)-s.pos) {
			return nil, o.failAt(at, off, "size %d, but %d bytes are left", m, len(s.buf)-s.pos)
		}
		n = int(m)
	}
	raw, err := s.read(n)
	if err != nil {
		return nil, o.failAt(at, off, "%v", err)
	}
	if term >= 0 {
		if i := indexTerm(raw, byte(term), width); i >= 0 {
			if a.include {
				i += width
			}
			return raw[:i], nil
		}
	}
	if a.padRight >= 0 {
		end := len(raw)
		for end > 0 && raw[end-1] == byte(a.padRight) {
			end--
		}
		raw = raw[:end]
	}
	return raw, nil
}

// terminated reads the bytes of an item up to its terminator (of width bytes), which it consumes and
// includes as the attribute says.
func (o *object) terminated(a *attr, s *stream, at site, off int, term, width int) ([]byte, error) {
	s.alignToByte()
	rest := s.buf[s.pos:]
	i := indexTerm(rest, byte(term), width)
	switch {
	case i < 0 && a.eosError:
		return nil, o.failAt(at, off, "end of stream reached, but no terminator %d found", term)
	case i < 0:
		s.pos = len(s.buf)
		return rest, nil
	}
	raw := rest[:i]
	if a.include {
		raw = rest[:i+width]
	}
	s.pos += i
	if a.consume {
		s.pos += width
	}
	return raw, nil
}

// readKind reads an item of type kind: from its extent sub when it has one, else from s.
func (o *object) readKind(a *attr, kind typeRef, s, sub *stream, at site, off int, loc *locals) (any, error) {
	src := s
	if sub != nil {
		src = sub
	}
	switch kind.prim {
	case "u", "s", "f":
		return o.readNumber(kind, src, at, off)
	case "b":
		return o.readBits(a, kind, src, at, off)
	case "user":
		return o.readUser(a, kind, src, at, off, loc)
	case "", "bytes", "str", "strz":
		return o.readBytes(a, kind, sub, at, off)
	}
	return nil, o.failAt(at, off, "no type to read")
}

// readNumber reads an integer or a float in its byte order.
func (o *object) readNumber(kind typeRef, src *stream, at site, off int) (any, error) {
	u, err := o.loadNumber(kind, src, at, off)
	if err != nil {
		return nil, err
	}
	return numberValue(kind, u), nil
}

// loadNumber reads the bytes of an integer or a float in its byte order, as an unsigned integer.
func (o *object) loadNumber(kind typeRef, src *stream, at site, off int) (uint64, error) {
	b, err := src.read(kind.size)
	if err != nil {
		return 0, o.failAt(at, off, "%v", err)
	}
	le := kind.le == "le" || kind.le == "" && o.le > 0
	if kind.le == "" && o.le == 0 && kind.size > 1 {
		return 0, o.failAt(at, off, "no endianness: say %s%dle or %s%dbe, or meta/endian", kind.prim, kind.size, kind.prim, kind.size)
	}
	return loadUint(kind.size, le, b), nil
}

// readBits reads a bit field: b1 is a boolean (unless an enum reads it).
func (o *object) readBits(a *attr, kind typeRef, src *stream, at site, off int) (any, error) {
	x, err := o.loadBits(kind, src, at, off)
	if err != nil {
		return nil, err
	}
	return bitsValue(kind, a.enum != nil, x), nil
}

// loadBits reads a bit field's bits, in its bit order.
func (o *object) loadBits(kind typeRef, src *stream, at site, off int) (uint64, error) {
	le := kind.le == "le" || kind.le == "" && bitEndianOf(o.t) == "le"
	var x uint64
	var err error
	if le {
		x, err = src.readBitsLE(kind.size)
	} else {
		x, err = src.readBitsBE(kind.size)
	}
	if err != nil {
		return 0, o.failAt(at, off, "%v", err)
	}
	return x, nil
}

// bitsValue is a bit field's value: b1 is a boolean (unless an enum reads it).
func bitsValue(kind typeRef, enum bool, x uint64) any {
	if kind.size == 1 && !enum {
		return x == 1
	}
	return fromUint(x)
}

// readUser reads an object of a user type: its arguments evaluated, its _parent and _root set.
func (o *object) readUser(a *attr, kind typeRef, src *stream, at site, off int, loc *locals) (any, error) {
	args := make([]any, len(kind.args))
	for i, x := range kind.args {
		var err error
		if args[i], err = o.eval(x, loc); err != nil {
			return nil, err
		}
	}
	child := &object{t: kind.resolved, io: src, parent: o, root: o.root, d: o.d, at: at, pathLen: at.pathLen()}
	if kind.resolved.file != o.t.file { // _parent and _root never cross into another layout
		child.parent, child.root = nil, nil
		if kind.resolved.parent == nil {
			child.root = child
		}
	}
	if a.parent != nil {
		pv, err := o.eval(a.parent, loc)
		if err != nil {
			return nil, err
		}
		switch pv := pv.(type) {
		case *object:
			child.parent = pv
		case bool:
			if !pv {
				child.parent = nil
			}
		default:
			return nil, o.failAt(at, off, "parent is %s, not an object or false", show(pv))
		}
	}
	if err := o.d.parse(child, args); err != nil {
		return nil, err
	}
	return child, nil
}

// readBytes answers an item's bytes (its extent sub), decoded when it is a string.
func (o *object) readBytes(a *attr, kind typeRef, sub *stream, at site, off int) (any, error) {
	if sub == nil {
		return nil, o.failAt(at, off, "raw bytes need a size or a terminator")
	}
	raw := sub.buf
	if err := o.d.spend(len(raw)); err != nil {
		return nil, err
	}
	if kind.prim != "str" && kind.prim != "strz" {
		return raw, nil
	}
	str, err := decodeString(raw, a.encoding)
	if err != nil {
		return nil, o.failAt(at, off, "%v", err)
	}
	return str, nil
}

// bitEndianOf is the bit order of t's bit fields: its or an enclosing type's meta/bit-endian, be by default.
func bitEndianOf(t *typeSpec) string {
	for s := t; s != nil; s = s.parent {
		if s.bitEndian != "" {
			return s.bitEndian
		}
	}
	return "be"
}

// noCase is the type pickCase answers when no case of an unsized switch matches and it has no `_`: nothing is
// read, and the value is null.
const noCase = "none"

// pickCase chooses a switched type's case; no match and no `_` reads raw bytes when sized, nothing (noCase)
// otherwise.
func (o *object) pickCase(a *attr, loc *locals) (typeRef, error) {
	on, err := o.eval(a.kind.switchOn, loc)
	if err != nil {
		return typeRef{}, err
	}
	for _, c := range a.kind.cases {
		if c.key == nil {
			continue
		}
		k, err := o.eval(c.key, loc)
		if err != nil {
			return typeRef{}, err
		}
		if eq, _ := equal(on, k); eq {
			return c.kind, nil
		}
	}
	for _, c := range a.kind.cases {
		if c.key == nil {
			return c.kind, nil
		}
	}
	if a.size != nil || a.sizeEOS {
		return typeRef{prim: ""}, nil
	}
	return typeRef{prim: noCase}, nil
}

// loadUint is the unsigned integer of size bytes b holds.
func loadUint(size int, le bool, b []byte) uint64 {
	var u uint64
	switch size {
	case 1:
		u = uint64(b[0])
	case 2:
		if le {
			u = uint64(binary.LittleEndian.Uint16(b))
		} else {
			u = uint64(binary.BigEndian.Uint16(b))
		}
	case 4:
		if le {
			u = uint64(binary.LittleEndian.Uint32(b))
		} else {
			u = uint64(binary.BigEndian.Uint32(b))
		}
	case 8:
		if le {
			u = binary.LittleEndian.Uint64(b)
		} else {
			u = binary.BigEndian.Uint64(b)
		}
	}
	return u
}

// numberValue is the value of an integer or a float of type kind whose bytes were read as u.
func numberValue(kind typeRef, u uint64) any {
	switch kind.prim {
	case "s":
		return signed(u, kind.size)
	case "f":
		if kind.size == 4 {
			return math.Float32frombits(uint32(u)) // kept as float32: its JSON is float32's shortest form
		}
		return math.Float64frombits(u)
	}
	return fromUint(u)
}

// signed is the signed integer of size bytes whose bits are u.
func signed(u uint64, size int) int64 {
	shift := uint(64 - 8*size)
	return int64(u<<shift) >> shift
}

// fromUint is u as an int64 when it fits one, else as the uint64.
func fromUint(u uint64) any {
	if u > math.MaxInt64 {
		return u
	}
	return int64(u)
}

// indexTerm finds a terminator of width bytes (two for UTF-16, four for UTF-32) at a multiple of width.
func indexTerm(b []byte, term byte, width int) int {
	if width == 1 {
		return bytes.IndexByte(b, term)
	}
next:
	for i := 0; i+width <= len(b); i += width {
		for j := range width {
			if b[i+j] != term {
				continue next
			}
		}
		return i
	}
	return -1
}

// unitWidth is the bytes of a NUL terminator in the encoding enc: 2 for UTF-16, 4 for UTF-32, else 1.
func unitWidth(enc string) int {
	switch e := strings.ToUpper(enc); {
	case strings.HasPrefix(e, "UTF-16"):
		return 2
	case strings.HasPrefix(e, "UTF-32"):
		return 4
	}
	return 1
}
