package layout

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/shmbridge/shmbridge/internal/jsontext"
)

// Selection is a parsed ?fields= list: the paths to answer, nested as the decoded value is.
type Selection struct {
	kids  map[string]*Selection
	idx   map[int]*Selection
	order []string
}

// ErrTooLarge is a JSON answer past its cap.
var ErrTooLarge = errors.New("the decoded value is larger than the answer's cap")

// ParseSelection reads `a.b,c[2],d` (empty: everything).
func ParseSelection(list string) (*Selection, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	root := &Selection{}
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		cur := root
		for _, part := range strings.Split(p, ".") {
			name, rest, _ := strings.Cut(part, "[")
			if !validID.MatchString(name) {
				return nil, fmt.Errorf("%q: %q is not a field name", p, name)
			}
			cur = cur.child(name)
			for rest != "" {
				num, after, ok := strings.Cut(rest, "]")
				i, err := strconv.Atoi(num)
				if !ok || err != nil || i < 0 || i > 1<<20 {
					return nil, fmt.Errorf("%q: bad index", p)
				}
				if cur.idx == nil {
					cur.idx = map[int]*Selection{}
				}
				if cur.idx[i] == nil {
					cur.idx[i] = &Selection{}
				}
				cur = cur.idx[i]
				rest = strings.TrimPrefix(after, "[")
				if after != "" && !strings.HasPrefix(after, "[") {
					return nil, fmt.Errorf("%q: bad index", p)
				}
			}
		}
	}
	return root, nil
}

// child is the selection of s's field name, made when first asked for.
func (s *Selection) child(name string) *Selection {
	if s.kids == nil {
		s.kids = map[string]*Selection{}
	}
	if s.kids[name] == nil {
		s.kids[name] = &Selection{}
		s.order = append(s.order, name)
	}
	return s.kids[name]
}

// whole says whether the selection is everything.
func (s *Selection) whole() bool { return s == nil || s.kids == nil && s.idx == nil }

// AppendJSON appends the decoded value (or the selected part of it) as JSON, failing with ErrTooLarge past
// max bytes.
func (v *Value) AppendJSON(buf []byte, sel *Selection, max int) ([]byte, error) {
	out, err := v.AppendJSONCharged(buf, sel, max, nil)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AppendJSONCharged is AppendJSON that asks charge (nil: nothing) for every byte the buffer's capacity grows by,
// before it grows: an error from it ends the encoding with that error (the caller's memory budget is spent).
// Each value's encoded length is known before it is appended, and one that would go past max is ErrTooLarge
// before any of it is: the work stops at the cap. After an error it answers buf as it was, in the buffer
// grown so far (what was charged for).
func (v *Value) AppendJSONCharged(buf []byte, sel *Selection, max int, charge func(n int64) error) ([]byte, error) {
	w := &jsonWriter{buf: buf, max: len(buf) + max, depth: v.d.lim.Depth, charge: charge}
	if err := w.object(v.obj, sel); err != nil {
		return w.buf[:len(buf)], err
	}
	return w.buf, nil
}

// Output is the bytes of strings, byte arrays and processed buffers the decode made (what it holds besides
// its data).
func (v *Value) Output() int { return v.d.output }

// jsonWriter appends a decoded value as JSON, within a cap.
type jsonWriter struct {
	buf    []byte
	max    int
	charge func(int64) error
	depth  int // objects and arrays left to nest: instances are computed as the walk reaches them, and one
	// can hold its own type again without end (an instance at a pos of the same type)
	at  []pathPart // where the walk is, and the objects it is inside
	top *object    // the object at the answer's top level, once the walk is inside it
}

// scalarRoom is room enough for a number, a boolean or null.
const scalarRoom = 32

// room makes room for n more bytes: ErrTooLarge past the cap; the buffer grown (and charged) when it is full.
func (w *jsonWriter) room(n int) error {
	end := len(w.buf) + n
	if end > w.max {
		return ErrTooLarge
	}
	if end <= cap(w.buf) {
		return nil
	}
	grow := max(end, min(2*cap(w.buf), w.max), 512) - cap(w.buf) // doubling, as append would, up to the cap
	if w.charge != nil {
		if err := w.charge(int64(grow)); err != nil {
			return err
		}
	}
	b := make([]byte, len(w.buf), cap(w.buf)+grow)
	copy(b, w.buf)
	w.buf = b
	return nil
}

// raw appends b, within the cap.
func (w *jsonWriter) raw(b ...byte) error {
	if err := w.room(len(b)); err != nil {
		return err
	}
	w.buf = append(w.buf, b...)
	return nil
}

// str appends s as a JSON string: its escaped length checked against the cap first (a string cannot escape
// to less than its own length and quotes: a long one is refused without being looked at).
func (w *jsonWriter) str(s string) error {
	if len(s)+2 > w.max-len(w.buf) {
		return ErrTooLarge
	}
	if err := w.room(jsontext.StringLen(unsafe.Slice(unsafe.StringData(s), len(s)))); err != nil {
		return err
	}
	w.buf = appendString(w.buf, s)
	return nil
}

// pathPart is one part of a path in the decoded value: a key of an object, or an item (index ≥ 0) of an
// array; and the object there, while the walk is inside it.
type pathPart struct {
	id    string
	index int
	o     *object
}

// path is the path of the walk's place in the decoded value (header.flags, items[3]), with more after it:
// built only when an error names it.
func (w *jsonWriter) path(more ...pathPart) string {
	p := ""
	for _, s := range append(w.at[:len(w.at):len(w.at)], more...) {
		if s.index >= 0 {
			p = fmt.Sprintf("%s[%d]", p, s.index)
		} else {
			p = join(p, s.id)
		}
	}
	return p
}

// object appends o (its fields chosen by sel): its seq attributes but the unnamed, then its
// instances, computed as the walk reaches them. An object the walk is already inside is a reference to it
// (ref).
func (w *jsonWriter) object(o *object, sel *Selection) error {
	if depth, err := w.inside(o); err != nil {
		return err
	} else if depth >= 0 {
		return w.ref(depth)
	}
	if w.depth--; w.depth < 0 {
		return &DecodeError{Path: w.path(), Detail: "the decoded value nests deeper than the limit", Limit: true}
	}
	o.open = 1 + len(w.at)
	defer func() { w.depth++; o.open = 0 }()
	if n := len(w.at); n > 0 {
		w.at[n-1].o = o // until the part is left
	} else {
		w.top = o
	}
	if err := w.raw('{'); err != nil {
		return err
	}
	if !sel.whole() {
		return w.selected(o, sel)
	}
	first := true
	for _, a := range o.t.seq {
		s := &o.slots[a.slot]
		if a.id[0] == '_' || !s.has {
			continue
		}
		if err := w.seqField(&first, a, s); err != nil {
			return err
		}
	}
	for _, a := range o.t.instances {
		val, ok, err := o.shownInstance(a)
		if err != nil {
			return err
		}
		if ok {
			if err := w.field(&first, a.id, a.quoted, val, nil); err != nil {
				return err
			}
		}
	}
	return w.raw('}')
}

// selected appends the fields of o that sel names, in its order, and the object's closing brace.
func (w *jsonWriter) selected(o *object, sel *Selection) error {
	first := true
	for _, id := range sel.order {
		var val any
		var ok bool
		var err error
		if a, found := o.t.byID[id]; found && a.instance {
			val, ok, err = o.shownInstance(a)
		} else {
			val, ok, err = o.get(id)
		}
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := w.field(&first, id, nil, val, sel.kids[id]); err != nil {
			return err
		}
	}
	return w.raw('}')
}

// seqField appends the field of a seq attribute a whose slot is s: a scalar one from its bits.
func (w *jsonWriter) seqField(first *bool, a *attr, s *slot) error {
	if !a.scalar {
		return w.field(first, a.id, a.quoted, s.v, nil)
	}
	if err := w.key(first, a.id, a.quoted); err != nil {
		return err
	}
	if err := w.room(scalarRoom); err != nil {
		return err
	}
	w.buf = appendScalarBits(w.buf, a, s.bits)
	return nil
}

// key appends an object's key, id and a colon (after a comma, but for the first); quoted, when not nil,
// is id as a JSON string already.
func (w *jsonWriter) key(first *bool, id string, quoted []byte) error {
	if !*first {
		if err := w.raw(','); err != nil {
			return err
		}
	}
	*first = false
	if quoted == nil {
		if err := w.str(id); err != nil {
			return err
		}
	} else if err := w.raw(quoted...); err != nil { // as str(id) would: its length, checked first
		return err
	}
	return w.raw(':')
}

// field appends one field of an object, id: val (after a comma, but for the first).
func (w *jsonWriter) field(first *bool, id string, quoted []byte, val any, sel *Selection) error {
	if err := w.key(first, id, quoted); err != nil {
		return err
	}
	w.at = append(w.at, pathPart{id: id, index: -1})
	err := w.value(val, sel)
	w.at = w.at[:len(w.at)-1]
	return err
}

// get answers a seq attribute, a computed instance or a parameter of o by its id.
func (o *object) get(id string) (any, bool, error) {
	if a, ok := o.t.byID[id]; ok {
		if !a.instance {
			v, ok := o.value(a)
			return v, ok, nil
		}
		return o.instance(a)
	}
	if i := o.t.paramIndex(id); i >= 0 && i < len(o.params) { // a parameter: shown when asked for by name
		return o.params[i], true, nil
	}
	return nil, false, &DecodeError{Path: join(o.at.path(), id), Detail: fmt.Sprintf("type %s has no field %s", typeLabel(o.t), id)}
}

// failedRead is an instance whose read failed, as the JSON shows it: {"$error": "…"} in its place.
type failedRead struct{ err *DecodeError }

// shownInstance is o's instance a as the JSON shows it: computed, or a failedRead when the data does not fit
// it (Kaitai's instances are lazy: one fails only when read, not the whole decode). A bound reached, or the
// context's end, is still the answer's error.
func (o *object) shownInstance(a *attr) (any, bool, error) {
	v, ok, err := o.instance(a)
	if err != nil {
		return failedOrErr(err)
	}
	return v, ok, nil
}

// failedOrErr is an instance's error err as the JSON shows it: a failedRead, unless a bound was reached or
// the context ended (then err).
func failedOrErr(err error) (any, bool, error) {
	var de *DecodeError
	if errors.As(err, &de) && !de.Limit {
		return failedRead{de}, true, nil
	}
	return nil, false, err
}

// inside is the length of the path (in w.at) to the object the walk is inside that o is, or -1: the same
// object (a value instance that answers an enclosing one: o.open, at no cost), or, for one an instance read,
// one of its type read from the same bytes of the same stream with the same arguments (an instance that reads
// its own type again, a cycle of positions). Comparing arguments is a step of the decode for each: a layout
// that makes many such comparisons spends its steps.
func (w *jsonWriter) inside(o *object) (int, error) {
	if o.open > 0 {
		return o.open - 1, nil
	}
	if o.at.a == nil || !o.at.a.instance {
		return -1, nil
	}
	same := func(u *object) (bool, error) {
		if !samePlace(u, o) {
			return false, nil
		}
		if err := o.d.step(1 + len(o.params)); err != nil {
			return false, err
		}
		return sameArgs(u.params, o.params), nil
	}
	if w.top != nil {
		if ok, err := same(w.top); ok || err != nil {
			return 0, err
		}
	}
	for i, p := range w.at {
		if p.o == nil {
			continue
		}
		if ok, err := same(p.o); ok || err != nil {
			return i + 1, err
		}
	}
	return -1, nil
}

// samePlace says whether a and b are objects of one type read from the same place of the same bytes.
func samePlace(a, b *object) bool {
	return a.t == b.t && a.start == b.start && a.io.base == b.io.base && len(a.io.buf) == len(b.io.buf) &&
		unsafe.SliceData(a.io.buf) == unsafe.SliceData(b.io.buf)
}

// sameArgs says whether two objects' arguments are the same (sameArg).
func sameArgs(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameArg(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameArg says whether two arguments are the same, at a cost bounded whatever they hold (the walk asks for
// every object it writes): numbers, booleans and enums by value, objects by identity, strings and byte
// arrays of up to maxArgCompare bytes by content and longer ones, and arrays, by identity (the same value
// passed on).
func sameArg(a, b any) bool {
	if bl, ok := a.(byteList); ok {
		a = []byte(bl)
	}
	if bl, ok := b.(byteList); ok {
		b = []byte(bl)
	}
	switch av := a.(type) {
	case []byte:
		bv, ok := b.([]byte)
		return ok && len(av) == len(bv) && (unsafe.SliceData(av) == unsafe.SliceData(bv) || len(av) <= maxArgCompare && string(av) == string(bv))
	case string:
		bv, ok := b.(string)
		return ok && len(av) == len(bv) && (unsafe.StringData(av) == unsafe.StringData(bv) || len(av) <= maxArgCompare && av == bv)
	case []any:
		bv, ok := b.([]any)
		return ok && len(av) == len(bv) && unsafe.SliceData(av) == unsafe.SliceData(bv)
	case *stream:
		return a == b
	}
	eq, ok := equal(a, b)
	return ok && eq
}

// maxArgCompare is the longest string or byte array sameArg compares by content.
const maxArgCompare = 64

// ref appends a reference to the object the walk is inside at the path at[:depth]: {"$ref": "#/a/0/b"}, a
// JSON Pointer into the answer (# alone: the top level).
func (w *jsonWriter) ref(depth int) error {
	p := []byte{'#'}
	for _, s := range w.at[:depth] {
		p = append(p, '/')
		if s.index >= 0 {
			p = strconv.AppendInt(p, int64(s.index), 10)
		} else {
			p = append(p, s.id...)
		}
	}
	if err := w.raw([]byte(`{"$ref":`)...); err != nil {
		return err
	}
	if err := w.str(string(p)); err != nil {
		return err
	}
	return w.raw('}')
}

// value appends v (the part of it sel chooses).
func (w *jsonWriter) value(v any, sel *Selection) error {
	switch v := v.(type) {
	case failedRead:
		if err := w.raw([]byte(`{"$error":`)...); err != nil {
			return err
		}
		if err := w.str(v.err.Error()); err != nil {
			return err
		}
		return w.raw('}')
	case string:
		return w.str(v)
	case []byte:
		if err := w.room(base64.StdEncoding.EncodedLen(len(v)) + 2); err != nil {
			return err
		}
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, v)
		w.buf = append(w.buf, '"')
		return nil
	case byteList:
		return w.value([]byte(v), sel)
	case enumValue:
		if n := v.name(); n != "" {
			return w.str(n)
		}
		return w.value(v.v, nil)
	case *object:
		return w.object(v, sel)
	case []any:
		return w.array(v, sel)
	}
	if err := w.room(scalarRoom); err != nil {
		return err
	}
	w.buf = appendScalar(w.buf, v)
	return nil
}

// appendScalar appends a number, a boolean, or null (NaN, ±Inf, anything else): at most scalarRoom bytes.
func appendScalar(b []byte, v any) []byte {
	switch v := v.(type) {
	case int64:
		return strconv.AppendInt(b, v, 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case float64:
		return appendFloat(b, v, 64)
	case float32:
		return appendFloat(b, float64(v), 32)
	case bool:
		return strconv.AppendBool(b, v)
	}
	return append(b, "null"...)
}

// array appends the array v (the items sel chooses; null for the others before the last chosen).
func (w *jsonWriter) array(v []any, sel *Selection) error {
	if err := w.raw('['); err != nil {
		return err
	}
	if sel.whole() || sel.idx == nil {
		for i, item := range v {
			if err := w.item(i, item, sel); err != nil {
				return err
			}
		}
		return w.raw(']')
	}
	last := -1
	for i := range sel.idx {
		last = max(last, i)
	}
	if last >= len(v) {
		return &DecodeError{Path: w.path(pathPart{index: last}), Detail: fmt.Sprintf("%s has %d items", w.path(), len(v))}
	}
	for i := 0; i <= last; i++ {
		s, ok := sel.idx[i]
		var item any // null for an item not selected
		if ok {
			item = v[i]
		}
		if err := w.item(i, item, s); err != nil {
			return err
		}
	}
	return w.raw(']')
}

// item appends an array's item i (after a comma, but for the first).
func (w *jsonWriter) item(i int, v any, sel *Selection) error {
	if i > 0 {
		if err := w.raw(','); err != nil {
			return err
		}
	}
	w.at = append(w.at, pathPart{index: i})
	err := w.value(v, sel)
	w.at = w.at[:len(w.at)-1]
	return err
}

// appendString writes s as a JSON string without HTML escaping (a decoded value is data, not markup).
func appendString(buf []byte, s string) []byte {
	return jsontext.AppendString(buf, unsafe.Slice(unsafe.StringData(s), len(s)))
}

// Eval evaluates an expression against the decoded value's top level (the spec suite's asserts use it).
func (v *Value) Eval(src string) (any, error) {
	n, err := parseExpr(src)
	if err != nil {
		return nil, err
	}
	return v.obj.eval(&expr{src: src, n: n}, nil)
}

// EvalJSON evaluates an expression against the decoded value's top level and answers its value as the JSON
// of /fields would show it (null when absent).
func (v *Value) EvalJSON(src string) ([]byte, error) {
	x, err := v.Eval(src)
	if err != nil {
		return nil, err
	}
	w := &jsonWriter{max: 1 << 20, depth: v.d.lim.Depth}
	if err := w.value(x, nil); err != nil {
		return nil, err
	}
	return w.buf, nil
}
