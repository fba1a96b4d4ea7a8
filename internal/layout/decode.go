package layout

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// DecodeError is data that does not fit the layout: which attribute, at which offset of the data, and why.
type DecodeError struct {
	Path   string `json:"path"`   // the attribute's path in the decoded value: header.flags, items[3]
	Offset int    `json:"offset"` // where in the data
	Detail string `json:"detail"`
	// Limit is set when a bound was reached (steps, depth, sizes) rather than the data being wrong.
	Limit bool `json:"-"`
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("at offset %d: %s", e.Offset, e.Detail)
	}
	return fmt.Sprintf("%s at offset %d: %s", e.Path, e.Offset, e.Detail)
}

// stream is a byte stream being read: the data, or a substream of it.
type stream struct {
	buf      []byte
	pos      int
	bits     uint64
	bitsLeft int
	base     int // where buf starts in the data (for error offsets)
}

func (s *stream) alignToByte() { s.bits, s.bitsLeft = 0, 0 }

func (s *stream) read(n int) ([]byte, error) {
	s.alignToByte()
	if n < 0 {
		return nil, fmt.Errorf("negative size %d", n)
	}
	if n > len(s.buf)-s.pos {
		return nil, fmt.Errorf("end of stream: wanted %d bytes, %d left", n, len(s.buf)-s.pos)
	}
	b := s.buf[s.pos : s.pos+n]
	s.pos += n
	return b, nil
}

func (s *stream) readBitsBE(n int) (uint64, error) {
	var res uint64
	need := n - s.bitsLeft
	s.bitsLeft = -need & 7
	if need > 0 {
		nb := (need-1)/8 + 1
		if nb > len(s.buf)-s.pos {
			return 0, fmt.Errorf("end of stream: wanted %d bits, %d bytes left", n, len(s.buf)-s.pos)
		}
		for _, c := range s.buf[s.pos : s.pos+nb] {
			res = res<<8 | uint64(c)
		}
		s.pos += nb
		newBits := res
		res = res>>uint(s.bitsLeft) | s.bits<<uint(need)
		s.bits = newBits
	} else {
		res = s.bits >> uint(-need)
	}
	s.bits &= 1<<uint(s.bitsLeft) - 1
	if n < 64 {
		res &= 1<<uint(n) - 1
	}
	return res, nil
}

func (s *stream) readBitsLE(n int) (uint64, error) {
	var res uint64
	need := n - s.bitsLeft
	if need > 0 {
		nb := (need-1)/8 + 1
		if nb > len(s.buf)-s.pos {
			return 0, fmt.Errorf("end of stream: wanted %d bits, %d bytes left", n, len(s.buf)-s.pos)
		}
		for i, c := range s.buf[s.pos : s.pos+nb] {
			res |= uint64(c) << uint(8*i)
		}
		s.pos += nb
		var newBits uint64
		if need < 64 {
			newBits = res >> uint(need)
		}
		res = res<<uint(s.bitsLeft) | s.bits
		s.bits = newBits
	} else {
		res = s.bits
		s.bits >>= uint(n)
	}
	s.bitsLeft = -need & 7
	if n < 64 {
		res &= 1<<uint(n) - 1
	}
	return res, nil
}

// object is one decoded instance of a user type.
type object struct {
	t      *typeSpec
	io     *stream
	parent *object
	root   *object
	params map[string]any
	vals   []any    // by attribute slot
	has    []bool   // the slot's value is there (an if may have left it out)
	state  []uint8  // instances: 1 being computed, 2 done
	spans  [][2]int // where each seq attribute was read in io (start, end)
	le     int8     // 1 little, -1 big, 0 none given
	start  int
	end    int
	path   string
	d      *decoder
}

type decoder struct {
	ctx    context.Context // its end stops the decode (and the instances a Value computes later)
	lim    Limits
	steps  int
	next   int // the step at which ctx is looked at next
	output int
	depth  int
	nest   int // instances being computed, each waiting on the next
}

// Value is a decoded layout: walk it with JSON (AppendJSON) or look paths up (Get).
type Value struct {
	obj *object
	d   *decoder
}

// Decode decodes data by the layout. The data is not retained beyond the Value's byte arrays, which alias it:
// pass a private copy.
func (l *Layout) Decode(data []byte) (*Value, error) {
	return l.DecodeContext(context.Background(), data)
}

// DecodeContext is Decode that stops, with an error wrapping ctx's, within ctxSteps steps of ctx ending: a
// client that left stops the work. The instances the Value computes later (AppendJSON, Get) stop so too.
func (l *Layout) DecodeContext(ctx context.Context, data []byte) (*Value, error) {
	v, _, err := l.decode(ctx, data)
	return v, err
}

// decode is DecodeContext that also answers how many steps it took.
func (l *Layout) decode(ctx context.Context, data []byte) (*Value, int, error) {
	d := &decoder{ctx: ctx, lim: l.limits, next: ctxSteps}
	o := &object{t: l.root, io: &stream{buf: data}, d: d}
	o.root = o
	if err := d.parse(o, nil); err != nil {
		return nil, d.steps, err
	}
	return &Value{obj: o, d: d}, d.steps, nil
}

func (d *decoder) step(n int) error {
	d.steps += n
	if d.steps > d.lim.Steps {
		return &DecodeError{Detail: fmt.Sprintf("the decode took more than %d steps", d.lim.Steps), Limit: true}
	}
	if d.steps >= d.next {
		d.next = d.steps + ctxSteps
		if err := d.ctx.Err(); err != nil {
			return fmt.Errorf("the decode stopped after %d steps: %w", d.steps, err)
		}
	}
	return nil
}

// What a decode's objects and arrays cost, charged to Limits.Output with the bytes of its values: the
// memory a decode holds is bounded by it, not only by its steps (a million small objects are 300 MB).
const (
	objectBytes = 256 // an object and its path
	slotBytes   = 48  // each of its attributes' slots: a value, a span, its state
	itemBytes   = 48  // an array item: its slot, as the array grows
)

func (d *decoder) spend(n int) error {
	d.output += n
	if d.output > d.lim.Output {
		return &DecodeError{Detail: fmt.Sprintf("the decode made more than %d bytes of values", d.lim.Output), Limit: true}
	}
	return nil
}

// parse reads o's seq from its stream; instances are computed when asked for.
func (d *decoder) parse(o *object, args []any) error {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > d.lim.Depth {
		return &DecodeError{Path: o.path, Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf("types nested more than %d deep", d.lim.Depth), Limit: true}
	}
	n := len(o.t.seq) + len(o.t.instances)
	if err := d.spend(objectBytes + slotBytes*n + len(o.path)); err != nil {
		return err
	}
	o.vals, o.has, o.state, o.spans = make([]any, n), make([]bool, n), make([]uint8, n), make([][2]int, len(o.t.seq))
	if len(o.t.params) > 0 {
		o.params = make(map[string]any, len(o.t.params))
		for i, p := range o.t.params {
			if i < len(args) {
				o.params[p.id] = args[i]
			}
		}
	}
	if err := o.resolveEndian(); err != nil {
		return err
	}
	o.start = o.io.pos
	for _, a := range o.t.seq {
		if err := o.readAttr(a); err != nil {
			return err
		}
	}
	o.end = o.io.pos
	return nil
}

func (o *object) resolveEndian() error {
	var e *endianSpec
	for s := o.t; s != nil && e == nil; s = s.parent {
		e = s.endian
	}
	if e == nil {
		if o.parent != nil {
			o.le = o.parent.le
		}
		return nil
	}
	if e.switchOn == nil {
		o.le = map[bool]int8{true: 1, false: -1}[e.fixed == "le"]
		return nil
	}
	if e != o.t.endian && o.parent != nil && o.parent.le != 0 {
		o.le = o.parent.le // an inherited switched endianness was decided by the type that declares it
		return nil
	}
	on, err := o.eval(e.switchOn, nil)
	if err != nil {
		return err
	}
	for _, c := range e.cases {
		if c.key != nil {
			k, err := o.eval(c.key, nil)
			if err != nil {
				return err
			}
			if eq, _ := equal(on, k); !eq {
				continue
			}
		}
		o.le = map[bool]int8{true: 1, false: -1}[c.endian == "le"]
		return nil
	}
	return o.fail(e.switchOn, "no endianness case matches %s", show(on))
}

func (o *object) failAt(path string, offset int, format string, args ...any) error {
	return &DecodeError{Path: path, Offset: offset, Detail: fmt.Sprintf(format, args...)}
}

func (o *object) fail(x *expr, format string, args ...any) error {
	return &DecodeError{Path: o.path, Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf(format, args...)}
}

func join(path, id string) string {
	if path == "" {
		return id
	}
	return path + "." + id
}

// readAttr reads one seq attribute into o.vals.
func (o *object) readAttr(a *attr) error {
	start := o.io.pos
	v, present, err := o.attrValue(a, o.io)
	o.spans[a.slot] = [2]int{start, o.io.pos}
	if err != nil {
		return err
	}
	if present {
		o.set(a, v)
	}
	return nil
}

func (o *object) set(a *attr, v any) { o.vals[a.slot], o.has[a.slot] = v, true }

// value is a seq attribute's value or a computed instance's, if it is there.
func (o *object) value(a *attr) (any, bool) { return o.vals[a.slot], o.has[a.slot] }

// attrValue reads an attribute (seq or instance) from s.
func (o *object) attrValue(a *attr, s *stream) (any, bool, error) {
	if err := o.d.step(1); err != nil {
		return nil, false, err
	}
	path := join(o.path, a.id)
	if a.cond != nil && !a.instance {
		c, err := o.evalBool(a.cond, nil)
		if err != nil {
			return nil, false, err
		}
		if !c {
			return nil, false, nil
		}
	}
	if a.value != nil {
		v, err := o.eval(a.value, nil)
		if err != nil {
			return nil, false, err
		}
		if a.enum != nil {
			v = toEnum(a.enum, v)
		}
		return v, true, nil
	}
	switch a.repeat {
	case noRepeat:
		v, err := o.readOne(a, s, path, -1, nil)
		return v, err == nil, err
	case repeatExpr:
		n, err := o.evalInt(a.rexpr, nil)
		if err != nil {
			return nil, false, err
		}
		if n < 0 || n > int64(o.d.lim.Items) {
			return nil, false, o.failAt(path, s.base+s.pos, "repeat-expr is %d; at most %d items are decoded", n, o.d.lim.Items)
		}
		if min := minBits(a); min > 0 && n*int64(min) > int64(len(s.buf)-s.pos)*8+int64(s.bitsLeft) {
			return nil, false, o.failAt(path, s.base+s.pos, "repeat-expr is %d items, but only %d bytes are left", n, len(s.buf)-s.pos)
		}
		items := make([]any, 0, min(n, 1024))
		o.set(a, items)
		for i := range int(n) {
			v, err := o.readOne(a, s, fmt.Sprintf("%s[%d]", path, i), i, items)
			if err != nil {
				return nil, false, err
			}
			items = append(items, v)
			o.set(a, items) // the array read so far is visible to its own items' expressions
		}
		return items, true, nil
	case repeatEOS:
		items := []any{}
		o.set(a, items)
		for i := 0; s.pos < len(s.buf) || s.bitsLeft > 0; i++ {
			if i >= o.d.lim.Items {
				return nil, false, o.failAt(path, s.base+s.pos, "more than %d items", o.d.lim.Items)
			}
			v, err := o.readOne(a, s, fmt.Sprintf("%s[%d]", path, i), i, items)
			if err != nil {
				return nil, false, err
			}
			items = append(items, v)
			o.set(a, items)
		}
		return items, true, nil
	default: // until
		items := []any{}
		o.set(a, items)
		for i := 0; ; i++ {
			if i >= o.d.lim.Items {
				return nil, false, o.failAt(path, s.base+s.pos, "more than %d items", o.d.lim.Items)
			}
			v, err := o.readOne(a, s, fmt.Sprintf("%s[%d]", path, i), i, items)
			if err != nil {
				return nil, false, err
			}
			items = append(items, v)
			o.set(a, items)
			done, err := o.evalBool(a.rexpr, &locals{index: i, hasIndex: true, cur: v, hasCur: true})
			if err != nil {
				return nil, false, err
			}
			if done {
				return items, true, nil
			}
		}
	}
}

// minBits is the least an item of a can take (0 when it can be empty): it lets a huge repeat-expr fail
// before it is tried.
func minBits(a *attr) int {
	switch a.kind.prim {
	case "u", "s", "f":
		return a.kind.size * 8
	case "b":
		return a.kind.size
	}
	if a.contents != nil {
		return len(a.contents) * 8
	}
	return 0
}

// readOne reads one item of an attribute.
func (o *object) readOne(a *attr, s *stream, path string, index int, items []any) (any, error) {
	loc := &locals{index: index, hasIndex: index >= 0}
	off := s.base + s.pos
	if index >= 0 {
		if err := o.d.spend(itemBytes + len(path)); err != nil {
			return nil, err
		}
	}
	if a.contents != nil {
		b, err := s.read(len(a.contents))
		if err != nil {
			return nil, o.failAt(path, off, "%v", err)
		}
		if !bytes.Equal(b, a.contents) {
			return nil, o.failAt(path, off, "contents are %s, expected %s", show(b), show(a.contents))
		}
		return b, nil
	}
	var v any
	var err error
	kind := a.kind
	if kind.prim == "switch" {
		if kind, err = o.pickCase(a, loc); err != nil {
			return nil, err
		}
	}
	sized := a.size != nil || a.sizeEOS
	term := a.terminator
	if kind.prim == "strz" && term < 0 {
		term = 0
	}
	width := 1
	if term == 0 && (kind.prim == "strz" || kind.prim == "str") {
		width = unitWidth(a.encoding)
	}
	var sub *stream
	if sized {
		n := len(s.buf) - s.pos
		if a.size != nil {
			m, err := o.evalInt(a.size, loc)
			if err != nil {
				return nil, err
			}
			if m < 0 || m > int64(len(s.buf)-s.pos) {
				return nil, o.failAt(path, off, "size %d, but %d bytes are left", m, len(s.buf)-s.pos)
			}
			n = int(m)
		}
		raw, err := s.read(n)
		if err != nil {
			return nil, o.failAt(path, off, "%v", err)
		}
		// The terminator first; the padding is stripped only where no terminator ends the value; both apply
		// to the bytes as read, before any process.
		found := false
		if term >= 0 {
			if i := indexTerm(raw, byte(term), width); i >= 0 {
				if a.include {
					i += width
				}
				raw, found = raw[:i], true
			}
		}
		if !found && a.padRight >= 0 {
			end := len(raw)
			for end > 0 && raw[end-1] == byte(a.padRight) {
				end--
			}
			raw = raw[:end]
		}
		if a.process != nil {
			if raw, err = o.process(a.process, raw, loc); err != nil {
				return nil, o.failAt(path, off, "%v", err)
			}
		}
		sub = &stream{buf: raw, base: off}
	} else if term >= 0 && kind.prim != "u" && kind.prim != "s" && kind.prim != "f" && kind.prim != "b" {
		s.alignToByte()
		rest := s.buf[s.pos:]
		i := indexTerm(rest, byte(term), width)
		var raw []byte
		switch {
		case i < 0 && a.eosError:
			return nil, o.failAt(path, off, "end of stream reached, but no terminator %d found", term)
		case i < 0:
			raw, s.pos = rest, len(s.buf)
		default:
			raw = rest[:i]
			if a.include {
				raw = rest[:i+width]
			}
			s.pos += i
			if a.consume {
				s.pos += width
			}
		}
		if a.process != nil {
			var err error
			if raw, err = o.process(a.process, raw, loc); err != nil {
				return nil, o.failAt(path, off, "%v", err)
			}
		}
		sub = &stream{buf: raw, base: off}
	}
	switch kind.prim {
	case "u", "s", "f":
		src := s
		if sub != nil {
			src = sub
		}
		b, err := src.read(kind.size)
		if err != nil {
			return nil, o.failAt(path, off, "%v", err)
		}
		le := kind.le == "le" || kind.le == "" && o.le > 0
		if kind.le == "" && o.le == 0 && kind.size > 1 {
			return nil, o.failAt(path, off, "no endianness: say %s%dle or %s%dbe, or meta/endian", kind.prim, kind.size, kind.prim, kind.size)
		}
		v = decodeNumber(kind.prim, kind.size, le, b)
	case "b":
		src := s
		if sub != nil {
			src = sub
		}
		le := kind.le == "le" || kind.le == "" && bitEndianOf(o.t) == "le"
		var x uint64
		if le {
			x, err = src.readBitsLE(kind.size)
		} else {
			x, err = src.readBitsBE(kind.size)
		}
		if err != nil {
			return nil, o.failAt(path, off, "%v", err)
		}
		if kind.size == 1 && a.enum == nil {
			v = x == 1
		} else {
			v = fromUint(x)
		}
	case "user":
		src := s
		if sub != nil {
			src = sub
		}
		args := make([]any, len(kind.args))
		for i, x := range kind.args {
			if args[i], err = o.eval(x, loc); err != nil {
				return nil, err
			}
		}
		child := &object{t: kind.resolved, io: src, parent: o, root: o.root, d: o.d, path: path}
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
				return nil, o.failAt(path, off, "parent is %s, not an object or false", show(pv))
			}
		}
		if err := o.d.parse(child, args); err != nil {
			return nil, err
		}
		v = child
	case "", "bytes", "str", "strz":
		if sub == nil {
			return nil, o.failAt(path, off, "raw bytes need a size or a terminator")
		}
		raw := sub.buf
		if err := o.d.spend(len(raw)); err != nil {
			return nil, err
		}
		if kind.prim == "str" || kind.prim == "strz" {
			str, err := decodeString(raw, a.encoding)
			if err != nil {
				return nil, o.failAt(path, off, "%v", err)
			}
			v = str
		} else {
			v = raw
		}
	default:
		return nil, o.failAt(path, off, "no switch case")
	}
	if a.enum != nil {
		v = toEnum(a.enum, v)
	}
	if a.valid != nil {
		if err := o.check(a, v, path, off, loc); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func bitEndianOf(t *typeSpec) string {
	for s := t; s != nil; s = s.parent {
		if s.bitEndian != "" {
			return s.bitEndian
		}
	}
	return "be"
}

// pickCase chooses a switched type's case; no match and no `_` reads raw bytes (when sized).
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
	return typeRef{prim: "none"}, nil
}

func decodeNumber(prim string, size int, le bool, b []byte) any {
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
	switch prim {
	case "s":
		shift := uint(64 - 8*size)
		return int64(u<<shift) >> shift
	case "f":
		if size == 4 {
			return math.Float32frombits(uint32(u)) // kept as float32: its JSON is float32's shortest form
		}
		return math.Float64frombits(u)
	}
	return fromUint(u)
}

func fromUint(u uint64) any {
	if u > math.MaxInt64 {
		return u
	}
	return int64(u)
}

func (o *object) process(p *processSpec, raw []byte, loc *locals) ([]byte, error) {
	if err := o.d.spend(len(raw)); err != nil {
		return nil, err
	}
	switch p.name {
	case "zlib":
		out, err := inflate(raw, o.d.lim.Output-o.d.output)
		if err != nil {
			if errors.Is(err, errInflateCap) {
				return nil, &DecodeError{Detail: fmt.Sprintf("zlib data inflates beyond %d bytes", o.d.lim.Output), Limit: true}
			}
			return nil, fmt.Errorf("zlib: %v", err)
		}
		return out, o.d.spend(len(out))
	case "xor":
		k, err := o.eval(p.args[0], loc)
		if err != nil {
			return nil, err
		}
		var key []byte
		switch k := k.(type) {
		case []byte:
			key = k
		default:
			n, ok := asInt(k)
			if !ok {
				return nil, fmt.Errorf("xor key is %s, not an integer or bytes", show(k))
			}
			key = []byte{byte(n)}
		}
		if len(key) == 0 {
			return nil, errors.New("xor key is empty")
		}
		out := make([]byte, len(raw))
		for i := range raw {
			out[i] = raw[i] ^ key[i%len(key)]
		}
		return out, nil
	default: // rol, ror
		k, err := o.eval(p.args[0], loc)
		if err != nil {
			return nil, err
		}
		n, ok := asInt(k)
		if !ok {
			return nil, fmt.Errorf("rotation is %s, not an integer", show(k))
		}
		n &= 7
		if p.name == "ror" {
			n = (8 - n) & 7
		}
		out := make([]byte, len(raw))
		for i, c := range raw {
			out[i] = c<<uint(n) | c>>uint(8-n)
		}
		return out, nil
	}
}

// check applies an attribute's valid.
func (o *object) check(a *attr, v any, path string, off int, loc *locals) error {
	vs := a.valid
	l := &locals{index: loc.index, hasIndex: loc.hasIndex, cur: v, hasCur: true}
	bad := func(format string, args ...any) error {
		return o.failAt(path, off, "not valid: "+format, args...)
	}
	if vs.eq != nil {
		want, err := o.eval(vs.eq, l)
		if err != nil {
			return err
		}
		if eq, _ := equal(v, want); !eq {
			return bad("%s, expected %s", show(v), show(want))
		}
	}
	if vs.min != nil {
		m, err := o.eval(vs.min, l)
		if err != nil {
			return err
		}
		if c, ok := compare(v, m); !ok || c < 0 {
			return bad("%s is less than the minimum %s", show(v), show(m))
		}
	}
	if vs.max != nil {
		m, err := o.eval(vs.max, l)
		if err != nil {
			return err
		}
		if c, ok := compare(v, m); !ok || c > 0 {
			return bad("%s is greater than the maximum %s", show(v), show(m))
		}
	}
	if vs.anyOf != nil {
		found := false
		for _, x := range vs.anyOf {
			w, err := o.eval(x, l)
			if err != nil {
				return err
			}
			if eq, _ := equal(v, w); eq {
				found = true
				break
			}
		}
		if !found {
			return bad("%s is none of the values allowed", show(v))
		}
	}
	if vs.inEnum {
		if e, ok := v.(enumValue); !ok || e.name() == "" {
			return bad("%s is not a member of enum %s", show(v), a.enum.name)
		}
	}
	if vs.expr != nil {
		ok, err := o.evalBool(vs.expr, l)
		if err != nil {
			return err
		}
		if !ok {
			return bad("%s does not satisfy %s", show(v), vs.expr.src)
		}
	}
	return nil
}

// instance computes (once) and answers an instance of o.
func (o *object) instance(a *attr) (any, bool, error) {
	switch o.state[a.slot] {
	case 1:
		return nil, false, o.failAt(join(o.path, a.id), o.io.base+o.io.pos, "instance %s depends on itself", a.id)
	case 2:
		v, ok := o.value(a)
		return v, ok, nil
	}
	if o.d.nest >= maxInstanceDepth {
		return nil, false, &DecodeError{Path: join(o.path, a.id), Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf("instances depend on each other more than %d deep", maxInstanceDepth), Limit: true}
	}
	o.d.nest++
	defer func() { o.d.nest-- }()
	o.state[a.slot] = 1
	if a.cond != nil {
		c, err := o.evalBool(a.cond, nil)
		if err != nil {
			o.state[a.slot] = 0
			return nil, false, err
		}
		if !c {
			o.state[a.slot] = 2
			return nil, false, nil
		}
	}
	s := o.io
	if a.io != nil {
		x, err := o.eval(a.io, nil)
		if err != nil {
			o.state[a.slot] = 0
			return nil, false, err
		}
		st, ok := x.(*stream)
		if !ok {
			o.state[a.slot] = 0
			return nil, false, o.failAt(join(o.path, a.id), 0, "io is %s, not a stream", show(x))
		}
		s = st
	}
	var v any
	var present bool
	var err error
	if a.pos != nil {
		p, perr := o.evalInt(a.pos, nil) // not err: the read's error below is the one returned
		if perr != nil {
			o.state[a.slot] = 0
			return nil, false, perr
		}
		if p < 0 || p > int64(len(s.buf)) {
			o.state[a.slot] = 0
			return nil, false, o.failAt(join(o.path, a.id), s.base, "pos %d is outside the stream of %d bytes", p, len(s.buf))
		}
		saved := *s
		s.pos, s.bits, s.bitsLeft = int(p), 0, 0
		v, present, err = o.attrValue(a, s)
		s.pos, s.bits, s.bitsLeft = saved.pos, saved.bits, saved.bitsLeft
	} else {
		v, present, err = o.attrValue(a, s) // a value, or read where the stream stands (io without pos)
	}
	if err != nil {
		o.state[a.slot] = 0
		return nil, false, err
	}
	o.state[a.slot] = 2
	if present {
		o.set(a, v)
	}
	return v, present, nil
}

// enumValue is an integer read through an enum.
type enumValue struct {
	e *enumSpec
	v any // int64 or uint64
}

func (e enumValue) name() string { return e.e.byVal[fmt.Sprint(e.v)] }

func toEnum(e *enumSpec, v any) any {
	switch v := v.(type) {
	case int64, uint64:
		return enumValue{e: e, v: v}
	case bool:
		if v {
			return enumValue{e: e, v: int64(1)}
		}
		return enumValue{e: e, v: int64(0)}
	}
	return v
}

func show(v any) string {
	switch v := v.(type) {
	case []byte:
		var b strings.Builder
		b.WriteByte('[')
		for i, c := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == 16 {
				fmt.Fprintf(&b, "… %d bytes", len(v))
				break
			}
			fmt.Fprintf(&b, "0x%02x", c)
		}
		b.WriteByte(']')
		return b.String()
	case string:
		return fmt.Sprintf("%q", v)
	case enumValue:
		if n := v.name(); n != "" {
			return v.e.name + "::" + n
		}
		return fmt.Sprintf("%s(%v)", v.e.name, v.v)
	case *object:
		return "an object of type " + v.t.name
	case *stream:
		return "a stream"
	case nil:
		return "nothing"
	}
	return fmt.Sprint(v)
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

func unitWidth(enc string) int {
	switch e := strings.ToUpper(enc); {
	case strings.HasPrefix(e, "UTF-16"):
		return 2
	case strings.HasPrefix(e, "UTF-32"):
		return 4
	}
	return 1
}

var errInflateCap = errors.New("inflates past the cap")

// inflate is the zlib data z inflated, or errInflateCap past room bytes. It inflates twice: once to count, stopping
// at room+1, then into a buffer of exactly that size. A buffer grown as it fills allocates 2–5× its final size
// (an append grows a large slice by a quarter), and zlib's ratio (up to ~1000:1) makes z's size no guide;
// inflating again costs far less than the memory it saves, and data past the cap allocates nothing.
func inflate(z []byte, room int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r, int64(room)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(room) {
		return nil, errInflateCap
	}
	if err := r.(zlib.Resetter).Reset(bytes.NewReader(z), nil); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, err
	}
	return out, nil
}
