package layout

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// binary evaluates a binary operator: and and or evaluate their right operand only when it decides.
func (o *object) binary(n *node, l *locals) (any, error) {
	a, err := o.evalNode(n.kids[0], l)
	if err != nil {
		return nil, err
	}
	op := n.op
	if op == opAnd || op == opOr {
		ab, ok := a.(bool)
		if !ok {
			return nil, fmt.Errorf("%s applied to %s", op, show(a))
		}
		if op == opAnd && !ab || op == opOr && ab {
			return ab, nil
		}
		b, err := o.evalNode(n.kids[1], l)
		if err != nil {
			return nil, err
		}
		bb, ok := b.(bool)
		if !ok {
			return nil, fmt.Errorf("%s applied to %s", op, show(b))
		}
		return bb, nil
	}
	b, err := o.evalNode(n.kids[1], l)
	if err != nil {
		return nil, err
	}
	return o.operate(op, a, b)
}

// operate applies the binary operator op (but and, or) to a and b.
func (o *object) operate(op nodeOp, a, b any) (any, error) {
	switch op {
	case opEq, opNe:
		eq, ok := equal(a, b)
		if !ok {
			return nil, fmt.Errorf("cannot compare %s and %s", show(a), show(b))
		}
		return eq == (op == opEq), nil
	case opLt, opLe, opGt, opGe:
		return order(op, a, b)
	}
	if op == opAdd {
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
	if r, ok := floatOp(op, a, b); ok {
		return r, nil
	}
	if r, ok := boolOp(op, a, b); ok {
		return r, nil
	}
	return nil, fmt.Errorf("%s %s %s is not defined", show(a), op, show(b))
}

// order evaluates <, <=, > and >=.
func order(op nodeOp, a, b any) (any, error) {
	c, ok := compare(a, b)
	if !ok {
		return nil, fmt.Errorf("cannot order %s and %s", show(a), show(b))
	}
	switch op {
	case opLt:
		return c < 0, nil
	case opLe:
		return c <= 0, nil
	case opGt:
		return c > 0, nil
	}
	return c >= 0, nil
}

// floatOp applies an arithmetic operator to two numbers, one of them a float (% floors); ok is false for
// other operands.
func floatOp(op nodeOp, a, b any) (any, bool) {
	af, aok := asFloat(a)
	bf, bok := asFloat(b)
	if !aok || !bok {
		return nil, false
	}
	switch op {
	case opAdd:
		return af + bf, true
	case opSub:
		return af - bf, true
	case opMul:
		return af * bf, true
	case opDiv:
		return af / bf, true
	case opMod:
		return af - bf*math.Floor(af/bf), true
	}
	return nil, false
}

// boolOp applies &, | and ^ to two booleans; ok is false for other operands.
func boolOp(op nodeOp, a, b any) (any, bool) {
	ab, aok := a.(bool)
	bb, bok := b.(bool)
	if !aok || !bok {
		return nil, false
	}
	switch op {
	case opBitAnd:
		return ab && bb, true
	case opBitOr:
		return ab || bb, true
	case opBitXor:
		return ab != bb, true
	}
	return nil, false
}

// intOp applies an arithmetic or bitwise operator to two integers: in int64 when the result fits, else
// exactly (and wrapped to 64 bits), dividing and taking the modulo as Kaitai does (floored).
func intOp(op nodeOp, a, b any) (any, error) {
	ai, aSmall := a.(int64)
	bi, bSmall := b.(int64)
	if aSmall && bSmall {
		if r, ok, err := smallIntOp(op, ai, bi); ok || err != nil {
			return r, err
		}
	}
	return bigIntOp(op, toBig(a), toBig(b))
}

// smallIntOp is intOp of two int64s; ok is false when the result does not fit an int64.
func smallIntOp(op nodeOp, ai, bi int64) (any, bool, error) {
	switch op {
	case opAdd:
		if s := ai + bi; (s > ai) == (bi > 0) {
			return s, true, nil
		}
	case opSub:
		if s := ai - bi; (s < ai) == (bi > 0) {
			return s, true, nil
		}
	case opMul:
		if ai == 0 || bi == 0 {
			return int64(0), true, nil
		}
		if p := ai * bi; p/bi == ai && !(ai == -1 && bi == math.MinInt64) && !(bi == -1 && ai == math.MinInt64) {
			return p, true, nil
		}
	case opDiv:
		if bi == 0 {
			return nil, true, fmt.Errorf("division by zero")
		}
		q := ai / bi
		if (ai%bi != 0) && ((ai < 0) != (bi < 0)) {
			q--
		}
		return q, true, nil
	case opMod:
		if bi == 0 {
			return nil, true, fmt.Errorf("modulo by zero")
		}
		m := ai % bi
		if m != 0 && (m < 0) != (bi < 0) {
			m += bi
		}
		return m, true, nil
	case opBitAnd:
		return ai & bi, true, nil
	case opBitOr:
		return ai | bi, true, nil
	case opBitXor:
		return ai ^ bi, true, nil
	case opShl, opShr:
		if bi < 0 || bi > 63 {
			return nil, true, fmt.Errorf("shift by %d", bi)
		}
		if op == opShl {
			return ai << uint(bi), true, nil
		}
		return ai >> uint(bi), true, nil
	}
	return nil, false, nil
}

// bigIntOp is intOp in big integers.
func bigIntOp(op nodeOp, x, y *big.Int) (any, error) {
	r := new(big.Int)
	switch op {
	case opAdd:
		r.Add(x, y)
	case opSub:
		r.Sub(x, y)
	case opMul:
		r.Mul(x, y)
	case opDiv:
		if y.Sign() == 0 {
			return nil, fmt.Errorf("division by zero")
		}
		m := new(big.Int)
		r.DivMod(x, y, m) // Euclidean; Kaitai floors
		if y.Sign() < 0 && m.Sign() != 0 {
			r.Add(r, big.NewInt(1))
		}
	case opMod:
		if y.Sign() == 0 {
			return nil, fmt.Errorf("modulo by zero")
		}
		r.Mod(x, y)
	case opBitAnd:
		r.And(x, y)
	case opBitOr:
		r.Or(x, y)
	case opBitXor:
		r.Xor(x, y)
	case opShl, opShr:
		if !y.IsInt64() || y.Int64() < 0 || y.Int64() > 63 {
			return nil, fmt.Errorf("shift by %s", y)
		}
		if op == opShl {
			r.Lsh(x, uint(y.Int64()))
		} else {
			r.Rsh(x, uint(y.Int64()))
		}
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
			return compareInts(ea.v, eb.v) == 0, true
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

// bytesAsList is b as an array of integers.
func bytesAsList(b []byte) []any {
	out := make([]any, len(b))
	for i, c := range b {
		out[i] = int64(c)
	}
	return out
}

// equalList says whether two arrays are equal item by item.
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

// compareInts orders two integers, each an int64 or a uint64.
func compareInts(a, b any) int {
	switch a := a.(type) {
	case int64:
		if b, ok := b.(int64); ok {
			return cmp.Compare(a, b)
		}
		if a < 0 {
			return -1
		}
		return cmp.Compare(uint64(a), b.(uint64))
	case uint64:
		if b, ok := b.(uint64); ok {
			return cmp.Compare(a, b)
		}
		if b := b.(int64); b < 0 {
			return 1
		}
		return cmp.Compare(a, uint64(b.(int64)))
	}
	return 0
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
		return compareInts(a, b), true
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
