package watch

import (
	"bytes"
	"errors"
	"strconv"
)

// A decoded source sends, after its snapshot, only what changed: a patch of the previous decoded JSON. Its
// rule, for a client to apply it to the state it holds:
//
//   - an object merges into an object: each key it has is the new value of that key (recursively);
//   - an object whose keys are decimal indexes merges into an array: each is the new value of that item (the
//     array's length did not change; an array of scalars, or one whose length changed, comes whole);
//   - anything else replaces what was there; null is "no value" (a NaN, or a field that is now absent).
//
// The decoded JSON is the daemon's own (layout.Value.AppendJSON: compact, well formed), parsed here into a
// tree of spans of it, so that unchanged parts are skipped by comparing their bytes.

// jnode is a JSON value in a tree of spans of its text.
type jnode struct {
	raw   []byte // the value's JSON
	key   []byte // its key in its object, with its quotes
	kind  byte   // '{', '[', or 0 for a scalar
	first int32  // its first child, -1 if none
	next  int32  // its next sibling, -1 if none
	n     int32  // its children
}

// jtree is a parsed JSON value: nodes[0] is the root.
type jtree struct{ nodes []jnode }

var errJSON = errors.New("watch: malformed decoded JSON")

// maxJSONDepth bounds the parse (the layout's own decode bounds the depth of what it writes far lower).
const maxJSONDepth = 512

// parse replaces t with the tree of b.
func (t *jtree) parse(b []byte) error {
	t.nodes = t.nodes[:0]
	p := jparser{b: b, t: t}
	if _, err := p.value(nil, 0); err != nil {
		return err
	}
	if p.i != len(b) {
		return errJSON
	}
	return nil
}

type jparser struct {
	b []byte
	i int
	t *jtree
}

func (p *jparser) value(key []byte, depth int) (int32, error) {
	if depth > maxJSONDepth || p.i >= len(p.b) {
		return -1, errJSON
	}
	idx := int32(len(p.t.nodes))
	p.t.nodes = append(p.t.nodes, jnode{key: key, first: -1, next: -1})
	start := p.i
	switch c := p.b[p.i]; c {
	case '{', '[':
		p.t.nodes[idx].kind = c
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		p.i++
		prev := int32(-1)
		for n := int32(0); ; n++ {
			if p.i >= len(p.b) {
				return -1, errJSON
			}
			if p.b[p.i] == end && n == 0 {
				p.i++
				break
			}
			var k []byte
			if c == '{' {
				ks := p.i
				if err := p.str(); err != nil {
					return -1, err
				}
				k = p.b[ks:p.i]
				if p.i >= len(p.b) || p.b[p.i] != ':' {
					return -1, errJSON
				}
				p.i++
			}
			kid, err := p.value(k, depth+1)
			if err != nil {
				return -1, err
			}
			if prev < 0 {
				p.t.nodes[idx].first = kid
			} else {
				p.t.nodes[prev].next = kid
			}
			prev = kid
			p.t.nodes[idx].n = n + 1
			if p.i >= len(p.b) {
				return -1, errJSON
			}
			if p.b[p.i] == ',' {
				p.i++
				continue
			}
			if p.b[p.i] != end {
				return -1, errJSON
			}
			p.i++
			break
		}
	case '"':
		if err := p.str(); err != nil {
			return -1, err
		}
	default:
		for p.i < len(p.b) && p.b[p.i] != ',' && p.b[p.i] != '}' && p.b[p.i] != ']' {
			p.i++
		}
		if p.i == start {
			return -1, errJSON
		}
	}
	p.t.nodes[idx].raw = p.b[start:p.i]
	return idx, nil
}

// str skips a string.
func (p *jparser) str() error {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return errJSON
	}
	for p.i++; p.i < len(p.b); p.i++ {
		switch p.b[p.i] {
		case '\\':
			p.i++
		case '"':
			p.i++
			return nil
		}
	}
	return errJSON
}

// appendPatch appends the patch from old to cur (see the rule above) to dst; changed is false, and dst as it
// was, when they are the same.
func appendPatch(dst []byte, old, cur *jtree) (out []byte, changed bool) {
	if len(old.nodes) == 0 || len(cur.nodes) == 0 {
		if len(cur.nodes) == 0 {
			return dst, false
		}
		return append(dst, cur.nodes[0].raw...), true
	}
	return patchNode(dst, old, 0, cur, 0)
}

func patchNode(dst []byte, old *jtree, oi int32, cur *jtree, ci int32) ([]byte, bool) {
	o, c := &old.nodes[oi], &cur.nodes[ci]
	if bytes.Equal(o.raw, c.raw) {
		return dst, false
	}
	switch {
	case o.kind == '{' && c.kind == '{':
		return patchObject(dst, old, oi, cur, ci)
	case o.kind == '[' && c.kind == '[' && o.n == c.n && c.first >= 0 && cur.nodes[c.first].kind != 0:
		return patchItems(dst, old, oi, cur, ci)
	}
	return append(dst, c.raw...), true
}

func patchObject(dst []byte, old *jtree, oi int32, cur *jtree, ci int32) ([]byte, bool) {
	mark := len(dst)
	dst = append(dst, '{')
	any := false
	member := func(key []byte, emit func([]byte) ([]byte, bool)) {
		at := len(dst)
		if any {
			dst = append(dst, ',')
		}
		dst = append(dst, key...)
		dst = append(dst, ':')
		var ch bool
		if dst, ch = emit(dst); ch {
			any = true
		} else {
			dst = dst[:at]
		}
	}
	cursor, matched := old.nodes[oi].first, int32(0)
	for k := cur.nodes[ci].first; k >= 0; k = cur.nodes[k].next {
		key := cur.nodes[k].key
		o := cursor
		if o < 0 || !bytes.Equal(old.nodes[o].key, key) {
			o = old.find(oi, key)
		}
		if o < 0 {
			member(key, func(b []byte) ([]byte, bool) { return append(b, cur.nodes[k].raw...), true })
			continue
		}
		matched++
		cursor = old.nodes[o].next
		member(key, func(b []byte) ([]byte, bool) { return patchNode(b, old, o, cur, k) })
	}
	if matched < old.nodes[oi].n { // keys that are gone: no value now
		for o := old.nodes[oi].first; o >= 0; o = old.nodes[o].next {
			if cur.find(ci, old.nodes[o].key) < 0 {
				member(old.nodes[o].key, func(b []byte) ([]byte, bool) { return append(b, "null"...), true })
			}
		}
	}
	if !any {
		return dst[:mark], false
	}
	return append(dst, '}'), true
}

func patchItems(dst []byte, old *jtree, oi int32, cur *jtree, ci int32) ([]byte, bool) {
	mark := len(dst)
	dst = append(dst, '{')
	any := false
	o := old.nodes[oi].first
	for i, k := 0, cur.nodes[ci].first; k >= 0; i, k, o = i+1, cur.nodes[k].next, old.nodes[o].next {
		at := len(dst)
		if any {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, int64(i), 10)
		dst = append(dst, '"', ':')
		var ch bool
		if dst, ch = patchNode(dst, old, o, cur, k); ch {
			any = true
		} else {
			dst = dst[:at]
		}
	}
	if !any {
		return dst[:mark], false
	}
	return append(dst, '}'), true
}

// find is the child of object i with key, -1 if none.
func (t *jtree) find(i int32, key []byte) int32 {
	for k := t.nodes[i].first; k >= 0; k = t.nodes[k].next {
		if bytes.Equal(t.nodes[k].key, key) {
			return k
		}
	}
	return -1
}
