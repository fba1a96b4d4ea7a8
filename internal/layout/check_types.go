package layout

import (
	"fmt"
	"math/big"
)

// ty is an expression's static type, as far as the checker can tell; "any" where it cannot (it then accepts).
type ty struct {
	k    string // int, float, bool, str, bytes, enum, struct, array, io, any
	e    *enumSpec
	t    *typeSpec // struct: nil for a struct of no one type (a _parent with several users)
	elem *ty
}

var big255 = big.NewInt(255)

var (
	tyAny   = &ty{k: "any"}
	tyInt   = &ty{k: "int"}
	tyFloat = &ty{k: "float"}
	tyBool  = &ty{k: "bool"}
	tyStr   = &ty{k: "str"}
	tyBytes = &ty{k: "bytes"}
	tyIO    = &ty{k: "io"}
)

// String says what the type is, as a problem names it.
func (t *ty) String() string {
	switch t.k {
	case "enum":
		return "enum " + t.e.name
	case "struct":
		if t.t == nil {
			return "a struct of several types"
		}
		return "type " + t.t.name
	case "array":
		return "an array of " + t.elem.String()
	case "int":
		return "an integer"
	case "float":
		return "a float"
	case "bool":
		return "a boolean"
	case "str":
		return "a string"
	case "bytes":
		return "bytes"
	case "io":
		return "a stream"
	}
	return "anything"
}

// paramType is the type a param declares.
func paramType(p *param) *ty {
	var t *ty
	switch p.kind.prim {
	case "u", "s":
		t = tyInt
		if p.enum != "" {
			t = tyAny
		}
	case "b":
		t = tyInt
		if p.kind.size == 1 {
			t = tyBool
		}
	case "bool":
		t = tyBool
	case "f":
		t = tyFloat
	case "str":
		t = tyStr
	case "bytes", "":
		t = tyBytes
	case "io":
		t = tyIO
	case "user":
		t = &ty{k: "struct", t: p.kind.resolved}
	default:
		return tyAny
	}
	if p.kind.array {
		return &ty{k: "array", elem: t}
	}
	return t
}

// assignable says whether a value of type got may be passed where want is expected.
func assignable(want, got *ty) bool {
	if want.k == "any" || got.k == "any" {
		return true
	}
	switch want.k {
	case "float":
		return got.k == "int" || got.k == "float"
	case "struct":
		return got.k == "struct" && (want.t == nil || got.t == nil || want.t == got.t)
	case "array":
		return got.k == "array" && assignable(want.elem, got.elem) || got.k == "bytes" && want.elem.k == "int"
	}
	return want.k == got.k
}

// comparable says whether values of types a and b may be compared.
func comparable(a, b *ty) bool {
	if a.k == "any" || b.k == "any" {
		return true
	}
	switch {
	case a.k == "enum" || b.k == "enum":
		return a.k == b.k && a.e == b.e
	case (a.k == "int" || a.k == "float") && (b.k == "int" || b.k == "float"):
		return true
	case a.k == "bytes" && b.k == "array" || a.k == "array" && b.k == "bytes":
		return true
	}
	return a.k == b.k
}

// binaryType is the type of a op b, or why the operator does not apply.
func binaryType(op nodeOp, a, b *ty) (*ty, error) {
	num := func(t *ty) bool { return t.k == "int" || t.k == "float" }
	switch op {
	case opAnd, opOr:
		for _, x := range []*ty{a, b} {
			if x.k != "bool" && x.k != "any" {
				return nil, fmt.Errorf("%s applies to booleans, not %s", op, x)
			}
		}
		return tyBool, nil
	case opEq, opNe:
		if !comparable(a, b) {
			return nil, fmt.Errorf("can't compare %s and %s", a, b)
		}
		return tyBool, nil
	case opLt, opLe, opGt, opGe:
		if a.k == "enum" || b.k == "enum" {
			return nil, fmt.Errorf("can't use comparison operator %s on enums", op)
		}
		if a.k == "bool" || b.k == "bool" || !comparable(a, b) {
			return nil, fmt.Errorf("can't order %s and %s", a, b)
		}
		return tyBool, nil
	}
	if a.k == "any" || b.k == "any" {
		return tyAny, nil
	}
	switch {
	case op == opAdd && a.k == "str" && b.k == "str":
		return tyStr, nil
	case a.k == "int" && b.k == "int":
		return tyInt, nil
	case num(a) && num(b) && (op == opAdd || op == opSub || op == opMul || op == opDiv || op == opMod):
		return tyFloat, nil
	case a.k == "bool" && b.k == "bool" && (op == opBitAnd || op == opBitOr || op == opBitXor):
		return tyBool, nil
	}
	return nil, fmt.Errorf("can't apply %s to %s and %s", op, a, b)
}

var methods = map[string]map[string]string{
	"int":    {"to_s": "str", "to_i": "int", "_sizeof": "int"},
	"float":  {"to_i": "int", "_sizeof": "int"},
	"bool":   {"to_i": "int", "_sizeof": "int"},
	"enum":   {"to_i": "int", "_sizeof": "int"},
	"str":    {"length": "int", "reverse": "str", "to_i": "int", "substring": "str", "to_s": "str"},
	"bytes":  {"length": "int", "size": "int", "first": "int", "last": "int", "min": "int", "max": "int", "to_s": "str", "reverse": "bytes", "_sizeof": "int"},
	"array":  {"size": "int", "length": "int", "first": "elem", "last": "elem", "min": "elem", "max": "elem", "reverse": "self", "_sizeof": "int"},
	"io":     {"pos": "int", "size": "int", "eof": "bool"},
	"struct": {"_io": "io", "_sizeof": "int", "_root": "struct", "_parent": "any"},
}
