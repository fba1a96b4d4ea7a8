package layout

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locals are the names an expression sees besides its object's attributes: _index in a repeat, _ for the
// item just read (repeat-until) or the value being checked (valid).
type locals struct {
	index    int
	hasIndex bool
	cur      any
	hasCur   bool
}

func (o *object) evalBool(x *expr, l *locals) (bool, error) {
	v, err := o.eval(x, l)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, o.exprFail(x, "%s is %s, not a boolean", x.src, show(v))
	}
	return b, nil
}

func (o *object) evalInt(x *expr, l *locals) (int64, error) {
	v, err := o.eval(x, l)
	if err != nil {
		return 0, err
	}
	n, ok := asInt(v)
	if !ok {
		return 0, o.exprFail(x, "%s is %s, not an integer", x.src, show(v))
	}
	return n, nil
}

func (o *object) exprFail(x *expr, format string, args ...any) error {
	return &DecodeError{Path: o.path, Offset: o.io.base + o.io.pos, Detail: fmt.Sprintf(format, args...)}
}

func (o *object) eval(x *expr, l *locals) (any, error) {
	if l == nil {
		l = &locals{}
	}
	v, err := o.evalNode(x, x.n, l)
	if err != nil {
		if _, ok := err.(*DecodeError); !ok {
			err = o.exprFail(x, "%s: %v", x.src, err)
		}
	}
	return v, err
}

func asInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case uint64:
		return int64(v), true
	}
	return 0, false
}

func isInt(v any) bool {
	switch v.(type) {
	case int64, uint64:
		return true
	}
	return false
}

func toBig(v any) *big.Int {
	switch v := v.(type) {
	case int64:
		return big.NewInt(v)
	case uint64:
		return new(big.Int).SetUint64(v)
	}
	return nil
}

func fromBig(b *big.Int) any {
	if b.IsInt64() {
		return b.Int64()
	}
	if b.IsUint64() {
		return b.Uint64()
	}
	return int64(new(big.Int).And(b, new(big.Int).SetUint64(math.MaxUint64)).Uint64())
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	case float64:
		return v, true
	case float32:
		return float64(v), true
	}
	return 0, false
}

func (o *object) evalNode(x *expr, n *node, l *locals) (any, error) {
	if err := o.d.step(1); err != nil {
		return nil, err
	}
	switch n.op {
	case "int":
		return fromBig(n.ival), nil
	case "float":
		return n.fval, nil
	case "str":
		return n.sval, nil
	case "bool":
		return n.sval == "true", nil
	case "arr":
		items := make([]any, len(n.kids))
		allBytes := len(n.kids) > 0
		for i, k := range n.kids {
			v, err := o.evalNode(x, k, l)
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
	case "name":
		return o.lookup(n.sval, l)
	case "fstr":
		var b strings.Builder
		for _, k := range n.kids {
			v, err := o.evalNode(x, k, l)
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
	case "enum":
		return o.enumLiteral(n.enum)
	case "un":
		v, err := o.evalNode(x, n.kids[0], l)
		if err != nil {
			return nil, err
		}
		switch n.sval {
		case "not":
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("not applied to %s", show(v))
			}
			return !b, nil
		case "-":
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
		case "~":
			if i, ok := v.(int64); ok {
				return ^i, nil
			}
			if u, ok := v.(uint64); ok {
				return fromUint(^u), nil
			}
			return nil, fmt.Errorf("~ applied to %s", show(v))
		}
	case "?:":
		c, err := o.evalNode(x, n.kids[0], l)
		if err != nil {
			return nil, err
		}
		b, ok := c.(bool)
		if !ok {
			return nil, fmt.Errorf("the condition of ? : is %s, not a boolean", show(c))
		}
		if b {
			return o.evalNode(x, n.kids[1], l)
		}
		return o.evalNode(x, n.kids[2], l)
	case "bin":
		return o.binary(x, n, l)
	case "attr":
		if n.sval == "_sizeof" {
			if size, ok, err := o.attrSizeof(x, n.kids[0], l); ok || err != nil {
				return size, err
			}
		}
		v, err := o.evalNode(x, n.kids[0], l)
		if err != nil {
			return nil, err
		}
		return o.member(v, n.sval, nil)
	case "call":
		v, err := o.evalNode(x, n.kids[0], l)
		if err != nil {
			return nil, err
		}
		args := make([]any, len(n.kids)-1)
		for i, k := range n.kids[1:] {
			if args[i], err = o.evalNode(x, k, l); err != nil {
				return nil, err
			}
		}
		return o.member(v, n.sval, args)
	case "idx":
		v, err := o.evalNode(x, n.kids[0], l)
		if err != nil {
			return nil, err
		}
		iv, err := o.evalNode(x, n.kids[1], l)
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
	case "as":
		v, err := o.evalNode(x, n.kids[0], l)
		if err != nil {
			return nil, err
		}
		return v, nil // an interpreter's values carry their types: a cast only informs a compiler
	case "sizeof", "bitsizeof":
		size, err := o.sizeofType(n.sval)
		if err != nil {
			return nil, err
		}
		if n.op == "bitsizeof" {
			return int64(size * 8), nil
		}
		return int64(size), nil
	}
	return nil, fmt.Errorf("cannot evaluate %s", n.op)
}

// byteList is an array literal of small integers: a byte array, or an array of integers, as compared.
type byteList []byte

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
func (o *object) attrSizeof(x *expr, n *node, l *locals) (any, bool, error) {
	owner, id := o, ""
	switch n.op {
	case "name":
		if strings.HasPrefix(n.sval, "_") {
			return nil, false, nil
		}
		id = n.sval
	case "attr":
		if strings.HasPrefix(n.sval, "_") {
			return nil, false, nil
		}
		v, err := o.evalNode(x, n.kids[0], l)
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
	span := owner.spans[a.slot]
	return int64(span[1] - span[0]), true, nil
}

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

func (o *object) enumLiteral(parts []string) (any, error) {
	if len(parts) < 2 {
		return nil, fmt.Errorf("bad enum literal")
	}
	e := lookupEnum(o.t, strings.Join(parts[:len(parts)-1], "::"))
	if e == nil {
		return nil, fmt.Errorf("unknown enum %s", strings.Join(parts[:len(parts)-1], "::"))
	}
	m, ok := e.byName[parts[len(parts)-1]]
	if !ok {
		return nil, fmt.Errorf("enum %s has no member %s", e.name, parts[len(parts)-1])
	}
	if m.big {
		return enumValue{e: e, v: m.uval}, nil
	}
	return enumValue{e: e, v: m.value}, nil
}

// member answers v.name (args nil) or v.name(args...).
func (o *object) member(v any, name string, args []any) (any, error) {
	if err := o.d.step(1); err != nil {
		return nil, err
	}
	if args == nil {
		if ob, ok := v.(*object); ok {
			switch name {
			case "_root":
				if ob.root == nil {
					return nil, nil
				}
				return ob.root, nil
			case "_parent":
				if ob.parent == nil {
					return nil, nil
				}
				return ob.parent, nil
			case "_io":
				return ob.io, nil
			case "_sizeof":
				return int64(ob.end - ob.start), nil
			}
			if p, ok := ob.params[name]; ok {
				return p, nil
			}
			if a, ok := ob.t.byID[name]; ok {
				if !a.instance {
					return ob.vals[a.slot], nil // absent (its if is false, or not read yet): null
				}
				v, _, err := ob.instance(a)
				return v, err
			}
			return nil, fmt.Errorf("type %s has no attribute %s", ob.t.name, name)
		}
		if s, ok := v.(*stream); ok {
			switch name {
			case "pos":
				return int64(s.pos), nil
			case "size":
				return int64(len(s.buf)), nil
			case "eof":
				return s.pos >= len(s.buf) && s.bitsLeft == 0, nil
			}
		}
	}
	if bl, ok := v.(byteList); ok {
		v = []byte(bl)
	}
	switch v := v.(type) {
	case int64, uint64:
		switch name {
		case "to_s":
			if len(args) == 0 {
				return fmt.Sprint(v), nil
			}
			base, _ := asInt(args[0])
			if base < 2 || base > 36 {
				return nil, fmt.Errorf("to_s(%d): the base is 2 to 36", base)
			}
			return toBig(v).Text(int(base)), nil
		case "to_i":
			return v, nil
		}
	case float32:
		return o.member(float64(v), name, args)
	case float64:
		switch name {
		case "to_i":
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%v has no integer value", v)
			}
			return int64(v), nil
		}
	case bool:
		if name == "to_i" {
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case enumValue:
		if name == "to_i" {
			return v.v, nil
		}
	case string:
		switch name {
		case "length":
			return int64(utf8.RuneCountInString(v)), nil
		case "reverse":
			if err := o.d.spend(len(v)); err != nil {
				return nil, err
			}
			r := []rune(v)
			slices.Reverse(r)
			return string(r), nil
		case "to_i":
			base := int64(10)
			if len(args) == 1 {
				base, _ = asInt(args[0])
			}
			i, err := strconv.ParseInt(v, int(base), 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not an integer in base %d", v, base)
			}
			return i, nil
		case "substring":
			if len(args) != 2 {
				return nil, fmt.Errorf("substring takes (from, to)")
			}
			if err := o.d.spend(len(v)); err != nil {
				return nil, err
			}
			r := []rune(v)
			a, _ := asInt(args[0])
			b, _ := asInt(args[1])
			if a < 0 || b > int64(len(r)) || a > b {
				return nil, fmt.Errorf("substring(%d, %d) of a string of %d characters", a, b, len(r))
			}
			return string(r[a:b]), nil
		case "to_s":
			return v, nil
		}
	case []byte:
		switch name {
		case "length", "size", "_sizeof":
			return int64(len(v)), nil
		case "first", "last":
			if len(v) == 0 {
				return nil, fmt.Errorf("%s of an empty byte array", name)
			}
			if name == "first" {
				return int64(v[0]), nil
			}
			return int64(v[len(v)-1]), nil
		case "min", "max":
			if len(v) == 0 {
				return nil, fmt.Errorf("%s of an empty byte array", name)
			}
			if name == "min" {
				return int64(slices.Min(v)), nil
			}
			return int64(slices.Max(v)), nil
		case "to_s":
			if len(args) != 1 {
				return nil, fmt.Errorf("to_s of bytes takes the encoding")
			}
			enc, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("to_s takes an encoding name, got %s", show(args[0]))
			}
			if _, err := lookupEncoding(enc); err != nil {
				return nil, err
			}
			if err := o.d.spend(len(v)); err != nil {
				return nil, err
			}
			return decodeString(v, enc)
		case "reverse":
			if err := o.d.spend(len(v)); err != nil {
				return nil, err
			}
			r := slices.Clone(v)
			slices.Reverse(r)
			return r, nil
		}
	case []any:
		switch name {
		case "size", "length":
			return int64(len(v)), nil
		case "first", "last":
			if len(v) == 0 {
				return nil, fmt.Errorf("%s of an empty array", name)
			}
			if name == "first" {
				return v[0], nil
			}
			return v[len(v)-1], nil
		case "min", "max":
			if len(v) == 0 {
				return nil, fmt.Errorf("%s of an empty array", name)
			}
			best := v[0]
			for _, x := range v[1:] {
				c, ok := compare(x, best)
				if !ok {
					return nil, fmt.Errorf("%s of an array of incomparable values", name)
				}
				if name == "min" && c < 0 || name == "max" && c > 0 {
					best = x
				}
			}
			return best, nil
		case "reverse":
			if err := o.d.spend(itemBytes * len(v)); err != nil {
				return nil, err
			}
			r := slices.Clone(v)
			slices.Reverse(r)
			return r, nil
		}
	}
	return nil, fmt.Errorf("%s has no method %s", show(v), name)
}

func (o *object) binary(x *expr, n *node, l *locals) (any, error) {
	a, err := o.evalNode(x, n.kids[0], l)
	if err != nil {
		return nil, err
	}
	op := n.sval
	if op == "and" || op == "or" {
		ab, ok := a.(bool)
		if !ok {
			return nil, fmt.Errorf("%s applied to %s", op, show(a))
		}
		if op == "and" && !ab || op == "or" && ab {
			return ab, nil
		}
		b, err := o.evalNode(x, n.kids[1], l)
		if err != nil {
			return nil, err
		}
		bb, ok := b.(bool)
		if !ok {
			return nil, fmt.Errorf("%s applied to %s", op, show(b))
		}
		return bb, nil
	}
	b, err := o.evalNode(x, n.kids[1], l)
	if err != nil {
		return nil, err
	}
	switch op {
	case "==", "!=":
		eq, ok := equal(a, b)
		if !ok {
			return nil, fmt.Errorf("cannot compare %s and %s", show(a), show(b))
		}
		return eq == (op == "=="), nil
	case "<", "<=", ">", ">=":
		c, ok := compare(a, b)
		if !ok {
			return nil, fmt.Errorf("cannot order %s and %s", show(a), show(b))
		}
		switch op {
		case "<":
			return c < 0, nil
		case "<=":
			return c <= 0, nil
		case ">":
			return c > 0, nil
		}
		return c >= 0, nil
	}
	if op == "+" {
		if as, ok := a.(string); ok {
			if bs, ok := b.(string); ok {
				if err := o.d.spend(len(as) + len(bs)); err != nil {
					return nil, err
				}
				return as + bs, nil
			}
		}
	}
	if isInt(a) && isInt(b) {
		return intOp(op, a, b)
	}
	af, aok := asFloat(a)
	bf, bok := asFloat(b)
	if aok && bok {
		switch op {
		case "+":
			return af + bf, nil
		case "-":
			return af - bf, nil
		case "*":
			return af * bf, nil
		case "/":
			return af / bf, nil
		case "%":
			return af - bf*math.Floor(af/bf), nil
		}
	}
	if ab, ok := a.(bool); ok && (op == "&" || op == "|" || op == "^") {
		if bb, ok := b.(bool); ok {
			switch op {
			case "&":
				return ab && bb, nil
			case "|":
				return ab || bb, nil
			}
			return ab != bb, nil
		}
	}
	return nil, fmt.Errorf("%s %s %s is not defined", show(a), op, show(b))
}

func intOp(op string, a, b any) (any, error) {
	ai, aSmall := a.(int64)
	bi, bSmall := b.(int64)
	if aSmall && bSmall {
		switch op {
		case "+":
			if s := ai + bi; (s > ai) == (bi > 0) {
				return s, nil
			}
		case "-":
			if s := ai - bi; (s < ai) == (bi > 0) {
				return s, nil
			}
		case "*":
			if ai == 0 || bi == 0 {
				return int64(0), nil
			}
			if p := ai * bi; p/bi == ai && !(ai == -1 && bi == math.MinInt64) && !(bi == -1 && ai == math.MinInt64) {
				return p, nil
			}
		case "/":
			if bi == 0 {
				return nil, fmt.Errorf("division by zero")
			}
			q := ai / bi
			if (ai%bi != 0) && ((ai < 0) != (bi < 0)) {
				q--
			}
			return q, nil
		case "%":
			if bi == 0 {
				return nil, fmt.Errorf("modulo by zero")
			}
			m := ai % bi
			if m != 0 && (m < 0) != (bi < 0) {
				m += bi
			}
			return m, nil
		case "&":
			return ai & bi, nil
		case "|":
			return ai | bi, nil
		case "^":
			return ai ^ bi, nil
		case "<<":
			if bi < 0 || bi > 63 {
				return nil, fmt.Errorf("shift by %d", bi)
			}
			return ai << uint(bi), nil
		case ">>":
			if bi < 0 || bi > 63 {
				return nil, fmt.Errorf("shift by %d", bi)
			}
			return ai >> uint(bi), nil
		}
	}
	x, y := toBig(a), toBig(b)
	r := new(big.Int)
	switch op {
	case "+":
		r.Add(x, y)
	case "-":
		r.Sub(x, y)
	case "*":
		r.Mul(x, y)
	case "/":
		if y.Sign() == 0 {
			return nil, fmt.Errorf("division by zero")
		}
		m := new(big.Int)
		r.DivMod(x, y, m) // Euclidean; Kaitai floors
		if y.Sign() < 0 && m.Sign() != 0 {
			r.Add(r, big.NewInt(1))
		}
	case "%":
		if y.Sign() == 0 {
			return nil, fmt.Errorf("modulo by zero")
		}
		r.Mod(x, y)
	case "&":
		r.And(x, y)
	case "|":
		r.Or(x, y)
	case "^":
		r.Xor(x, y)
	case "<<":
		if !y.IsInt64() || y.Int64() < 0 || y.Int64() > 63 {
			return nil, fmt.Errorf("shift by %s", y)
		}
		r.Lsh(x, uint(y.Int64()))
	case ">>":
		if !y.IsInt64() || y.Int64() < 0 || y.Int64() > 63 {
			return nil, fmt.Errorf("shift by %s", y)
		}
		r.Rsh(x, uint(y.Int64()))
	default:
		return nil, fmt.Errorf("integer %s is not defined", op)
	}
	return fromBig(r), nil
}

// equal compares two values as Kaitai does; ok is false when they are not comparable.
func equal(a, b any) (bool, bool) {
	if bl, ok := a.(byteList); ok {
		a = []byte(bl)
	}
	if bl, ok := b.(byteList); ok {
		b = []byte(bl)
	}
	if ea, ok := a.(enumValue); ok {
		if eb, ok := b.(enumValue); ok {
			return fmt.Sprint(ea.v) == fmt.Sprint(eb.v), true
		}
		a = ea.v
	}
	if eb, ok := b.(enumValue); ok {
		b = eb.v
	}
	switch av := a.(type) {
	case bool:
		bv, ok := b.(bool)
		return av == bv, ok
	case string:
		bv, ok := b.(string)
		return av == bv, ok
	case []byte:
		switch bv := b.(type) {
		case []byte:
			return bytes.Equal(av, bv), true
		case []any:
			return equalList(bytesAsList(av), bv), true
		}
		return false, false
	case []any:
		switch bv := b.(type) {
		case []byte:
			return equalList(av, bytesAsList(bv)), true
		case []any:
			return equalList(av, bv), true
		}
		return false, false
	case *object:
		return a == b, true
	}
	c, ok := compare(a, b)
	return c == 0, ok
}

func bytesAsList(b []byte) []any {
	out := make([]any, len(b))
	for i, c := range b {
		out[i] = int64(c)
	}
	return out
}

func equalList(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if eq, ok := equal(a[i], b[i]); !ok || !eq {
			return false
		}
	}
	return true
}

// compare orders numbers, strings and byte arrays.
func compare(a, b any) (int, bool) {
	if ea, ok := a.(enumValue); ok {
		a = ea.v
	}
	if eb, ok := b.(enumValue); ok {
		b = eb.v
	}
	if bl, ok := a.(byteList); ok {
		a = []byte(bl)
	}
	if bl, ok := b.(byteList); ok {
		b = []byte(bl)
	}
	if isInt(a) && isInt(b) {
		return toBig(a).Cmp(toBig(b)), true
	}
	if af, ok := asFloat(a); ok {
		if bf, ok := asFloat(b); ok {
			switch {
			case af < bf:
				return -1, true
			case af > bf:
				return 1, true
			case af == bf:
				return 0, true
			}
			return 2, true // NaN: unequal to everything
		}
	}
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return strings.Compare(as, bs), true
		}
	}
	if as, ok := a.([]byte); ok {
		if bs, ok := b.([]byte); ok {
			return bytes.Compare(as, bs), true
		}
	}
	return 0, false
}
