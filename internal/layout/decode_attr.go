package layout

import (
	"fmt"
)

// readAttr reads one seq attribute into its slot.
func (o *object) readAttr(a *attr) error {
	var err error
	if a.scalar {
		err = o.readScalar(a)
	} else {
		var v any
		var present bool
		if v, present, err = o.attrValue(a, o.io); err == nil && present {
			o.set(a, v)
		}
	}
	o.slots[a.slot].end, o.slots[a.slot].read = o.io.pos, true
	return err
}

// set keeps v as a's value.
func (o *object) set(a *attr, v any) { o.slots[a.slot].v, o.slots[a.slot].has = v, true }

// value is a seq attribute's value or a computed instance's, if it is there (a scalar attribute's boxed
// now, once).
func (o *object) value(a *attr) (any, bool) {
	s := &o.slots[a.slot]
	if a.scalar && s.has && s.v == nil {
		s.v = scalarValue(a, s.bits)
	}
	return s.v, s.has
}

// attrValue reads an attribute (seq or instance) from s: present is false when its if left it out.
func (o *object) attrValue(a *attr, s *stream) (v any, present bool, err error) {
	if err := o.d.step(1); err != nil {
		return nil, false, err
	}
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
		v, err := o.readOne(a, s, -1)
		return v, err == nil && v != nil, err // nil: a switch no case matches leaves it null, as an if would
	case repeatExpr:
		return o.repeatExpr(a, s)
	case repeatEOS:
		return o.repeatEOS(a, s)
	}
	return o.repeatUntil(a, s)
}

// repeatExpr reads the repeat-expr items of a; a count past Limits.Items, or more items than the bytes
// left can hold, fails before any is read.
func (o *object) repeatExpr(a *attr, s *stream) (any, bool, error) {
	n, err := o.evalInt(a.rexpr, nil)
	if err != nil {
		return nil, false, err
	}
	if n < 0 || n > int64(o.d.lim.Items) {
		return nil, false, o.failAt(o.siteOf(a), s.base+s.pos, "repeat-expr is %d; at most %d items are decoded", n, o.d.lim.Items)
	}
	if min := minBits(a); min > 0 && n*int64(min) > int64(len(s.buf)-s.pos)*8+int64(s.bitsLeft) {
		return nil, false, o.failAt(o.siteOf(a), s.base+s.pos, "repeat-expr is %d items, but only %d bytes are left", n, len(s.buf)-s.pos)
	}
	items := make([]any, 0, min(n, 1024))
	o.set(a, items)
	for i := range int(n) {
		v, err := o.readOne(a, s, i)
		if err != nil {
			return nil, false, err
		}
		items = append(items, v)
		o.set(a, items) // the array read so far is visible to its own items' expressions
	}
	return items, true, nil
}

// repeatEOS reads items of a until its stream ends.
func (o *object) repeatEOS(a *attr, s *stream) (any, bool, error) {
	items := []any{}
	o.set(a, items)
	for i := 0; s.pos < len(s.buf) || s.bitsLeft > 0; i++ {
		if i >= o.d.lim.Items {
			return nil, false, o.failAt(o.siteOf(a), s.base+s.pos, "more than %d items", o.d.lim.Items)
		}
		v, err := o.readOne(a, s, i)
		if err != nil {
			return nil, false, err
		}
		items = append(items, v)
		o.set(a, items)
	}
	return items, true, nil
}

// repeatUntil reads items of a until its repeat-until holds of the item just read.
func (o *object) repeatUntil(a *attr, s *stream) (any, bool, error) {
	items := []any{}
	o.set(a, items)
	for i := 0; ; i++ {
		if i >= o.d.lim.Items {
			return nil, false, o.failAt(o.siteOf(a), s.base+s.pos, "more than %d items", o.d.lim.Items)
		}
		v, err := o.readOne(a, s, i)
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

// instance computes (once) and answers an instance of o.
func (o *object) instance(a *attr) (any, bool, error) {
	state := &o.slots[a.slot].state
	switch *state {
	case computing:
		return nil, false, o.failAt(o.siteOf(a), o.io.base+o.io.pos, "instance %s depends on itself", a.id)
	case computed:
		v, ok := o.value(a)
		return v, ok, nil
	}
	if o.d.nest >= maxInstanceDepth {
		return nil, false, &DecodeError{Path: o.siteOf(a).path(), Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf("instances depend on each other more than %d deep", maxInstanceDepth), Limit: true}
	}
	o.d.nest++
	defer func() { o.d.nest-- }()
	*state = computing
	v, present, err := o.compute(a)
	if err != nil {
		*state = 0 // computed again when asked again
		return nil, false, err
	}
	*state = computed
	if present {
		o.set(a, v)
	}
	return v, present, nil
}

// The states of an instance's slot: not computed (0), being computed, computed.
const (
	computing uint8 = 1 + iota
	computed
)

// compute works out the instance a: present is false when its if leaves it out.
func (o *object) compute(a *attr) (v any, present bool, err error) {
	if a.cond != nil {
		if c, err := o.evalBool(a.cond, nil); err != nil || !c {
			return nil, false, err
		}
	}
	s := o.io
	if a.io != nil {
		x, err := o.eval(a.io, nil)
		if err != nil {
			return nil, false, err
		}
		st, ok := x.(*stream)
		if !ok {
			return nil, false, o.failAt(o.siteOf(a), 0, "io is %s, not a stream", show(x))
		}
		s = st
	}
	if a.pos == nil {
		return o.attrValue(a, s) // a value, or read where the stream stands (io without pos)
	}
	p, err := o.evalInt(a.pos, nil)
	if err != nil {
		return nil, false, err
	}
	if p < 0 || p > int64(len(s.buf)) {
		return nil, false, o.failAt(o.siteOf(a), s.base, "pos %d is outside the stream of %d bytes", p, len(s.buf))
	}
	saved := *s
	s.pos, s.bits, s.bitsLeft = int(p), 0, 0
	v, present, err = o.attrValue(a, s)
	s.pos, s.bits, s.bitsLeft = saved.pos, saved.bits, saved.bitsLeft
	return v, present, err
}
