package cdecl

import (
	"fmt"
	"modernc.org/token"
	"strings"

	"modernc.org/cc/v4"
)

// kType is a Kaitai type being generated: a C struct or union (or the top level).
type kType struct {
	id, orig, doc string
	size          int64
	seq           []*kAttr
	inst          []*kAttr
	ids           names
}

// kAttr is a seq entry or an instance. An unnamed one (id "") is padding: size bytes or bits bits.
type kAttr struct {
	id, orig, doc string
	typ           string // u4, s2, f8, bN, strz, a type's id; "" for bytes
	size          int64  // bytes of a string, bytes or user type
	bits          int64  // N of bN
	enc, enum     string
	count         int64 // items of a repeat: expr (0: no repeat)
	pos           int64 // an instance's position in bytes
}

// kEnum is a Kaitai enum made from a C enum.
type kEnum struct {
	id, orig string
	values   []kEnumValue
}

type kEnumValue struct {
	value    string
	id, orig string
}

// conv converts the types of one translation unit into a layout.
type conv struct {
	abi     abiSpec
	enc     string
	docs    docs
	probs   *problems
	types   []*kType
	byKey   map[string]*kType
	typeIDs names
	enums   []*kEnum
	enumKey map[string]*kEnum
	enumIDs names
	entries int
	depth   int
	// minAlign is the least alignment of the records converted; pack, when set, is written as
	// meta/-shmbridge/pack (a packed struct's layout says so).
	minAlign, pack int
	bits           bool // some field is a bit-field: meta needs bit-endian
}

// Bounds of one conversion (a header is client input).
const (
	maxEntries = 10_000  // seq entries, instances, types and enum values of the generated layout
	maxItems   = 1 << 20 // items of one array (internal/layout decodes no more)
	maxSize    = 1 << 30 // bytes of the struct
	maxDepth   = 32      // structs and unions nested in one another
)

func newConv(a abiSpec, enc string, d docs, ps *problems) *conv {
	return &conv{abi: a, enc: enc, docs: d, probs: ps, byKey: map[string]*kType{}, typeIDs: names{},
		enumKey: map[string]*kEnum{}, enumIDs: names{}, minAlign: 16}
}

// count notes n more entries of the generated layout, answering false (and the problem, once) past maxEntries.
func (c *conv) count(n int) bool {
	c.entries += n
	if c.entries > maxEntries {
		if c.entries-n <= maxEntries {
			c.probs.add("", 0, 0, "the generated layout would have more than %d entries (fields, types, enum values)", maxEntries)
		}
		return false
	}
	return true
}

// record is the Kaitai type of a C struct or union (made once for each: a struct used twice is one type).
// hint names a type whose C type has no name (the member's name).
func (c *conv) record(t cc.Type, hint string, where string) *kType {
	key, name := recordKey(t)
	if k := c.byKey[key]; k != nil && key != "" {
		return k
	}
	if name == "" {
		name = hint
	}
	k := &kType{id: c.typeIDs.unique(spell(name, "type")), size: t.Size(), ids: names{}}
	if k.id != name {
		k.orig = name
	}
	if key != "" {
		c.byKey[key] = k
	}
	if !c.count(1) {
		return k
	}
	c.types = append(c.types, k)
	c.fill(k, t, where)
	return k
}

// recordKey identifies a struct or union type (its tag, else the position of its definition) and names it
// (its tag, else its typedef's name).
func recordKey(t cc.Type) (key, name string) {
	var tag cc.Token
	switch x := t.(type) {
	case *cc.StructType:
		tag = x.Tag()
	case *cc.UnionType:
		tag = x.Tag()
	}
	if s := tag.SrcStr(); s != "" {
		return "tag " + s, s
	}
	if d := t.Typedef(); d != nil {
		name = d.Name()
	}
	if f := firstField(t); f != nil && f.Declarator() != nil {
		return "at " + f.Declarator().Position().String(), name
	}
	return "", name
}

// fields is what a struct and a union have in common.
type fields interface {
	NumFields() int
	FieldByIndex(int) *cc.Field
}

func firstField(t cc.Type) *cc.Field {
	if r, ok := t.(fields); ok && r.NumFields() > 0 {
		return r.FieldByIndex(0)
	}
	return nil
}

// fill lays the members of struct or union t out in k: every byte of its size placed.
func (c *conv) fill(k *kType, t cc.Type, where string) {
	if c.depth++; c.depth > maxDepth {
		c.probs.add(where, 0, 0, "structs and unions nested more than %d deep", maxDepth)
		return
	}
	defer func() { c.depth-- }()
	c.minAlign = max(1, min(c.minAlign, t.Align()))
	p := &placer{c: c, k: k}
	c.members(p, t, 0, false, where)
	p.gap(k.size*8, false)
}

// placer appends a type's seq in order, filling each gap with an unnamed entry.
type placer struct {
	c   *conv
	k   *kType
	bit int64 // the bits placed so far
}

// members places the members of struct or union t at bit base of p's type: a struct's in order (an anonymous
// struct or union member's flattened into it), a union's first member as placed and its others as instances
// at the same position. inst places them all as instances.
func (c *conv) members(p *placer, t cc.Type, base int64, inst bool, where string) {
	r, ok := t.(fields)
	if !ok {
		return
	}
	union := t.Kind() == cc.Union
	first := true
	for i := range r.NumFields() {
		f := r.FieldByIndex(i)
		if f.IsBitfield() && (f.ValueBits() == 0 || f.Name() == "") {
			continue // zero-width: only moves what follows, which is placed where C put it; unnamed: a gap
		}
		at := base + f.Offset()*8 + int64(f.OffsetBits())
		asInst := inst || union && !first
		first = false
		name := f.Name()
		if name == "" && (f.Type().Kind() == cc.Struct || f.Type().Kind() == cc.Union) {
			c.members(p, f.Type(), at, asInst, where)
			continue
		}
		a := c.member(f, where+"."+name)
		if a == nil {
			continue
		}
		a.id = p.k.ids.unique(spell(name, "field"))
		if a.id != name {
			a.orig = name
		}
		bits := f.Type().Size() * 8
		if f.IsBitfield() {
			bits = f.ValueBits()
		}
		if asInst {
			c.instance(p.k, a, at, f, where+"."+name)
			continue
		}
		p.gap(at, f.IsBitfield())
		p.k.seq = append(p.k.seq, a)
		p.bit = at + bits
	}
}

// instance adds a as an instance of k at bit at (a byte: an instance starts at one).
func (c *conv) instance(k *kType, a *kAttr, at int64, f *cc.Field, where string) {
	if at%8 != 0 {
		c.probs.at(where, f.Declarator().Position(), "bit-field %s starts at bit %d of a byte of a union's member other than the first: a Kaitai instance starts at a byte; make it part of the union's first member", f.Name(), at%8)
		return
	}
	a.pos = at / 8
	k.inst = append(k.inst, a)
}

// gap fills p's type up to bit to: bits to the next byte, whole bytes, and the bits before a bit-field that
// starts inside a byte (one bN where the gap ends inside a byte and is at most 64 bits).
func (p *placer) gap(to int64, bitfield bool) {
	if to <= p.bit {
		return
	}
	if !p.c.count(3) {
		p.bit = to
		return
	}
	if to%8 != 0 && to-p.bit <= 64 {
		p.pad(0, to-p.bit)
		p.bit = to
		return
	}
	if p.bit%8 != 0 {
		p.pad(0, 8-p.bit%8)
		p.bit += 8 - p.bit%8
	}
	if n := to/8 - p.bit/8; n > 0 {
		p.pad(n, 0)
	}
	if to%8 != 0 {
		p.pad(0, to%8)
	}
	p.bit = to
}

func (p *placer) pad(bytes, bits int64) {
	a := &kAttr{size: bytes, bits: bits}
	if bits > 0 {
		a.typ = fmt.Sprintf("b%d", bits)
		p.c.bits = true
	}
	p.k.seq = append(p.k.seq, a)
}

// member is the attribute of field f (its id left to the caller), nil after a problem.
func (c *conv) member(f *cc.Field, where string) *kAttr {
	if !c.count(1) {
		return nil
	}
	pos := token.Position{}
	if d := f.Declarator(); d != nil {
		pos = d.Position()
	}
	a := &kAttr{}
	if pos.Filename == headerName {
		a.doc = c.docs.of(pos.Line)
	}
	if f.IsFlexibleArrayMember() {
		c.probs.at(where, pos, "flexible array member %s: its length is not part of the struct; declare it with the length the producer uses", f.Name())
		return nil
	}
	if f.IsBitfield() {
		a.typ, a.bits = fmt.Sprintf("b%d", f.ValueBits()), f.ValueBits()
		c.bits = true
		if et, ok := f.Type().(*cc.EnumType); ok && f.ValueBits() > 1 {
			a.enum = c.enum(et, f.Name()).id
		}
		return a
	}
	if !c.typeOf(a, f.Type(), f.Name(), where, pos) {
		return nil
	}
	return a
}

// typeOf sets a's type for C type t: a number, a string, a user type, an array of them.
func (c *conv) typeOf(a *kAttr, t cc.Type, name, where string, pos token.Position) bool {
	var dims []int64
	elem := t
	for elem.Kind() == cc.Array {
		at := elem.(*cc.ArrayType)
		if at.IsVLA() || at.Len() <= 0 {
			c.probs.at(where, pos, "%s: an array of no fixed length (%s) has no place in a struct's layout", name, t)
			return false
		}
		dims = append(dims, at.Len())
		elem = at.Elem()
	}
	if enc, ok := c.textual(elem); ok && len(dims) > 0 {
		a.typ, a.size, a.enc = "strz", dims[len(dims)-1]*elem.Size(), enc
		dims = dims[:len(dims)-1]
	} else if !c.scalar(a, elem, name, where, pos) {
		return false
	}
	a.count = 1
	for _, d := range dims {
		if a.count > maxItems/d {
			c.probs.at(where, pos, "%s: an array of more than %d items", name, maxItems)
			return false
		}
		a.count *= d
	}
	if len(dims) == 0 {
		a.count = 0
	}
	if len(dims) > 1 {
		a.doc = join(a.doc, multiDim(t, dims))
	}
	return true
}

// multiDim documents an array of more than one dimension, kept as one flat array.
func multiDim(t cc.Type, dims []int64) string {
	var b strings.Builder
	for _, d := range dims {
		fmt.Fprintf(&b, "[%d]", d)
	}
	idx := "i0"
	for i := 1; i < len(dims); i++ {
		idx = fmt.Sprintf("(%s)*%d + i%d", idx, dims[i], i)
	}
	return fmt.Sprintf("C array %s, flattened in C's order: item %s is [i0]…[i%d]", b.String(), idx, len(dims)-1)
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
