package layout

// staticSize is the size in bytes a type always has, or -1; bits of a type of bit fields round up. It is
// worked out once per type (a type of two fields of a type of two fields… is not walked 2^n times), and for
// every type when a layout is compiled: a decode only reads it.
func staticSize(t *typeSpec, seen map[*typeSpec]bool) int {
	if t.sized {
		return t.size
	}
	if seen[t] {
		return -1 // a type inside itself has no fixed size
	}
	seen[t] = true
	size := seqSize(t, seen)
	delete(seen, t)
	t.size, t.sized = size, true
	return size
}

// sizeTypes works out the static size of t and of the types inside it.
func sizeTypes(t *typeSpec) {
	staticSize(t, map[*typeSpec]bool{})
	for _, sub := range t.types {
		sizeTypes(sub)
	}
}

// seqSize is the static size in bytes of t's seq, or -1.
func seqSize(t *typeSpec, seen map[*typeSpec]bool) int {
	bits := 0
	for _, a := range t.seq {
		n := attrBits(t, a, seen)
		if n < 0 {
			return -1
		}
		if a.kind.prim != "b" {
			bits = (bits + 7) &^ 7
		}
		bits += n
		if bits > maxStaticBits {
			return -1
		}
	}
	return (bits + 7) / 8
}

// attrBits is an attribute's static size in bits, or -1.
func attrBits(t *typeSpec, a *attr, seen map[*typeSpec]bool) int {
	if a.cond != nil {
		return -1
	}
	one := -1
	switch k := a.kind; {
	case a.sizeEOS:
	case a.size != nil:
		if s := constInt(a.size); s >= 0 {
			one = s * 8
		}
	case a.contents != nil:
		one = len(a.contents) * 8
	case k.prim == "u" || k.prim == "s" || k.prim == "f":
		one = k.size * 8
	case k.prim == "b":
		one = k.size
	case k.prim == "user" && k.resolved != nil && len(k.args) == 0:
		if s := staticSize(k.resolved, seen); s >= 0 {
			one = s * 8
		}
	}
	if one < 0 {
		return -1
	}
	switch a.repeat {
	case noRepeat:
		return one
	case repeatExpr:
		if n := constInt(a.rexpr); n >= 0 && (one == 0 || n <= maxStaticBits/one) {
			return n * one
		}
	}
	return -1
}

// maxStaticBits bounds a static size (8 GiB): past it a type is "dynamic", and no sum overflows.
const maxStaticBits = 1 << 36

// constInt is the value of an integer literal expression, or -1.
func constInt(x *expr) int {
	if x == nil || x.n.op != opInt || !x.n.ival.IsInt64() || x.n.ival.Int64() < 0 || x.n.ival.Int64() > 1<<40 {
		return -1
	}
	return int(x.n.ival.Int64())
}

// readsWholeStream: a type (or one inside it) sees more of its stream than its seq reads.
func readsWholeStream(t *typeSpec) bool {
	for _, a := range append(append([]*attr{}, t.seq...), t.instances...) {
		if a.sizeEOS || a.repeat == repeatEOS || a.pos != nil || a.io != nil {
			return true
		}
		for _, x := range a.exprs() {
			found := false
			if x != nil {
				walk(x.n, func(n *node) {
					if (n.op == opName || n.op == opAttr) && n.sval == "_io" {
						found = true
					}
				})
			}
			if found {
				return true
			}
		}
	}
	for _, sub := range t.types {
		if readsWholeStream(sub) {
			return true
		}
	}
	return false
}
