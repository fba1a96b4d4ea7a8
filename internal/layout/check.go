package layout

import (
	"fmt"
	"math/big"
	"strings"
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

// checker finds, at save time, the type errors Kaitai's compiler refuses: a size that is a string, a
// comparison of an enum with an integer, a method a value does not have.
type checker struct {
	c     *compiler
	users map[*typeSpec]map[*typeSpec]bool // type → the types that use it
	free  map[*typeSpec]bool               // types given a `parent:` somewhere: their _parent is anyone
	visit map[*attr]bool                   // value instances whose type is being worked out (a self-reference is "any")
	known map[*attr]*ty                    // value instances' types, worked out once
	depth map[*attr]int                    // and how many value instances deep each is (it, what it uses, what that uses…)
	waits []int                            // for each value instance being typed, the deepest one it uses so far
	types []*typeSpec
	steps int // expression nodes typed: at most c.lim.Checks
}

// errBudget ends a check that took more than its steps (reported once).
var errBudget = fmt.Errorf("the layout takes too long to check")

func (c *compiler) typecheck() {
	k := &checker{c: c, users: map[*typeSpec]map[*typeSpec]bool{}, free: map[*typeSpec]bool{}, visit: map[*attr]bool{}, known: map[*attr]*ty{}, depth: map[*attr]int{}}
	for _, f := range c.order {
		k.collect(f.root, true)
	}
	for _, f := range c.shared { // who uses their types (their _parent), as when they were checked; not again
		k.collect(f.root, false)
	}
	for _, t := range k.types {
		k.checkType(t)
	}
	c.checks = k.steps
}

// collect notes which types use which, and the types to check (when check).
func (k *checker) collect(t *typeSpec, check bool) {
	if check {
		k.types = append(k.types, t)
	}
	for _, a := range append(append([]*attr{}, t.seq...), t.instances...) {
		refs := []*typeRef{&a.kind}
		for i := range a.kind.cases {
			refs = append(refs, &a.kind.cases[i].kind)
		}
		for _, r := range refs {
			if r.resolved == nil {
				continue
			}
			if a.parent != nil {
				k.free[r.resolved] = true
			}
			if k.users[r.resolved] == nil {
				k.users[r.resolved] = map[*typeSpec]bool{}
			}
			k.users[r.resolved][t] = true
		}
	}
	for _, sub := range t.types {
		k.collect(sub, check)
	}
}

func (k *checker) fail(x *expr, format string, args ...any) {
	k.c.fail(x.path, x.line, format, args...)
}

func (k *checker) checkType(t *typeSpec) {
	if e := t.endian; e != nil && e.switchOn != nil {
		k.infer(t, e.switchOn, nil)
		for _, c := range e.cases {
			if c.key != nil {
				k.infer(t, c.key, nil)
			}
		}
	}
	for _, a := range append(append([]*attr{}, t.seq...), t.instances...) {
		k.want(t, a.size, tyInt, nil)
		k.want(t, a.pos, tyInt, nil)
		k.want(t, a.cond, tyBool, nil)
		if a.repeat == repeatExpr {
			k.want(t, a.rexpr, tyInt, nil)
		}
		if a.repeat == repeatUntil {
			k.want(t, a.rexpr, tyBool, k.itemType(a))
		}
		if a.io != nil {
			if got := k.infer(t, a.io, nil); got != nil && got.k != "io" && got.k != "any" {
				k.fail(a.io, "io is %s, not a stream (_io)", got)
			}
		}
		if a.value != nil {
			k.attrType(t, a)
		}
		if a.kind.prim == "switch" {
			on := k.infer(t, a.kind.switchOn, nil)
			for _, c := range a.kind.cases {
				if c.key != nil {
					if kt := k.infer(t, c.key, nil); on != nil && kt != nil && !comparable(on, kt) {
						k.fail(c.key, "can't compare %s (switch-on) and %s", on, kt)
					}
				}
			}
			if len(a.kind.cases) == 0 {
				k.c.fail(a.path+"/type", a.line, "a switched type needs cases")
			}
		}
		k.checkArgs(t, &a.kind)
		for i := range a.kind.cases {
			k.checkArgs(t, &a.kind.cases[i].kind)
		}
		if v := a.valid; v != nil {
			item := k.itemType(a)
			for _, x := range append([]*expr{v.eq, v.min, v.max}, v.anyOf...) {
				if x == nil {
					continue
				}
				if got := k.infer(t, x, item); got != nil && item != nil && !comparable(item, got) {
					k.fail(x, "can't compare %s and %s", item, got)
				}
			}
			k.want(t, v.expr, tyBool, item)
		}
		if a.process != nil {
			for _, x := range a.process.args {
				k.infer(t, x, nil)
			}
		}
	}
}

func (k *checker) checkArgs(t *typeSpec, r *typeRef) {
	if r.prim != "user" || r.resolved == nil {
		return
	}
	for i, x := range r.args {
		got := k.infer(t, x, nil)
		if i >= len(r.resolved.params) || got == nil {
			continue
		}
		p := r.resolved.params[i]
		want := paramType(p)
		if want != nil && !assignable(want, got) {
			k.fail(x, "can't pass argument #%d of type %s into parameter %s of type %s", i+1, got, p.id, want)
		}
	}
}

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

func (k *checker) want(t *typeSpec, x *expr, want *ty, cur *ty) {
	if x == nil {
		return
	}
	got := k.infer(t, x, cur)
	if got == nil || got.k == "any" || got.k == want.k {
		return
	}
	k.fail(x, "invalid type: expected %s, got %s", want, got)
}

// infer types an expression in type t; nil after reporting an error in it.
func (k *checker) infer(t *typeSpec, x *expr, cur *ty) *ty {
	if x == nil {
		return nil
	}
	got, err := k.node(t, x.n, cur, 0)
	if err == errBudget {
		k.c.fail("/", 0, "checking the layout took more than %d steps", k.c.lim.Checks)
		return nil
	}
	if err != nil {
		k.fail(x, "%v", err)
		return nil
	}
	return got
}

// itemType is the type of one item of attribute a (the `_` of its repeat-until and valid).
func (k *checker) itemType(a *attr) *ty {
	t := k.oneType(a.kind, a)
	if a.enum != nil {
		return &ty{k: "enum", e: a.enum}
	}
	return t
}

func (k *checker) oneType(r typeRef, a *attr) *ty {
	switch r.prim {
	case "u", "s":
		return tyInt
	case "b":
		if r.size == 1 {
			return tyBool
		}
		return tyInt
	case "f":
		return tyFloat
	case "str", "strz":
		return tyStr
	case "", "bytes":
		return tyBytes
	case "user":
		if r.resolved == nil {
			return tyAny
		}
		return &ty{k: "struct", t: r.resolved}
	case "switch":
		var one *ty
		for _, c := range r.cases {
			ct := k.oneType(c.kind, a)
			if one == nil {
				one = ct
			} else if one.k != ct.k || one.t != ct.t {
				return tyAny
			}
		}
		if one == nil || one.k == "struct" && (a.size != nil || a.sizeEOS) && !hasElse(r) {
			return tyAny // an unmatched sized switch reads raw bytes
		}
		return one
	}
	return tyAny
}

func hasElse(r typeRef) bool {
	for _, c := range r.cases {
		if c.key == nil {
			return true
		}
	}
	return false
}

// attrType is an attribute's type as an expression sees it. A value instance's is worked out once, however
// often it is used.
func (k *checker) attrType(t *typeSpec, a *attr) *ty {
	if a.value != nil {
		if got, ok := k.known[a]; ok {
			k.waited(k.depth[a])
			return got
		}
		if k.visit[a] {
			return tyAny // it depends on itself: a decode says so
		}
		if len(k.waits) >= maxInstanceDepth { // too deep already: not recursed into further
			k.waited(maxInstanceDepth)
			return tyAny
		}
		k.visit[a] = true
		k.waits = append(k.waits, 0)
		got := k.valueType(t, a)
		depth := 1 + k.waits[len(k.waits)-1]
		k.waits = k.waits[:len(k.waits)-1]
		delete(k.visit, a)
		k.known[a], k.depth[a] = got, depth
		if depth > maxInstanceDepth && depth-1 <= maxInstanceDepth {
			k.fail(a.value, "instances depend on each other more than %d deep", maxInstanceDepth)
		}
		k.waited(depth)
		return got
	}
	one := k.itemType(a)
	if a.repeat != noRepeat {
		return &ty{k: "array", elem: one}
	}
	return one
}

// waited notes that the value instance being typed uses one that is depth instances deep.
func (k *checker) waited(depth int) {
	if n := len(k.waits); n > 0 {
		k.waits[n-1] = max(k.waits[n-1], depth)
	}
}

// valueType is a value instance's type, worked out from its expression.
func (k *checker) valueType(t *typeSpec, a *attr) *ty {
	got := k.infer(t, a.value, nil)
	if got == nil {
		return tyAny
	}
	if a.enum != nil {
		if got.k != "int" && got.k != "any" {
			k.fail(a.value, "tried to resolve %s to enum %s", got, a.enum.name)
		}
		return &ty{k: "enum", e: a.enum}
	}
	return got
}

func (k *checker) member(t *typeSpec, name string) (*ty, bool) {
	if a, ok := t.byID[name]; ok {
		return k.attrType(t, a), true
	}
	for _, p := range t.params {
		if p.id == name {
			return paramType(p), true
		}
	}
	return nil, false
}

// parentOf is the type of t's _parent: the one type that uses t, or a struct of several.
func (k *checker) parentOf(t *typeSpec) *ty {
	if k.free[t] {
		return tyAny
	}
	users := k.users[t]
	if len(users) == 1 {
		for u := range users {
			return &ty{k: "struct", t: u}
		}
	}
	if len(users) == 0 {
		return tyAny
	}
	return &ty{k: "struct"}
}

func (k *checker) node(t *typeSpec, n *node, cur *ty, depth int) (*ty, error) {
	if k.steps++; k.steps > k.c.lim.Checks || k.steps%ctxSteps == 0 && k.c.stopped() || k.c.stop != nil {
		return nil, errBudget // when stopped, the compile answers why, not this
	}
	if depth > maxTreeDepth {
		return tyAny, nil
	}
	sub := func(i int) (*ty, error) { return k.node(t, n.kids[i], cur, depth+1) }
	switch n.op {
	case "int":
		return tyInt, nil
	case "float":
		return tyFloat, nil
	case "str", "fstr":
		for i := range n.kids {
			if _, err := sub(i); err != nil {
				return nil, err
			}
		}
		return tyStr, nil
	case "bool":
		return tyBool, nil
	case "arr":
		small := len(n.kids) > 0
		for _, kid := range n.kids {
			if kid.op != "int" || kid.ival.Sign() < 0 || kid.ival.Cmp(big255) > 0 {
				small = false
			}
		}
		if small {
			return tyBytes, nil // [0x50, 0x41]: a byte array
		}
		var elem *ty = tyAny
		for i := range n.kids {
			e, err := sub(i)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				elem = e
			}
		}
		return &ty{k: "array", elem: elem}, nil
	case "enum":
		e := lookupEnum(t, strings.Join(n.enum[:len(n.enum)-1], "::"))
		if e == nil {
			return nil, fmt.Errorf("unknown enum %s", strings.Join(n.enum[:len(n.enum)-1], "::"))
		}
		if _, ok := e.byName[n.enum[len(n.enum)-1]]; !ok {
			return nil, fmt.Errorf("enum %s has no member %s", e.name, n.enum[len(n.enum)-1])
		}
		return &ty{k: "enum", e: e}, nil
	case "name":
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
			return m, nil
		}
		return nil, fmt.Errorf("unable to access %q in %s", n.sval, typeLabel(t))
	case "un":
		x, err := sub(0)
		if err != nil {
			return nil, err
		}
		switch {
		case x.k == "any":
			return tyAny, nil
		case n.sval == "not" && x.k == "bool":
			return tyBool, nil
		case n.sval == "-" && (x.k == "int" || x.k == "float"):
			return x, nil
		case n.sval == "~" && x.k == "int":
			return tyInt, nil
		}
		return nil, fmt.Errorf("unable to apply unary operator %s to %s", n.sval, x)
	case "?:":
		c, err := sub(0)
		if err != nil {
			return nil, err
		}
		if c.k != "bool" && c.k != "any" {
			return nil, fmt.Errorf("the condition of ? : is %s, not a boolean", c)
		}
		a, err := sub(1)
		if err != nil {
			return nil, err
		}
		b, err := sub(2)
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
	case "bin":
		a, err := sub(0)
		if err != nil {
			return nil, err
		}
		b, err := sub(1)
		if err != nil {
			return nil, err
		}
		return binaryType(n.sval, a, b)
	case "attr", "call":
		v, err := sub(0)
		if err != nil {
			return nil, err
		}
		for i := 1; i < len(n.kids); i++ {
			if _, err := sub(i); err != nil {
				return nil, err
			}
		}
		return k.method(v, n.sval, n.op == "call", len(n.kids)-1, n)
	case "idx":
		v, err := sub(0)
		if err != nil {
			return nil, err
		}
		i, err := sub(1)
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
	case "as":
		if _, err := sub(0); err != nil {
			return nil, err
		}
		if tt := lookupType(t, n.sval); tt != nil {
			return &ty{k: "struct", t: tt}, nil
		}
		return tyAny, nil
	case "sizeof", "bitsizeof":
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
	return tyAny, nil
}

func binaryType(op string, a, b *ty) (*ty, error) {
	num := func(t *ty) bool { return t.k == "int" || t.k == "float" }
	switch op {
	case "and", "or":
		for _, x := range []*ty{a, b} {
			if x.k != "bool" && x.k != "any" {
				return nil, fmt.Errorf("%s applies to booleans, not %s", op, x)
			}
		}
		return tyBool, nil
	case "==", "!=":
		if !comparable(a, b) {
			return nil, fmt.Errorf("can't compare %s and %s", a, b)
		}
		return tyBool, nil
	case "<", "<=", ">", ">=":
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
	case op == "+" && a.k == "str" && b.k == "str":
		return tyStr, nil
	case a.k == "int" && b.k == "int":
		return tyInt, nil
	case num(a) && num(b) && (op == "+" || op == "-" || op == "*" || op == "/" || op == "%"):
		return tyFloat, nil
	case a.k == "bool" && b.k == "bool" && (op == "&" || op == "|" || op == "^"):
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
		if nargs != 1 || n.kids[1].op != "str" {
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
