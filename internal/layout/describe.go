package layout

import (
	"fmt"
)

// describeLayout finds the top-level type's fixed size and the fields placed at offsets that do not depend on
// the data: the prefix of each type's seq up to its first attribute of a data-dependent size, in nested
// types and fixed arrays too.
func describeLayout(root *typeSpec) (int, []Field) {
	var fields []Field
	describeType(root, "", 0, &fields, map[*typeSpec]bool{}, 0)
	return staticSize(root, map[*typeSpec]bool{}), fields
}

const maxDescribed = 4096

// describeType lists the statically placed fields of t (at byte base, named under prefix) into out.
func describeType(t *typeSpec, prefix string, base int, out *[]Field, seen map[*typeSpec]bool, depth int) {
	if seen[t] || depth > 16 {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	bit := base * 8
	for _, a := range t.seq {
		if len(*out) >= maxDescribed {
			return
		}
		n := attrBits(t, a, seen)
		if n < 0 {
			return
		}
		if a.kind.prim != "b" {
			bit = (bit + 7) &^ 7
		}
		if a.id[0] == '_' {
			bit += n
			continue
		}
		path := join(prefix, a.id)
		count, one := 1, n
		if a.repeat == repeatExpr {
			count = constInt(a.rexpr)
			if count > maxDescribed {
				return // a huge fixed array ends the description (its items would be more fields than it lists)
			}
			if count > 0 {
				one = n / count
			}
		}
		for i := range count {
			p := path
			if a.repeat == repeatExpr {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			at := bit + i*one
			if a.kind.prim == "user" && a.kind.resolved != nil && len(a.kind.args) == 0 {
				describeType(a.kind.resolved, p, at/8, out, seen, depth+1)
				continue
			}
			f := Field{Path: p, Offset: at / 8, Size: (one + 7) / 8, Type: typeString(a), attr: a, Endian: fixedEndian(t, a)}
			if a.kind.prim == "b" {
				f.Bit, f.Bits = at%8, a.kind.size
				f.Size = (at%8 + a.kind.size + 7) / 8
				f.bitsLE = a.kind.le == "le" || a.kind.le == "" && bitEndianOf(t) == "le"
				f.Endian = ""
			}
			*out = append(*out, f)
			if len(*out) >= maxDescribed {
				return
			}
		}
		bit += n
	}
}

// typeString is a field's type as Field.Type says it: u4le, b3, str UTF-8, a type's name….
func typeString(a *attr) string {
	k := a.kind
	switch k.prim {
	case "u", "s", "f":
		s := fmt.Sprintf("%s%d%s", k.prim, k.size, k.le)
		if a.enum != nil {
			s += " enum " + a.enum.name
		}
		return s
	case "b":
		return fmt.Sprintf("b%d%s", k.size, k.le)
	case "str", "strz":
		return k.prim + " " + a.encoding
	case "user":
		return k.user
	case "switch":
		return "switch"
	}
	if a.contents != nil {
		return "contents"
	}
	return "bytes"
}

// fixedEndian is a number's byte order when the layout fixes it: its type's suffix, or the nearest meta/endian
// that is not switched. "" for single bytes and for an endianness the data decides.
func fixedEndian(t *typeSpec, a *attr) string {
	k := a.kind
	if k.prim != "u" && k.prim != "s" && k.prim != "f" || k.size == 1 {
		return ""
	}
	if k.le != "" {
		return k.le
	}
	for s := t; s != nil; s = s.parent {
		if s.endian != nil {
			return s.endian.fixed
		}
	}
	return ""
}
