package layout

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// locals are the names an expression sees besides its object's attributes: _index in a repeat, _ for the
// item just read (repeat-until) or the value being checked (valid).
type locals struct {
	index    int
	hasIndex bool
	cur      any
	hasCur   bool
}

// evalBool evaluates x, refusing a value that is no boolean.
func (o *object) evalBool(x *expr, l *locals) (bool, error) {
	v, err := o.eval(x, l)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, o.exprFail("%s is %s, not a boolean", x.src, show(v))
	}
	return b, nil
}

// evalInt evaluates x, refusing a value that is no integer.
func (o *object) evalInt(x *expr, l *locals) (int64, error) {
	v, err := o.eval(x, l)
	if err != nil {
		return 0, err
	}
	n, ok := asInt(v)
	if !ok {
		return 0, o.exprFail("%s is %s, not an integer", x.src, show(v))
	}
	return n, nil
}

// exprFail is the error of an expression of o's: at o's path, where its stream stands.
func (o *object) exprFail(format string, args ...any) error {
	return &DecodeError{Path: o.at.path(), Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf(format, args...)}
}

// eval evaluates x for o (l: its locals; nil for none); an error in it is said at o's path.
func (o *object) eval(x *expr, l *locals) (any, error) {
	if l == nil {
		l = &locals{}
	}
	v, err := o.evalNode(x.n, l)
	if err != nil {
		if _, ok := err.(*DecodeError); !ok {
			err = o.exprFail("%s: %v", x.src, err)
		}
	}
	return v, err
}

// evalNode evaluates the node n of an expression; each node evaluated is a step of the decode.
func (o *object) evalNode(n *node, l *locals) (any, error) {
	if err := o.d.step(1); err != nil {
		return nil, err
	}
	switch n.op {
	case opInt, opFloat, opStr, opBool:
		return n.val, nil
	case opArray:
		return o.evalArray(n, l)
	case opName:
		if r := n.res; r != nil && r.of == o.t {
			return o.named(r, n.sval)
		}
		return o.lookup(n.sval, l)
	case opFString:
		return o.evalFString(n, l)
	case opEnum:
		if r := n.res; r != nil && r.of == o.t {
			return r.val, nil
		}
		return o.enumLiteral(n.sval)
	case opNot, opNeg, opInv:
		return o.evalUnary(n, l)
	case opChoice:
		return o.evalChoice(n, l)
	case opAttr:
		return o.evalAttr(n, l)
	case opCall:
		return o.evalCall(n, l)
	case opIndex:
		return o.evalIndex(n, l)
	case opAs:
		return o.evalNode(n.kids[0], l) // an interpreter's values carry their types: a cast only informs a compiler
	case opSizeof, opBitsizeof:
		size, err := o.sizeofType(n.sval)
		if err != nil {
			return nil, err
		}
		if n.op == opBitsizeof {
			return int64(size * 8), nil
		}
		return int64(size), nil
	}
	return o.binary(n, l)
}

// evalArray evaluates an array literal: one of integers of 0 to 255 is a byte list.
func (o *object) evalArray(n *node, l *locals) (any, error) {
	items := make([]any, len(n.kids))
	allBytes := len(n.kids) > 0
	for i, k := range n.kids {
		v, err := o.evalNode(k, l)
		if err != nil {
			return nil, err
		}
		items[i] = v
		if b, ok := asInt(v); !ok || b < 0 || b > 255 {
			allBytes = false
		}
	}
	if allBytes { // [0x50, 0x41] is a byte array where bytes are expected; compared as either
		b := make([]byte, len(items))
		for i, v := range items {
			c, _ := asInt(v)
			b[i] = byte(c)
		}
		return byteList(b), nil
	}
	return items, nil
}

// evalFString evaluates f"…": its parts' texts, charged to the output as it grows.
func (o *object) evalFString(n *node, l *locals) (any, error) {
	var b strings.Builder
	for _, k := range n.kids {
		v, err := o.evalNode(k, l)
		if err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case enumValue:
			b.WriteString(fmt.Sprint(v.v))
		default:
			b.WriteString(fmt.Sprint(v))
		}
		if err := o.d.spend(b.Len()); err != nil {
			return nil, err
		}
	}
	return b.String(), nil
}

// evalUnary evaluates not x, -x and ~x.
func (o *object) evalUnary(n *node, l *locals) (any, error) {
	v, err := o.evalNode(n.kids[0], l)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case opNot:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("not applied to %s", show(v))
		}
		return !b, nil
	case opNeg:
		switch v := v.(type) {
		case float64:
			return -v, nil
		case float32:
			return -float64(v), nil
		default:
			if isInt(v) {
				return fromBig(new(big.Int).Neg(toBig(v))), nil
			}
		}
		return nil, fmt.Errorf("- applied to %s", show(v))
	}
	if i, ok := v.(int64); ok { // ~
		return ^i, nil
	}
	if u, ok := v.(uint64); ok {
		return fromUint(^u), nil
	}
	return nil, fmt.Errorf("~ applied to %s", show(v))
}

// evalChoice evaluates c ? a : b.
func (o *object) evalChoice(n *node, l *locals) (any, error) {
	c, err := o.evalNode(n.kids[0], l)
	if err != nil {
		return nil, err
	}
	b, ok := c.(bool)
	if !ok {
		return nil, fmt.Errorf("the condition of ? : is %s, not a boolean", show(c))
	}
	if b {
		return o.evalNode(n.kids[1], l)
	}
	return o.evalNode(n.kids[2], l)
}

// evalAttr evaluates v.name: an attribute's _sizeof is the bytes it took when read.
func (o *object) evalAttr(n *node, l *locals) (any, error) {
	if n.sval == "_sizeof" {
		if size, ok, err := o.attrSizeof(n.kids[0], l); ok || err != nil {
			return size, err
		}
	}
	v, err := o.evalNode(n.kids[0], l)
	if err != nil {
		return nil, err
	}
	if ob, ok := v.(*object); ok && n.res != nil && n.res.of == ob.t {
		return ob.named(n.res, n.sval)
	}
	return o.member(v, n.sval, nil)
}

// evalCall evaluates v.name(args).
func (o *object) evalCall(n *node, l *locals) (any, error) {
	v, err := o.evalNode(n.kids[0], l)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(n.kids)-1)
	for i, k := range n.kids[1:] {
		if args[i], err = o.evalNode(k, l); err != nil {
			return nil, err
		}
	}
	return o.member(v, n.sval, args)
}

// evalIndex evaluates v[i] of an array or a byte array.
func (o *object) evalIndex(n *node, l *locals) (any, error) {
	v, err := o.evalNode(n.kids[0], l)
	if err != nil {
		return nil, err
	}
	iv, err := o.evalNode(n.kids[1], l)
	if err != nil {
		return nil, err
	}
	i, ok := asInt(iv)
	if !ok {
		return nil, fmt.Errorf("index %s is not an integer", show(iv))
	}
	switch v := v.(type) {
	case []any:
		if i < 0 || i >= int64(len(v)) {
			return nil, fmt.Errorf("index %d out of range of %d items", i, len(v))
		}
		return v[i], nil
	case []byte:
		if i < 0 || i >= int64(len(v)) {
			return nil, fmt.Errorf("index %d out of range of %d bytes", i, len(v))
		}
		return int64(v[i]), nil
	case byteList:
		if i < 0 || i >= int64(len(v)) {
			return nil, fmt.Errorf("index %d out of range of %d items", i, len(v))
		}
		return int64(v[i]), nil
	}
	return nil, fmt.Errorf("%s cannot be indexed", show(v))
}

// sizeofType is the static size in bytes of the type name (a primitive, or a user type seen from o's type).
func (o *object) sizeofType(name string) (int, error) {
	switch name {
	case "u1", "s1":
		return 1, nil
	case "u2", "s2", "u2le", "u2be", "s2le", "s2be":
		return 2, nil
	case "u4", "s4", "u4le", "u4be", "s4le", "s4be", "f4", "f4le", "f4be":
		return 4, nil
	case "u8", "s8", "u8le", "u8be", "s8le", "s8be", "f8", "f8le", "f8be":
		return 8, nil
	}
	if m := primitive.FindStringSubmatch(name); m != nil && m[5] != "" {
		bits, _ := strconv.Atoi(m[5])
		return (bits + 7) / 8, nil
	}
	t := lookupType(o.t, name)
	if t == nil {
		return 0, fmt.Errorf("sizeof<%s>: unknown type", name)
	}
	s := staticSize(t, map[*typeSpec]bool{})
	if s < 0 {
		return 0, fmt.Errorf("sizeof<%s>: the type's size depends on its data", name)
	}
	return s, nil
}

// attrSizeof answers `a._sizeof` and `b.a._sizeof` for an attribute a: the bytes it took when read. ok is
// false when n does not name an attribute (then _sizeof applies to the value).
func (o *object) attrSizeof(n *node, l *locals) (any, bool, error) {
	owner, id := o, ""
	switch n.op {
	case opName:
		if strings.HasPrefix(n.sval, "_") {
			return nil, false, nil
		}
		id = n.sval
	case opAttr:
		if strings.HasPrefix(n.sval, "_") {
			return nil, false, nil
		}
		v, err := o.evalNode(n.kids[0], l)
		if err != nil {
			return nil, true, err
		}
		ob, ok := v.(*object)
		if !ok {
			return nil, false, nil
		}
		owner, id = ob, n.sval
	default:
		return nil, false, nil
	}
	a, ok := owner.t.byID[id]
	if !ok || a.instance {
		return nil, false, nil
	}
	if !owner.slots[a.slot].read {
		return int64(0), true, nil // not read yet
	}
	start := owner.start
	if a.slot > 0 {
		start = owner.slots[a.slot-1].end
	}
	return int64(owner.slots[a.slot].end - start), true, nil
}

// lookup answers a name: one of the names every object has, or one of o's attributes and params.
func (o *object) lookup(name string, l *locals) (any, error) {
	switch name {
	case "_root":
		if o.root == nil {
			return nil, nil
		}
		return o.root, nil
	case "_parent":
		if o.parent == nil {
			return nil, nil
		}
		return o.parent, nil
	case "_io":
		return o.io, nil
	case "_index":
		if !l.hasIndex {
			return nil, fmt.Errorf("_index outside a repeat")
		}
		return int64(l.index), nil
	case "_":
		if !l.hasCur {
			return nil, fmt.Errorf("_ outside repeat-until or valid")
		}
		return l.cur, nil
	}
	return o.member(o, name, nil)
}

// enumLiteral is the value of enum::member, the enum looked up from o's type.
func (o *object) enumLiteral(literal string) (any, error) {
	name, member := enumParts(literal)
	e := lookupEnum(o.t, name)
	if e == nil {
		return nil, fmt.Errorf("unknown enum %s", name)
	}
	m, ok := e.byName[member]
	if !ok {
		return nil, fmt.Errorf("enum %s has no member %s", e.name, member)
	}
	return e.valueOf(m), nil
}
