package layout

import (
	"math"
	"strconv"
)

// A scalar attribute is a lone number or bit field: a decode keeps what it reads of one unboxed in its
// slot (slot.bits), and boxes it only when an expression asks for its value; the JSON of a decode writes it
// from the bits.

// isScalar says whether a is a scalar attribute: a seq attribute of type u, s, f or b with no size,
// contents, repeat, process, enum or valid.
func isScalar(a *attr) bool {
	switch a.kind.prim {
	case "u", "s", "f", "b":
	default:
		return false
	}
	return !a.instance && a.value == nil && a.size == nil && !a.sizeEOS && a.contents == nil &&
		a.repeat == noRepeat && a.process == nil && a.enumName == "" && a.valid == nil
}

// readScalar reads the scalar attribute a into its slot: a step of the decode, its if, its read and its
// errors as attrValue's and readOne's.
func (o *object) readScalar(a *attr) error {
	if err := o.d.step(1); err != nil {
		return err
	}
	if a.cond != nil {
		c, err := o.evalBool(a.cond, nil)
		if err != nil || !c {
			return err
		}
	}
	at, off := o.siteOf(a), o.io.base+o.io.pos
	var u uint64
	var err error
	if a.kind.prim == "b" {
		u, err = o.loadBits(a.kind, o.io, at, off)
	} else {
		u, err = o.loadNumber(a.kind, o.io, at, off)
	}
	if err != nil {
		return err
	}
	s := &o.slots[a.slot]
	s.bits, s.has = u, true
	return nil
}

// scalarValue is the value of the scalar attribute a whose bits were read as u.
func scalarValue(a *attr, u uint64) any {
	if a.kind.prim == "b" {
		return bitsValue(a.kind, false, u)
	}
	return numberValue(a.kind, u)
}

// appendScalarBits appends the value of the scalar attribute a read as u, as appendScalar appends it boxed.
func appendScalarBits(b []byte, a *attr, u uint64) []byte {
	switch k := a.kind; k.prim {
	case "s":
		return strconv.AppendInt(b, signed(u, k.size), 10)
	case "f":
		if k.size == 4 {
			return appendFloat(b, float64(math.Float32frombits(uint32(u))), 32)
		}
		return appendFloat(b, math.Float64frombits(u), 64)
	case "b":
		if k.size == 1 {
			return strconv.AppendBool(b, u == 1)
		}
	}
	return strconv.AppendUint(b, u, 10)
}

// appendFloat appends a float of bitSize bits in its shortest form; NaN and the infinities, which JSON
// has not, are null.
func appendFloat(b []byte, f float64, bitSize int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bitSize)
}
