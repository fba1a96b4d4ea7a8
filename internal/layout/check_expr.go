package layout

import (
	"fmt"
	"strings"
)

// node types the expression n in type t (cur: the type of _, nil outside repeat-until and valid), depth
// levels down its tree; an error says what is wrong with it. Each node typed is a step of the check.
func (k *checker) node(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	if k.steps++; k.steps > k.c.lim.Checks || k.steps%ctxSteps == 0 && k.c.stopped() || k.c.stop != nil {
		return nil, errBudget // when stopped, the compile answers why, not this
	}
	if depth > maxTreeDepth {
		return tyAny, nil
	}
	switch n.op {
	case opInt:
		return tyInt, nil
	case opFloat:
		return tyFloat, nil
	case opStr, opFString:
		for _, kid := range n.kids {
			if _, err := k.node(t, kid, cur, depth+1); err != nil {
				return nil, err
			}
		}
		return tyStr, nil
	case opBool:
		return tyBool, nil
	case opArray:
		return k.arrayType(t, n, cur, depth)
	case opEnum:
		return k.enumLiteralType(t, n)
	case opName:
		return k.nameType(t, n, cur)
	case opNot, opNeg, opInv:
		return k.unaryType(t, n, cur, depth)
	case opChoice:
		return k.choiceType(t, n, cur, depth)
	case opAttr, opCall:
		return k.memberType(t, n, cur, depth)
	case opIndex:
		return k.indexType(t, n, cur, depth)
	case opAs:
		if _, err := k.node(t, n.kids[0], cur, depth+1); err != nil {
			return nil, err
		}
		if tt := lookupType(t, n.sval); tt != nil {
			return &ty{k: "struct", t: tt}, nil
		}
		return tyAny, nil
	case opSizeof, opBitsizeof:
		return sizeofType(t, n)
	}
	a, err := k.node(t, n.kids[0], cur, depth+1) // a binary operator
	if err != nil {
		return nil, err
	}
	b, err := k.node(t, n.kids[1], cur, depth+1)
	if err != nil {
		return nil, err
	}
	return binaryType(n.op, a, b)
}

// arrayType types an array literal: a byte array when its items are all integer literals of 0 to 255.
func (k *checker) arrayType(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	small := len(n.kids) > 0
	for _, kid := range n.kids {
		if kid.op != opInt || kid.ival.Sign() < 0 || kid.ival.Cmp(big255) > 0 {
			small = false
		}
	}
	if small {
		return tyBytes, nil // [0x50, 0x41]: a byte array
	}
	var elem *ty = tyAny
	for i, kid := range n.kids {
		e, err := k.node(t, kid, cur, depth+1)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			elem = e
		}
	}
	return &ty{k: "array", elem: elem}, nil
}

// enumLiteralType types enum::member, refusing an unknown enum or member.
func (k *checker) enumLiteralType(t *typeSpec, n *node) (*ty, error) {
	name, member := enumParts(n.sval)
	e := lookupEnum(t, name)
	if e == nil {
		return nil, fmt.Errorf("unknown enum %s", name)
	}
	m, ok := e.byName[member]
	if !ok {
		return nil, fmt.Errorf("enum %s has no member %s", e.name, member)
	}
	if k.owns[t.file] {
		n.res = &resolved{of: t, val: e.valueOf(m)}
	}
	return &ty{k: "enum", e: e}, nil
}

// nameType types a name: one of t's attributes or params, or one of the names every object has.
func (k *checker) nameType(t *typeSpec, n *node, cur *ty) (*ty, error) {
	switch n.sval {
	case "_root":
		return &ty{k: "struct", t: t.file.root}, nil
	case "_parent":
		return k.parentOf(t), nil
	case "_io":
		return tyIO, nil
	case "_index", "_sizeof":
		return tyInt, nil
	case "_":
		if cur != nil {
			return cur, nil
		}
		return tyAny, nil
	}
	if strings.HasPrefix(n.sval, "_") {
		return tyAny, nil
	}
	if m, ok := k.member(t, n.sval); ok {
		k.resolve(t, t, n)
		return m, nil
	}
	return nil, fmt.Errorf("unable to access %q in %s", n.sval, typeLabel(t))
}

// unaryType types not x, -x and ~x.
func (k *checker) unaryType(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	x, err := k.node(t, n.kids[0], cur, depth+1)
	if err != nil {
		return nil, err
	}
	switch {
	case x.k == "any":
		return tyAny, nil
	case n.op == opNot && x.k == "bool":
		return tyBool, nil
	case n.op == opNeg && (x.k == "int" || x.k == "float"):
		return x, nil
	case n.op == opInv && x.k == "int":
		return tyInt, nil
	}
	return nil, fmt.Errorf("unable to apply unary operator %s to %s", n.op, x)
}

// choiceType types c ? a : b: the type a and b share, a float for two numbers, else anything.
func (k *checker) choiceType(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	c, err := k.node(t, n.kids[0], cur, depth+1)
	if err != nil {
		return nil, err
	}
	if c.k != "bool" && c.k != "any" {
		return nil, fmt.Errorf("the condition of ? : is %s, not a boolean", c)
	}
	a, err := k.node(t, n.kids[1], cur, depth+1)
	if err != nil {
		return nil, err
	}
	b, err := k.node(t, n.kids[2], cur, depth+1)
	if err != nil {
		return nil, err
	}
	if a.k == b.k && a.t == b.t && a.e == b.e {
		return a, nil
	}
	if (a.k == "int" || a.k == "float") && (b.k == "int" || b.k == "float") {
		return tyFloat, nil
	}
	return tyAny, nil
}

// memberType types v.name and v.name(args).
func (k *checker) memberType(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	v, err := k.node(t, n.kids[0], cur, depth+1)
	if err != nil {
		return nil, err
	}
	for _, kid := range n.kids[1:] {
		if _, err := k.node(t, kid, cur, depth+1); err != nil {
			return nil, err
		}
	}
	m, err := k.method(v, n.sval, n.op == opCall, len(n.kids)-1, n)
	if err == nil && n.op == opAttr && v.k == "struct" && v.t != nil && !strings.HasPrefix(n.sval, "_") {
		k.resolve(t, v.t, n)
	}
	return m, err
}

// resolve notes in n (a name, or x.name, of an expression of type t) the attribute or param of type of it
// names, when this compile owns t's document: the nodes of a shared import are only read (decodes may be
// evaluating them).
func (k *checker) resolve(t, of *typeSpec, n *node) {
	if !k.owns[t.file] {
		return
	}
	if a, ok := of.byID[n.sval]; ok {
		n.res = &resolved{of: of, attr: a}
		return
	}
	if i := of.paramIndex(n.sval); i >= 0 {
		n.res = &resolved{of: of, param: i}
	}
}

// indexType types v[i]: an array's item, or a byte array's byte.
func (k *checker) indexType(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	v, err := k.node(t, n.kids[0], cur, depth+1)
	if err != nil {
		return nil, err
	}
	i, err := k.node(t, n.kids[1], cur, depth+1)
	if err != nil {
		return nil, err
	}
	if i.k != "int" && i.k != "any" {
		return nil, fmt.Errorf("an index is an integer, not %s", i)
	}
	switch v.k {
	case "array":
		return v.elem, nil
	case "bytes":
		return tyInt, nil
	case "any":
		return tyAny, nil
	}
	return nil, fmt.Errorf("%s cannot be indexed", v)
}

// sizeofType types sizeof<type> and bitsizeof<type>, refusing a type of no static size.
func sizeofType(t *typeSpec, n *node) (*ty, error) {
	if primitive.MatchString(n.sval) {
		return tyInt, nil
	}
	tt := lookupType(t, n.sval)
	if tt == nil {
		return nil, fmt.Errorf("sizeof<%s>: unknown type", n.sval)
	}
	if staticSize(tt, map[*typeSpec]bool{}) < 0 {
		return nil, fmt.Errorf("unable to derive sizeof for type %s: dynamic sized type", n.sval)
	}
	return tyInt, nil
}

// method types v.name (or v.name(nargs arguments) when call): an attribute of a struct, or a method of v's
// type.
func (k *checker) method(v *ty, name string, call bool, nargs int, n *node) (*ty, error) {
	if v.k == "any" {
		return tyAny, nil
	}
	if v.k == "struct" && !call && !strings.HasPrefix(name, "_") {
		if v.t == nil {
			return nil, fmt.Errorf("don't know how to call method %q of a struct of several types (its _parent has more than one user type)", name)
		}
		if m, ok := k.member(v.t, name); ok {
			return m, nil
		}
		return nil, fmt.Errorf("type %s has no attribute %q", v.t.name, name)
	}
	if v.k == "struct" && name == "_root" && v.t != nil {
		return &ty{k: "struct", t: v.t.file.root}, nil
	}
	if v.k == "struct" && name == "_parent" && v.t != nil {
		return k.parentOf(v.t), nil
	}
	res, ok := methods[v.k][name]
	if !ok {
		return nil, fmt.Errorf("don't know how to call method %q of %s", name, v)
	}
	if name == "to_s" && v.k == "bytes" {
		if nargs != 1 || n.kids[1].op != opStr {
			return nil, fmt.Errorf("wrong arguments to method call to_s on bytes: expected (encoding name)")
		}
	}
	switch res {
	case "elem":
		return v.elem, nil
	case "self":
		return v, nil
	case "int":
		return tyInt, nil
	case "str":
		return tyStr, nil
	case "bool":
		return tyBool, nil
	case "bytes":
		return tyBytes, nil
	case "io":
		return tyIO, nil
	}
	return tyAny, nil
}
