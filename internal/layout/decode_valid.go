package layout

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// check applies an attribute's valid.
func (o *object) check(a *attr, v any, at site, off int, loc *locals) error {
	vs := a.valid
	l := &locals{index: loc.index, hasIndex: loc.hasIndex, cur: v, hasCur: true}
	bad := func(format string, args ...any) error {
		return o.failAt(at, off, "not valid: "+format, args...)
	}
	if vs.eq != nil {
		want, err := o.eval(vs.eq, l)
		if err != nil {
			return err
		}
		if eq, _ := equal(v, want); !eq {
			return bad("%s, expected %s", show(v), show(want))
		}
	}
	if vs.min != nil {
		m, err := o.eval(vs.min, l)
		if err != nil {
			return err
		}
		if c, ok := compare(v, m); !ok || c < 0 {
			return bad("%s is less than the minimum %s", show(v), show(m))
		}
	}
	if vs.max != nil {
		m, err := o.eval(vs.max, l)
		if err != nil {
			return err
		}
		if c, ok := compare(v, m); !ok || c > 0 {
			return bad("%s is greater than the maximum %s", show(v), show(m))
		}
	}
	if vs.anyOf != nil {
		found := false
		for _, x := range vs.anyOf {
			w, err := o.eval(x, l)
			if err != nil {
				return err
			}
			if eq, _ := equal(v, w); eq {
				found = true
				break
			}
		}
		if !found {
			return bad("%s is none of the values allowed", show(v))
		}
	}
	if vs.inEnum {
		if e, ok := v.(enumValue); !ok || e.name() == "" {
			return bad("%s is not a member of enum %s", show(v), a.enum.name)
		}
	}
	if vs.expr != nil {
		ok, err := o.evalBool(vs.expr, l)
		if err != nil {
			return err
		}
		if !ok {
			return bad("%s does not satisfy %s", show(v), vs.expr.src)
		}
	}
	return nil
}

// process applies a process (zlib, xor, rol, ror) to raw, the output charged to Limits.Output.
func (o *object) process(p *processSpec, raw []byte, loc *locals) ([]byte, error) {
	if err := o.d.spend(len(raw)); err != nil {
		return nil, err
	}
	switch p.name {
	case "zlib":
		out, err := inflate(raw, o.d.lim.Output-o.d.output)
		if err != nil {
			if errors.Is(err, errInflateCap) {
				return nil, &DecodeError{Detail: fmt.Sprintf("zlib data inflates beyond %d bytes", o.d.lim.Output), Limit: true}
			}
			return nil, fmt.Errorf("zlib: %v", err)
		}
		return out, o.d.spend(len(out))
	case "xor":
		k, err := o.eval(p.args[0], loc)
		if err != nil {
			return nil, err
		}
		var key []byte
		switch k := k.(type) {
		case []byte:
			key = k
		case byteList: // an array literal of bytes: xor([0xec, 0xbb])
			key = k
		default:
			n, ok := asInt(k)
			if !ok {
				return nil, fmt.Errorf("xor key is %s, not an integer or bytes", show(k))
			}
			key = []byte{byte(n)}
		}
		if len(key) == 0 {
			return nil, errors.New("xor key is empty")
		}
		out := make([]byte, len(raw))
		for i := range raw {
			out[i] = raw[i] ^ key[i%len(key)]
		}
		return out, nil
	default: // rol, ror
		k, err := o.eval(p.args[0], loc)
		if err != nil {
			return nil, err
		}
		n, ok := asInt(k)
		if !ok {
			return nil, fmt.Errorf("rotation is %s, not an integer", show(k))
		}
		n &= 7
		if p.name == "ror" {
			n = (8 - n) & 7
		}
		out := make([]byte, len(raw))
		for i, c := range raw {
			out[i] = c<<uint(n) | c>>uint(8-n)
		}
		return out, nil
	}
}

var errInflateCap = errors.New("inflates past the cap")

// inflate is the zlib data z inflated, or errInflateCap past room bytes. It inflates twice: once to count, stopping
// at room+1, then into a buffer of exactly that size. A buffer grown as it fills allocates 2–5× its final size
// (an append grows a large slice by a quarter), and zlib's ratio (up to ~1000:1) makes z's size no guide;
// inflating again costs far less than the memory it saves, and data past the cap allocates nothing.
func inflate(z []byte, room int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r, int64(room)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(room) {
		return nil, errInflateCap
	}
	if err := r.(zlib.Resetter).Reset(bytes.NewReader(z), nil); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, err
	}
	return out, nil
}
