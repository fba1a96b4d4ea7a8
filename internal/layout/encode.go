package layout

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Edit is the bytes a field write makes: at Offset, Bytes (for a bit field, its whole bytes, the other bits
// as they were).
type Edit struct {
	Path   string
	Offset int
	Bytes  []byte
}

// EncodeError is a field write refused: which field, and why.
type EncodeError struct {
	Path   string `json:"path"`
	Detail string `json:"detail"`
}

// Error says which field and why.
func (e *EncodeError) Error() string { return e.Path + ": " + e.Detail }

// Encode turns new values of statically placed fields (a JSON object, nested as the decoded value is) into
// edits, in offset order. current gives the bytes at an offset as they are now: a bit field's other bits
// are kept.
func (l *Layout) Encode(values map[string]json.RawMessage, current func(off, n int) ([]byte, error)) ([]Edit, error) {
	return encodeFields(l.root, fieldsByPath(l.Fields), values, current)
}

// fieldsByPath indexes fields by their paths.
func fieldsByPath(fields []Field) map[string]Field {
	byPath := make(map[string]Field, len(fields))
	for _, f := range fields {
		byPath[f.Path] = f
	}
	return byPath
}

// encodeFields is Encode of the statically placed fields of t, by their paths.
func encodeFields(t *typeSpec, byPath map[string]Field, values map[string]json.RawMessage, current func(off, n int) ([]byte, error)) ([]Edit, error) {
	flat := make(map[string]json.RawMessage, len(values))
	if err := flatten("", values, flat, 0); err != nil {
		return nil, err
	}
	type value struct {
		f   Field
		raw json.RawMessage
	}
	vals := make([]value, 0, len(flat))
	var unknown []string
	for p, raw := range flat {
		if f, ok := byPath[p]; ok {
			vals = append(vals, value{f, raw})
		} else {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) > 0 {
		p := slices.Min(unknown)
		return nil, &EncodeError{Path: p, Detail: whyNotWritable(t, p)}
	}
	slices.SortFunc(vals, func(a, b value) int { return cmp.Or(a.f.Offset-b.f.Offset, a.f.Bit-b.f.Bit) })
	// Each value is encoded over the bytes as the earlier ones left them: bit fields sharing a byte keep
	// each other's bits. Only bit fields share bytes: only theirs are kept here.
	overlay := map[int]byte{}
	now := func(off, n int) ([]byte, error) {
		b, err := current(off, n)
		if err != nil {
			return nil, err
		}
		b = append([]byte(nil), b...)
		for i := range b {
			if v, ok := overlay[off+i]; ok {
				b[i] = v
			}
		}
		return b, nil
	}
	edits := make([]Edit, 0, len(vals))
	for _, v := range vals {
		e, err := encodeField(v.f, v.raw, now)
		if err != nil {
			return nil, &EncodeError{Path: v.f.Path, Detail: err.Error()}
		}
		if v.f.Bits > 0 {
			for i, c := range e.Bytes {
				overlay[e.Offset+i] = c
			}
		}
		edits = append(edits, e)
	}
	// Overlapping edits (bit fields of one byte) become one.
	var out []Edit
	for _, e := range edits {
		if n := len(out); n > 0 && out[n-1].Offset+len(out[n-1].Bytes) > e.Offset {
			last := &out[n-1]
			end := max(last.Offset+len(last.Bytes), e.Offset+len(e.Bytes))
			merged := make([]byte, end-last.Offset)
			for i := range merged {
				merged[i] = overlay[last.Offset+i]
			}
			last.Bytes, last.Path = merged, last.Path+","+e.Path
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// whyNotWritable says why the path p is no field of t Encode writes.
func whyNotWritable(t *typeSpec, p string) string {
	for _, a := range t.instances {
		if a.id == p {
			return "a computed field (an instance) cannot be written"
		}
	}
	return "not a field at a fixed offset of the layout (computed, or placed by the data): it cannot be written"
}

// flatten lists the values of a nested JSON object by their paths (a.b, c[2]); a null item is left alone.
func flatten(prefix string, in map[string]json.RawMessage, out map[string]json.RawMessage, depth int) error {
	if depth > 32 {
		return &EncodeError{Path: prefix, Detail: "nested too deeply"}
	}
	for k, v := range in {
		p := join(prefix, k)
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '{' {
			var sub map[string]json.RawMessage
			if err := json.Unmarshal(t, &sub); err != nil {
				return &EncodeError{Path: p, Detail: err.Error()}
			}
			if err := flatten(p, sub, out, depth+1); err != nil {
				return err
			}
			continue
		}
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(t, &items); err != nil {
				return &EncodeError{Path: p, Detail: err.Error()}
			}
			for i, item := range items {
				if string(bytes.TrimSpace(item)) == "null" {
					continue // null: leave that item alone
				}
				ip := fmt.Sprintf("%s[%d]", p, i)
				if t := bytes.TrimSpace(item); len(t) > 0 && t[0] == '{' {
					var sub map[string]json.RawMessage
					if err := json.Unmarshal(t, &sub); err != nil {
						return &EncodeError{Path: ip, Detail: err.Error()}
					}
					if err := flatten(ip, sub, out, depth+1); err != nil {
						return err
					}
					continue
				}
				out[ip] = item
			}
			continue
		}
		out[p] = v
	}
	return nil
}

// encodeField encodes a new value (raw JSON) of the statically placed field f; current gives the bytes of a
// bit field as they are.
func encodeField(f Field, raw json.RawMessage, current func(off, n int) ([]byte, error)) (Edit, error) {
	a := f.attr
	e := Edit{Path: f.Path, Offset: f.Offset}
	if a.contents != nil {
		return e, fmt.Errorf("fixed contents cannot be written")
	}
	if a.process != nil {
		return e, fmt.Errorf("a processed field cannot be written")
	}
	var err error
	switch k := a.kind; {
	case k.prim == "u" || k.prim == "s" || k.prim == "b":
		e.Bytes, err = encodeInt(f, raw, current)
	case k.prim == "f":
		e.Bytes, err = encodeFloat(f, raw)
	case k.prim == "str" || k.prim == "strz":
		e.Bytes, err = encodeStr(f, raw)
	case k.prim == "" && a.size != nil:
		var b []byte
		if err := json.Unmarshal(raw, &b); err != nil {
			return e, fmt.Errorf("raw bytes are written as base64, got %s", raw)
		}
		if len(b) != f.Size {
			return e, fmt.Errorf("%d bytes given; the field is %d", len(b), f.Size)
		}
		e.Bytes = b
	default:
		return e, fmt.Errorf("a field of %s cannot be written", describeRef(k))
	}
	return e, err
}

// encodeInt encodes an integer field (u, s, b): a number, an enum member's name, or for b1 a boolean.
func encodeInt(f Field, raw json.RawMessage, current func(off, n int) ([]byte, error)) ([]byte, error) {
	a, k := f.attr, f.attr.kind
	n, err := intText(a, raw)
	if err != nil {
		return nil, err
	}
	bits := k.size * 8
	if k.prim == "b" {
		bits = k.size
	}
	v, err := intInRange(string(n), bits, k.prim == "s")
	if err != nil {
		return nil, err
	}
	if k.prim != "b" {
		return putInt(v, k.size, f.Endian == "be"), nil
	}
	cur, err := current(f.Offset, f.Size)
	if err != nil {
		return nil, err
	}
	return setBits(cur, f.Bit, f.Bits, v, f.bitsLE), nil
}

// intText reads an integer field's new value as the decimal text of a number.
func intText(a *attr, raw json.RawMessage) (json.Number, error) {
	var n json.Number
	var name string
	switch {
	case a.enum != nil && json.Unmarshal(raw, &name) == nil:
		m, ok := a.enum.byName[name]
		if !ok {
			return "", fmt.Errorf("enum %s has no member %q", a.enum.name, name)
		}
		if m.big {
			return json.Number(fmt.Sprint(m.uval)), nil
		}
		return json.Number(fmt.Sprint(m.value)), nil
	case a.kind.prim == "b" && a.kind.size == 1 && a.enum == nil:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", fmt.Errorf("a b1 field is true or false")
		}
		if b {
			return "1", nil
		}
		return "0", nil
	}
	if jsonInt(raw) {
		return json.Number(raw), nil // the common case, without a decoder
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&n); err != nil {
		return "", fmt.Errorf("expected an integer, got %s", raw)
	}
	return n, nil
}

// jsonInt reports whether b is a JSON integer as it is: -?(0|[1-9][0-9]*).
func jsonInt(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 || b[0] == '0' && len(b) > 1 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// encodeFloat encodes an f4 or f8 field.
func encodeFloat(f Field, raw json.RawMessage) ([]byte, error) {
	x, err := strconv.ParseFloat(string(raw), 64) // the common case: a number, in JSON's syntax, which ParseFloat's includes
	if err != nil || !json.Valid(raw) {
		x = 0
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, fmt.Errorf("expected a number, got %s", raw)
		}
	}
	if f.attr.kind.size == 8 {
		return putInt(math.Float64bits(x), 8, f.Endian == "be"), nil
	}
	if math.Abs(x) > math.MaxFloat32 {
		return nil, fmt.Errorf("%v does not fit an f4", x)
	}
	return putInt(uint64(math.Float32bits(float32(x))), 4, f.Endian == "be"), nil
}

// encodeStr encodes a string field: its terminator (when there is room) and padding after it, to the
// field's size.
func encodeStr(f Field, raw json.RawMessage) ([]byte, error) {
	a := f.attr
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("expected a string, got %s", raw)
	}
	b, err := encodeString(s, a.encoding)
	if err != nil {
		return nil, err
	}
	term := a.terminator
	if a.kind.prim == "strz" && term < 0 {
		term = 0
	}
	if err := checkNoTerminator(b, term, a.encoding); err != nil {
		return nil, err
	}
	room := f.Size
	if term >= 0 && len(b) < room {
		b = append(b, bytes.Repeat([]byte{byte(term)}, unitWidth(a.encoding))...)
	}
	if len(b) > room {
		return nil, fmt.Errorf("%d bytes encoded, but the field holds %d", len(b), room)
	}
	pad := byte(0)
	if a.padRight >= 0 {
		pad = byte(a.padRight)
	}
	for len(b) < room {
		b = append(b, pad)
	}
	return b, nil
}

// checkNoTerminator refuses a string whose encoded bytes hold its terminator (term; -1: none), as a decode
// finds it (a NUL unit of a UTF-16 or UTF-32 strz): it would read back cut there.
func checkNoTerminator(b []byte, term int, encoding string) error {
	if term < 0 {
		return nil
	}
	width := 1
	if term == 0 {
		width = unitWidth(encoding)
	}
	switch {
	case indexTerm(b, byte(term), width) < 0:
		return nil
	case term == 0:
		return fmt.Errorf("a NUL-terminated string (strz) cannot contain NUL: it would read back cut there")
	}
	return fmt.Errorf("the value holds the field's terminator (%d): it would read back cut there", term)
}

// intInRange reads the decimal integer s, refusing one that does not fit bits bits (signed or not); a negative
// one is answered in two's complement.
func intInRange(s string, bits int, signed bool) (uint64, error) {
	if strings.ContainsAny(s, ".eE") {
		return 0, fmt.Errorf("%s is not an integer", s)
	}
	b, ok := new(bigInt).SetString(s, 10)
	if !ok {
		return 0, fmt.Errorf("%s is not an integer", s)
	}
	lo, hi := new(bigInt), new(bigInt).Lsh(bigOne, uint(bits))
	hi.Sub(hi, bigOne)
	if signed {
		lo.Lsh(bigOne, uint(bits-1)).Neg(lo)
		hi.Lsh(bigOne, uint(bits-1)).Sub(hi, bigOne)
	}
	if b.Cmp(lo) < 0 || b.Cmp(hi) > 0 {
		return 0, fmt.Errorf("%s does not fit (%s to %s)", s, lo, hi)
	}
	if b.Sign() < 0 {
		return uint64(b.Int64()), nil
	}
	return b.Uint64(), nil
}

var bigOne = new(bigInt).SetInt64(1)

// putInt is the size low bytes of v, big-endian when be.
func putInt(v uint64, size int, be bool) []byte {
	var b [8]byte
	if be {
		binary.BigEndian.PutUint64(b[:], v<<(64-8*uint(size)))
		return append([]byte(nil), b[:size]...)
	}
	binary.LittleEndian.PutUint64(b[:], v)
	return append([]byte(nil), b[:size]...)
}

// setBits writes v into bits [bit, bit+n) of cur as the reader reads them: big-endian bits count from the
// first byte's high bit, little-endian ones from its low bit.
func setBits(cur []byte, bit, n int, v uint64, le bool) []byte {
	out := append([]byte(nil), cur...)
	for i := range n {
		var set bool
		var pos int
		if le {
			set = v>>uint(i)&1 == 1
			pos = bit + i
			idx, sh := pos/8, uint(pos%8)
			out[idx] = out[idx]&^(1<<sh) | b2u(set)<<sh
		} else {
			set = v>>uint(n-1-i)&1 == 1
			pos = bit + i
			idx, sh := pos/8, uint(7-pos%8)
			out[idx] = out[idx]&^(1<<sh) | b2u(set)<<sh
		}
	}
	return out
}

// b2u is 1 for true, 0 for false.
func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
