package layout

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// member answers v.name (args nil) or v.name(args...); each is a step of the decode.
func (o *object) member(v any, name string, args []any) (any, error) {
	if err := o.d.step(1); err != nil {
		return nil, err
	}
	if args == nil {
		if ob, ok := v.(*object); ok {
			return objectMember(ob, name)
		}
		if s, ok := v.(*stream); ok {
			if r, ok := streamMember(s, name); ok {
				return r, nil
			}
		}
	}
	if bl, ok := v.(byteList); ok {
		v = []byte(bl)
	}
	var r any
	var ok bool
	var err error
	switch v := v.(type) {
	case int64, uint64:
		r, ok, err = intMethod(v, name, args)
	case float32:
		return o.member(float64(v), name, args)
	case float64:
		r, ok, err = floatMethod(v, name)
	case bool:
		r, ok = boolMethod(v, name)
	case enumValue:
		r, ok = v.v, name == "to_i"
	case string:
		r, ok, err = o.strMethod(v, name, args)
	case []byte:
		r, ok, err = o.bytesMethod(v, name, args)
	case []any:
		r, ok, err = o.arrayMethod(v, name)
	}
	if ok || err != nil {
		return r, err
	}
	return nil, fmt.Errorf("%s has no method %s", show(v), name)
}

// objectMember answers ob.name: one of the names every object has, a parameter, an attribute or an instance
// (computed when first asked for).
func objectMember(ob *object, name string) (any, error) {
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
	if i := ob.t.paramIndex(name); i >= 0 && i < len(ob.params) {
		return ob.params[i], nil
	}
	if a, ok := ob.t.byID[name]; ok {
		return ob.attrNamed(a)
	}
	return nil, fmt.Errorf("type %s has no attribute %s", ob.t.name, name)
}

// named answers the attribute or param r names (name, in o's type), as member does but without looking it
// up, and as a step of the decode as well.
func (o *object) named(r *resolved, name string) (any, error) {
	if err := o.d.step(1); err != nil {
		return nil, err
	}
	if r.attr != nil {
		return o.attrNamed(r.attr)
	}
	if r.param < len(o.params) {
		return o.params[r.param], nil
	}
	return nil, fmt.Errorf("type %s has no attribute %s", o.t.name, name)
}

// attrNamed answers o's attribute a as an expression sees it: a seq attribute as read (nil when its if left
// it out, or it is not read yet), an instance computed when first asked for.
func (o *object) attrNamed(a *attr) (any, error) {
	if !a.instance {
		v, _ := o.value(a)
		return v, nil
	}
	v, _, err := o.instance(a)
	return v, err
}

// streamMember answers a stream's pos, size and eof.
func streamMember(s *stream, name string) (any, bool) {
	switch name {
	case "pos":
		return int64(s.pos), true
	case "size":
		return int64(len(s.buf)), true
	case "eof":
		return s.pos >= len(s.buf) && s.bitsLeft == 0, true
	}
	return nil, false
}

// intMethod answers an integer's to_s (in a base of 2 to 36) and to_i.
func intMethod(v any, name string, args []any) (any, bool, error) {
	switch name {
	case "to_s":
		if len(args) == 0 {
			return fmt.Sprint(v), true, nil
		}
		base, _ := asInt(args[0])
		if base < 2 || base > 36 {
			return nil, true, fmt.Errorf("to_s(%d): the base is 2 to 36", base)
		}
		return toBig(v).Text(int(base)), true, nil
	case "to_i":
		return v, true, nil
	}
	return nil, false, nil
}

// floatMethod answers a float's to_i (refused for NaN and the infinities).
func floatMethod(v float64, name string) (any, bool, error) {
	if name != "to_i" {
		return nil, false, nil
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, true, fmt.Errorf("%v has no integer value", v)
	}
	return int64(v), true, nil
}

// boolMethod answers a boolean's to_i.
func boolMethod(v bool, name string) (any, bool) {
	if name != "to_i" {
		return nil, false
	}
	if v {
		return int64(1), true
	}
	return int64(0), true
}

// strMethod answers a string's length (in characters), reverse, to_i, substring and to_s.
func (o *object) strMethod(v string, name string, args []any) (any, bool, error) {
	switch name {
	case "length":
		return int64(utf8.RuneCountInString(v)), true, nil
	case "reverse":
		if err := o.d.spend(len(v)); err != nil {
			return nil, true, err
		}
		r := []rune(v)
		slices.Reverse(r)
		return string(r), true, nil
	case "to_i":
		base := int64(10)
		if len(args) == 1 {
			base, _ = asInt(args[0])
		}
		i, err := strconv.ParseInt(v, int(base), 64)
		if err != nil {
			return nil, true, fmt.Errorf("%q is not an integer in base %d", v, base)
		}
		return i, true, nil
	case "substring":
		if len(args) != 2 {
			return nil, true, fmt.Errorf("substring takes (from, to)")
		}
		if err := o.d.spend(len(v)); err != nil {
			return nil, true, err
		}
		r := []rune(v)
		a, _ := asInt(args[0])
		b, _ := asInt(args[1])
		if a < 0 || b > int64(len(r)) || a > b {
			return nil, true, fmt.Errorf("substring(%d, %d) of a string of %d characters", a, b, len(r))
		}
		return string(r[a:b]), true, nil
	case "to_s":
		return v, true, nil
	}
	return nil, false, nil
}

// bytesMethod answers a byte array's length, size, _sizeof, first, last, min, max, to_s(encoding) and
// reverse.
func (o *object) bytesMethod(v []byte, name string, args []any) (any, bool, error) {
	switch name {
	case "length", "size", "_sizeof":
		return int64(len(v)), true, nil
	case "first", "last", "min", "max":
		if len(v) == 0 {
			return nil, true, fmt.Errorf("%s of an empty byte array", name)
		}
		switch name {
		case "first":
			return int64(v[0]), true, nil
		case "last":
			return int64(v[len(v)-1]), true, nil
		case "min":
			return int64(slices.Min(v)), true, nil
		}
		return int64(slices.Max(v)), true, nil
	case "to_s":
		s, err := o.bytesToS(v, args)
		return s, true, err
	case "reverse":
		if err := o.d.spend(len(v)); err != nil {
			return nil, true, err
		}
		r := slices.Clone(v)
		slices.Reverse(r)
		return r, true, nil
	}
	return nil, false, nil
}

// bytesToS decodes a byte array in the encoding args name.
func (o *object) bytesToS(v []byte, args []any) (any, error) {
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
}

// arrayMethod answers an array's size, length, first, last, min, max and reverse.
func (o *object) arrayMethod(v []any, name string) (any, bool, error) {
	switch name {
	case "size", "length":
		return int64(len(v)), true, nil
	case "first", "last":
		if len(v) == 0 {
			return nil, true, fmt.Errorf("%s of an empty array", name)
		}
		if name == "first" {
			return v[0], true, nil
		}
		return v[len(v)-1], true, nil
	case "min", "max":
		if len(v) == 0 {
			return nil, true, fmt.Errorf("%s of an empty array", name)
		}
		best := v[0]
		for _, x := range v[1:] {
			c, ok := compare(x, best)
			if !ok {
				return nil, true, fmt.Errorf("%s of an array of incomparable values", name)
			}
			if name == "min" && c < 0 || name == "max" && c > 0 {
				best = x
			}
		}
		return best, true, nil
	case "reverse":
		if err := o.d.spend(itemBytes * len(v)); err != nil {
			return nil, true, err
		}
		r := slices.Clone(v)
		slices.Reverse(r)
		return r, true, nil
	}
	return nil, false, nil
}
