package layout

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
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

func (s *Selection) whole() bool { return s == nil || s.kids == nil && s.idx == nil }

// AppendJSON appends the decoded value (or the selected part of it) as JSON, failing with ErrTooLarge past
// max bytes.
func (v *Value) AppendJSON(buf []byte, sel *Selection, max int) ([]byte, error) {
	w := &jsonWriter{buf: buf, max: len(buf) + max, depth: v.d.lim.Depth}
	if err := w.object(v.obj, sel, ""); err != nil {
		return nil, err
	}
	return w.buf, nil
}

type jsonWriter struct {
	buf   []byte
	max   int
	depth int // objects and arrays left to nest: instances are computed as the walk reaches them, and one
	// can hold its own type again without end (an instance at a pos of the same type)
}

func (w *jsonWriter) full() error {
	if len(w.buf) > w.max {
		return ErrTooLarge
	}
	return nil
}

func (w *jsonWriter) object(o *object, sel *Selection, path string) error {
	if w.depth--; w.depth < 0 {
		return &DecodeError{Path: path, Detail: "the decoded value nests deeper than the limit (an instance of its own type, without end?)", Limit: true}
	}
	defer func() { w.depth++ }()
	w.buf = append(w.buf, '{')
	first := true
	emit := func(id string, val any, s *Selection) error {
		if !first {
			w.buf = append(w.buf, ',')
		}
		first = false
		w.buf = appendString(w.buf, id)
		w.buf = append(w.buf, ':')
		return w.value(val, s, join(path, id))
	}
	if !sel.whole() {
		for _, id := range sel.order {
			val, ok, err := o.get(id)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if err := emit(id, val, sel.kids[id]); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, '}')
		return w.full()
	}
	for _, a := range o.t.seq {
		if a.id[0] == '_' {
			continue
		}
		if val, ok := o.value(a); ok {
			if err := emit(a.id, val, nil); err != nil {
				return err
			}
		}
	}
	for _, a := range o.t.instances {
		val, ok, err := o.instance(a)
		if err != nil {
			return err
		}
		if ok {
			if err := emit(a.id, val, nil); err != nil {
				return err
			}
		}
	}
	w.buf = append(w.buf, '}')
	return w.full()
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
	if v, ok := o.params[id]; ok { // a parameter: shown when asked for by name
		return v, true, nil
	}
	return nil, false, &DecodeError{Path: join(o.path, id), Detail: fmt.Sprintf("type %s has no field %s", typeLabel(o.t), id)}
}

func (w *jsonWriter) value(v any, sel *Selection, path string) error {
	if err := w.full(); err != nil {
		return err
	}
	switch v := v.(type) {
	case int64:
		w.buf = strconv.AppendInt(w.buf, v, 10)
	case uint64:
		w.buf = strconv.AppendUint(w.buf, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			w.buf = append(w.buf, "null"...)
		} else {
			w.buf = strconv.AppendFloat(w.buf, v, 'g', -1, 64)
		}
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			w.buf = append(w.buf, "null"...)
		} else {
			w.buf = strconv.AppendFloat(w.buf, float64(v), 'g', -1, 32)
		}
	case bool:
		w.buf = strconv.AppendBool(w.buf, v)
	case string:
		w.buf = appendString(w.buf, v)
	case []byte:
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, v)
		w.buf = append(w.buf, '"')
	case byteList:
		return w.value([]byte(v), sel, path)
	case enumValue:
		if n := v.name(); n != "" {
			w.buf = appendString(w.buf, n)
		} else {
			return w.value(v.v, nil, path)
		}
	case *object:
		return w.object(v, sel, path)
	case []any:
		w.buf = append(w.buf, '[')
		if !sel.whole() && sel.idx != nil {
			last := -1
			for i := range sel.idx {
				last = max(last, i)
			}
			if last >= len(v) {
				return &DecodeError{Path: fmt.Sprintf("%s[%d]", path, last), Detail: fmt.Sprintf("%s has %d items", path, len(v))}
			}
			for i := 0; i <= last; i++ {
				if i > 0 {
					w.buf = append(w.buf, ',')
				}
				if s, ok := sel.idx[i]; ok {
					if err := w.value(v[i], s, fmt.Sprintf("%s[%d]", path, i)); err != nil {
						return err
					}
				} else {
					w.buf = append(w.buf, "null"...)
				}
			}
		} else {
			for i, item := range v {
				if i > 0 {
					w.buf = append(w.buf, ',')
				}
				if err := w.value(item, sel, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
		w.buf = append(w.buf, ']')
	default:
		w.buf = append(w.buf, "null"...)
	}
	return nil
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
	if err := w.value(x, nil, ""); err != nil {
		return nil, err
	}
	return w.buf, nil
}
