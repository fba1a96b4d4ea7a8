package layout

import (
	"fmt"
)

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
	owns  map[*fileSpec]bool // the documents parsed by this compile (not shared): it resolves their names
	steps int                // expression nodes typed: at most c.lim.Checks
}

// errBudget ends a check that took more than its steps (reported once).
var errBudget = fmt.Errorf("the layout takes too long to check")

// typecheck type checks the documents parsed here, taking the shared ones' types as they are.
func (c *compiler) typecheck() {
	k := &checker{c: c, users: map[*typeSpec]map[*typeSpec]bool{}, free: map[*typeSpec]bool{}, visit: map[*attr]bool{}, known: map[*attr]*ty{}, depth: map[*attr]int{}}
	k.owns = map[*fileSpec]bool{}
	for _, f := range c.order {
		k.owns[f] = true
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

// fail notes a problem in the expression x.
func (k *checker) fail(x *expr, format string, args ...any) {
	k.c.fail(x.path, x.line, format, args...)
}

// checkType type checks the expressions of t: its endianness switch and each attribute's.
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

// checkArgs types the arguments a user type is given, against its params' types.
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

// want types x (cur: the type of _), refusing one that is not of type want.
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

// oneType is the type of one item read by the type reference r of attribute a.
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

// hasElse says whether a switched type has a `_` case.
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

// member is the type of t's attribute or param name, if t has one.
func (k *checker) member(t *typeSpec, name string) (*ty, bool) {
	if a, ok := t.byID[name]; ok {
		return k.attrType(t, a), true
	}
	if i := t.paramIndex(name); i >= 0 {
		return paramType(t.params[i]), true
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
