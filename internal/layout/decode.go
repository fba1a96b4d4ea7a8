package layout

import (
	"context"
	"fmt"
)

// DecodeError is data that does not fit the layout: which attribute, at which offset of the data, and why.
type DecodeError struct {
	Path   string `json:"path"`   // the attribute's path in the decoded value: header.flags, items[3]
	Offset int    `json:"offset"` // where in the data
	Detail string `json:"detail"`
	// Limit is set when a bound was reached (steps, depth, sizes) rather than the data being wrong.
	Limit bool `json:"-"`
}

// Error says where, at which offset and why.
func (e *DecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("at offset %d: %s", e.Offset, e.Detail)
	}
	return fmt.Sprintf("%s at offset %d: %s", e.Path, e.Offset, e.Detail)
}

// object is one decoded instance of a user type.
type object struct {
	t       *typeSpec
	io      *stream
	parent  *object
	root    *object
	params  []any  // the arguments given, by the index of the type's params
	slots   []slot // by attribute slot: seq attributes, then instances
	le      int8   // 1 little, -1 big, 0 none given
	start   int
	end     int
	at      site // where it was read (the top level: nowhere)
	pathLen int  // the length of its path (at.path()), known without building it
	d       *decoder
	open    int // while a JSON walk is inside it, 1 + the length of the walk's path to it (0 otherwise)
}

// slot is what an object keeps of one of its attributes.
type slot struct {
	v     any    // the value (a scalar attribute's boxed only when an expression asks for it)
	bits  uint64 // a scalar attribute's value, as read (see isScalar)
	end   int    // where a seq attribute's read ended in io (it began where the one before it ended)
	read  bool   // a seq attribute's read is over
	has   bool   // the value is there (an if may have left it out)
	state uint8  // an instance's: computing, computed (0 before)
}

// decoder is one decode's state: its limits, and what it has spent of them.
type decoder struct {
	ctx    context.Context // its end stops the decode (and the instances a Value computes later)
	lim    Limits
	steps  int
	next   int // the step at which ctx is looked at next
	output int
	depth  int
	nest   int // instances being computed, each waiting on the next
}

// Value is a decoded layout: walk it with JSON (AppendJSON) or evaluate expressions and paths in it (Eval, EvalJSON).
// It is one goroutine's at a time: its instances are computed, and its walks marked, as they go.
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
// client that left stops the work. The instances the Value computes later (AppendJSON, Eval) stop so too.
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

// step charges n steps to Limits.Steps, looking at the context every ctxSteps of them.
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
	slotBytes   = 48  // each of its attributes' slots: a value, where it was read, its state
	itemBytes   = 48  // an array item: its slot, as the array grows
)

// spend charges n bytes of values to Limits.Output.
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
		return &DecodeError{Path: o.at.path(), Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf("types nested more than %d deep", d.lim.Depth), Limit: true}
	}
	n := len(o.t.seq) + len(o.t.instances)
	if err := d.spend(objectBytes + slotBytes*n + o.pathLen); err != nil {
		return err
	}
	o.slots = make([]slot, n)
	o.params = args[:min(len(args), len(o.t.params))]
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

// resolveEndian works out o's byte order: its type's meta/endian (switched on o's data) or an enclosing type's.
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
		o.le = byteOrder(e.fixed)
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
		o.le = byteOrder(c.endian)
		return nil
	}
	return o.exprFail("no endianness case matches %s", show(on))
}

// byteOrder is an object's le for the endianness "le" or "be".
func byteOrder(endian string) int8 {
	if endian == "le" {
		return 1
	}
	return -1
}

// failAt is the error of a value read at at: its path is built now, when an error names it.
func (o *object) failAt(at site, offset int, format string, args ...any) error {
	return &DecodeError{Path: at.path(), Offset: offset, Detail: fmt.Sprintf(format, args...)}
}

// site is where a value is read: the attribute a of the object o, the item index of it when it is an array
// (-1 otherwise); o is nil for the top level. A path is built from it (header.flags, items[3]) only when an
// error names it.
type site struct {
	o     *object
	a     *attr
	index int
}

// siteOf is where o's attribute a is read (as a whole, not an array's item).
func (o *object) siteOf(a *attr) site { return site{o: o, a: a, index: -1} }

// path is the value's path in the decoded value.
func (s site) path() string {
	if s.o == nil {
		return ""
	}
	p := join(s.o.at.path(), s.a.id)
	if s.index >= 0 {
		p = fmt.Sprintf("%s[%d]", p, s.index)
	}
	return p
}

// pathLen is len(s.path()), worked out without building the path.
func (s site) pathLen() int {
	if s.o == nil {
		return 0
	}
	n := len(s.a.id)
	if s.o.pathLen > 0 {
		n += s.o.pathLen + 1
	}
	if s.index >= 0 {
		n += len("[]") + digits(s.index)
	}
	return n
}

// digits is how many decimal digits i (≥ 0) has.
func digits(i int) int {
	n := 1
	for ; i >= 10; i /= 10 {
		n++
	}
	return n
}

// join is the path of the attribute id of the object at path.
func join(path, id string) string {
	if path == "" {
		return id
	}
	return path + "." + id
}
