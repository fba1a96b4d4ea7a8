package cdecl

import (
	"fmt"
	"modernc.org/token"
	"strconv"

	"modernc.org/cc/v4"
)

// scalar sets a's type for a C type that is not an array: a number, a pointer (an integer of the ABI's
// pointer size), an enum, a struct or union (a user type), or bytes for what Kaitai has no number for
// (long double of 16 bytes, __int128, _Complex).
func (c *conv) scalar(a *kAttr, t cc.Type, name, where string, pos token.Position) bool {
	size := t.Size()
	switch k := t.Kind(); {
	case k == cc.Struct || k == cc.Union:
		if t.IsIncomplete() || size <= 0 {
			c.probs.at(where, pos, "%s: %s is incomplete (declared, never defined) or empty", name, t)
			return false
		}
		a.typ, a.size = c.record(t, name, where).id, size
	case k == cc.Enum:
		et := t.(*cc.EnumType)
		a.typ, a.enum = intType(cc.IsSignedInteger(t), size), c.enum(et, name).id
	case k == cc.Bool:
		a.typ = "u1"
		a.doc = join(a.doc, "C bool: 0 or 1")
	case k == cc.Ptr:
		a.typ = intType(false, size)
		a.doc = join(a.doc, fmt.Sprintf("C pointer (%s): the address, in the producer's process", t))
	case cc.IsIntegerType(t) && size <= 8:
		a.typ = intType(cc.IsSignedInteger(t), size)
	case (k == cc.Float || k == cc.Double || k == cc.LongDouble || k == cc.Float32 || k == cc.Float64) && (size == 4 || size == 8):
		a.typ = "f" + strconv.FormatInt(size, 10)
	case cc.IsArithmeticType(t) && size > 0:
		a.size = size
		a.doc = join(a.doc, fmt.Sprintf("C %s: %d bytes, kept as bytes (Kaitai has no such number)", t, size))
	default:
		c.probs.at(where, pos, "%s: a member of type %s has no layout", name, t)
		return false
	}
	return true
}

func intType(signed bool, size int64) string {
	if signed {
		return "s" + strconv.FormatInt(size, 10)
	}
	return "u" + strconv.FormatInt(size, 10)
}

// textNames are the typedef names of the other characters: an array of them is a string (UTF-8 when 1 byte,
// UTF-16LE when 2, UTF-32LE when 4). TCHAR is a macro: CHAR or WCHAR.
var textNames = map[string]bool{"wchar_t": true, "WCHAR": true, "char16_t": true, "char32_t": true, "char8_t": true}

// textual says whether an array of t is a string, and its encoding: plain char (not signed or unsigned
// char, not int8_t or uint8_t) in the options' encoding, and the wide characters by their typedef's name.
func (c *conv) textual(t cc.Type) (string, bool) {
	if t.Kind() == cc.Char {
		return c.enc, true
	}
	d := t.Typedef()
	for i := 0; d != nil && i < 64; i++ {
		if textNames[d.Name()] {
			switch t.Size() {
			case 1:
				return "UTF-8", true
			case 2:
				return "UTF-16LE", true
			case 4:
				return "UTF-32LE", true
			}
			return "", false
		}
		d = d.Type().Typedef()
	}
	return "", false
}

// enum is the Kaitai enum of a C enum (made once for each).
func (c *conv) enum(t *cc.EnumType, hint string) *kEnum {
	key, name := "", ""
	tag := t.Tag()
	if s := tag.SrcStr(); s != "" {
		key, name = "tag "+s, s
	} else if es := t.Enumerators(); len(es) > 0 {
		key = "at " + es[0].Position().String()
		if d := t.Typedef(); d != nil {
			name = d.Name()
		}
	}
	if e := c.enumKey[key]; e != nil && key != "" {
		return e
	}
	if name == "" {
		name = hint
	}
	e := &kEnum{id: c.enumIDs.unique(spell(name, "enum"))}
	if e.id != name {
		e.orig = name
	}
	if key != "" {
		c.enumKey[key] = e
	}
	c.enums = append(c.enums, e)
	ids, seen := names{}, map[string]bool{}
	for _, en := range t.Enumerators() {
		if !c.count(1) {
			break
		}
		v := enumValue(en.Value())
		if v == "" || seen[v] {
			continue // an alias of a value named before: a Kaitai enum names each value once
		}
		seen[v] = true
		n := en.Token.SrcStr()
		ev := kEnumValue{value: v, id: ids.unique(spell(n, "value"))}
		if ev.id != n {
			ev.orig = n
		}
		e.values = append(e.values, ev)
	}
	return e
}

func enumValue(v cc.Value) string {
	switch x := v.(type) {
	case cc.Int64Value:
		return strconv.FormatInt(int64(x), 10)
	case cc.UInt64Value:
		return strconv.FormatUint(uint64(x), 10)
	}
	return ""
}
