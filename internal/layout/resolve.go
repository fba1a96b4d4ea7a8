package layout

import (
	"cmp"
	"fmt"
	"strings"
)

// resolveAll resolves the names of the types, enums and attributes of the documents parsed here.
func (c *compiler) resolveAll() {
	for _, g := range c.order {
		c.resolveType(g.root)
	}
}

// lookupType finds a type by name as seen from t: t's own types, then its enclosing types', then the roots of
// the imported documents, by their ids.
func lookupType(t *typeSpec, name string) *typeSpec {
	parts := strings.Split(name, "::")
	var found *typeSpec
	for s := t; s != nil && found == nil; s = s.parent {
		if sub, ok := s.types[parts[0]]; ok {
			found = sub
		} else if s.parent == nil && s.name == parts[0] {
			found = s
		}
	}
	if found == nil {
		found = importedRoot(t.file, parts[0], map[*fileSpec]bool{})
	}
	for _, p := range parts[1:] {
		if found == nil {
			return nil
		}
		found = found.types[p]
	}
	return found
}

// importedRoot finds, among what f imports (directly or not), the top-level type of the layout id.
func importedRoot(f *fileSpec, id string, seen map[*fileSpec]bool) *typeSpec {
	if seen[f] {
		return nil
	}
	seen[f] = true
	for _, g := range f.imports {
		if g.id == id {
			return g.root
		}
	}
	for _, g := range f.imports {
		if r := importedRoot(g, id, seen); r != nil {
			return r
		}
	}
	return nil
}

// lookupEnum finds an enum by name as seen from t: t's, then its enclosing types'; a::e in type a.
func lookupEnum(t *typeSpec, name string) *enumSpec {
	parts := strings.Split(name, "::")
	last := parts[len(parts)-1]
	if len(parts) == 1 {
		for s := t; s != nil; s = s.parent {
			if e, ok := s.enums[last]; ok {
				return e
			}
		}
		return nil
	}
	owner := lookupType(t, strings.Join(parts[:len(parts)-1], "::"))
	if owner == nil {
		return nil
	}
	return owner.enums[last]
}

// resolveType resolves t's type references, enums, encodings and names (and those of the types inside it).
func (c *compiler) resolveType(t *typeSpec) {
	for _, p := range t.params {
		if p.kind.prim == "user" {
			if p.kind.resolved = lookupType(t, p.kind.user); p.kind.resolved == nil {
				c.fail(t.path+"/params", 0, "unknown type %q", p.kind.user)
			}
		}
	}
	for _, a := range append(append([]*attr{}, t.seq...), t.instances...) {
		c.resolveRef(t, &a.kind, a.path+"/type", cmp.Or(a.kindLine, a.line))
		if a.enumName != "" {
			if a.enum = lookupEnum(t, a.enumName); a.enum == nil {
				c.fail(a.path+"/enum", a.line, "unknown enum %q", a.enumName)
			} else if k := a.kind.prim; a.value == nil && k != "u" && k != "s" && k != "b" {
				c.fail(a.path+"/enum", a.line, "an enum applies to an integer, not to %s", describeRef(a.kind))
			}
		}
		if (a.kind.prim == "str" || a.kind.prim == "strz") && a.encoding == "" {
			if a.encoding = encodingOf(t); a.encoding == "" {
				c.fail(a.path+"/encoding", a.line, "a string needs an encoding (here or in meta/encoding)")
			}
		}
		c.checkNames(t, a)
		a.scalar = isScalar(a)
	}
	for _, sub := range t.types {
		c.resolveType(sub)
	}
}

// describeRef says what r is, for a problem's text.
func describeRef(r typeRef) string {
	switch r.prim {
	case "":
		return "raw bytes"
	case "user":
		return "type " + r.user
	case "switch":
		return "a switched type"
	case "u", "s", "f":
		return fmt.Sprintf("%s%d", r.prim, r.size)
	case "b":
		return fmt.Sprintf("b%d", r.size)
	}
	return r.prim
}

// encodingOf is t's meta/encoding, or an enclosing type's.
func encodingOf(t *typeSpec) string {
	for s := t; s != nil; s = s.parent {
		if s.encoding != "" {
			return s.encoding
		}
	}
	return ""
}

// resolveRef finds the user types r names (in each case of a switch), refusing an unknown one or a wrong count
// of arguments.
func (c *compiler) resolveRef(t *typeSpec, r *typeRef, path string, line int) {
	switch r.prim {
	case "user":
		if r.resolved = lookupType(t, r.user); r.resolved == nil {
			c.fail(path, line, "unknown type %q", r.user)
		} else if len(r.args) != len(r.resolved.params) {
			c.fail(path, line, "type %s takes %d arguments, given %d", r.user, len(r.resolved.params), len(r.args))
		}
	case "switch":
		for i := range r.cases {
			c.resolveRef(t, &r.cases[i].kind, path+"/cases", line)
		}
	}
}

// checkNames refuses an expression that names an attribute the type does not have: a misspelt field would
// otherwise fail only on the first decode.
func (c *compiler) checkNames(t *typeSpec, a *attr) {
	for _, x := range a.exprs() {
		if x == nil {
			continue
		}
		walk(x.n, func(n *node) {
			if n.op != opName || strings.HasPrefix(n.sval, "_") {
				return
			}
			if !t.has(n.sval) {
				c.fail(x.path, x.line, "unable to access %q in %s", n.sval, typeLabel(t))
			}
		})
	}
}

// typeLabel names t in a problem.
func typeLabel(t *typeSpec) string {
	if t.name == "" {
		return "the top level"
	}
	return "type " + t.name
}

// has says whether t has an attribute or a param id.
func (t *typeSpec) has(id string) bool {
	_, ok := t.byID[id]
	return ok || t.paramIndex(id) >= 0
}

// paramIndex is the index of t's param id, or -1.
func (t *typeSpec) paramIndex(id string) int {
	for i, p := range t.params {
		if p.id == id {
			return i
		}
	}
	return -1
}

// exprs are all of a's expressions (nil where it has none).
func (a *attr) exprs() []*expr {
	out := []*expr{a.value, a.pos, a.io, a.size, a.rexpr, a.cond, a.parent}
	out = append(out, a.kind.exprs()...)
	if a.valid != nil {
		out = append(out, a.valid.eq, a.valid.min, a.valid.max, a.valid.expr)
		out = append(out, a.valid.anyOf...)
	}
	if a.process != nil {
		out = append(out, a.process.args...)
	}
	return out
}

// exprs are all of r's expressions: arguments, switch-on, case keys (nil for `_`), the cases' own.
func (r *typeRef) exprs() []*expr {
	out := append([]*expr{}, r.args...)
	if r.switchOn != nil {
		out = append(out, r.switchOn)
	}
	for _, c := range r.cases {
		out = append(out, c.key)
		out = append(out, c.kind.exprs()...)
	}
	return out
}

// walk visits n and its sub-expressions (the names after a dot are not sub-expressions: they belong to
// another object).
func walk(n *node, f func(*node)) {
	if n == nil {
		return
	}
	f(n)
	for _, k := range n.kids {
		walk(k, f)
	}
}
