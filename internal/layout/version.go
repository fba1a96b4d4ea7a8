package layout

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// VersionCheck is one check of meta/-shmbridge/version: a value a statically placed integer field of the
// memory must hold for the layout to describe it (its producer's version, a signature). A frame that fails a
// check is not decoded (view.Decode).
type VersionCheck struct {
	Field string // the field's path
	// Op is how the field's value is compared with Values: "is" (equal to the one), "min" (at least the one),
	// "in" (equal to one of them).
	Op string
	// Values are the constants as the layout writes them: 9, 0x52545353, 'HWiS'.
	Values []string

	want  []uint64 // Values as the field's bits (a signed field's sign-extended to 64 bits)
	at    Field    // the field, once checked
	line  int      // of the field's path in the document
	lines []int    // of each value
	path  string   // /meta/-shmbridge/version/N
}

// Bounds of meta/-shmbridge/version: every frame read pays for its checks.
const (
	maxVersionChecks = 16
	maxVersionValues = 64
)

// parseVersion reads meta/-shmbridge/version: a list of {field: PATH, is: N}, {field: PATH, min: N} or
// {field: PATH, in: [N, …]}.
func (b *builder) parseVersion(n *yaml.Node, p string) []VersionCheck {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		b.fail(n, p, "version is a list of checks: [{field: PATH, is: N}, {field: PATH, min: N}, {field: PATH, in: [N, …]}], got %s", describe(n))
		return nil
	}
	if len(n.Content) > maxVersionChecks {
		b.fail(n, p, "%d checks: a layout has at most %d", len(n.Content), maxVersionChecks)
		return nil
	}
	var out []VersionCheck
	for i, item := range n.Content {
		if c, ok := b.parseVersionCheck(item, fmt.Sprintf("%s/%d", p, i)); ok {
			out = append(out, c)
		}
	}
	return out
}

// parseVersionCheck reads one check: its field and exactly one of is, min, in.
func (b *builder) parseVersionCheck(n *yaml.Node, p string) (VersionCheck, bool) {
	c := VersionCheck{path: p}
	pairs := b.mapping(n, p)
	d := deref(n)
	if d == nil || d.Kind != yaml.MappingNode {
		return c, false // said by mapping
	}
	c.line = d.Line
	ok := true
	for _, kv := range pairs {
		k, v, kp := kv[0].Value, kv[1], p+"/"+kv[0].Value
		switch k {
		case "field":
			c.Field, _ = b.scalar(v, kp)
			c.line = cmp.Or(lineOf(v), c.line)
		case "is", "min", "in":
			if c.Op != "" {
				b.fail(kv[0], kp, "a check takes one of is, min, in; this one has %s and %s", c.Op, k)
				ok = false
				continue
			}
			c.Op = k
			c.Values, c.lines = b.versionValues(k, v, kp)
			ok = ok && c.Values != nil
		default:
			b.fail(kv[0], kp, "unknown key %q; a version check takes: field, and one of is, min, in", k)
			ok = false
		}
	}
	switch {
	case c.Field == "":
		b.fail(n, p, "a version check needs field: the path of an integer at a fixed offset")
		return c, false
	case c.Op == "":
		b.fail(n, p, "a version check needs one of is: N, min: N, in: [N, …]")
		return c, false
	}
	return c, ok
}

// versionValues reads the constants of a check, and their lines: one for is and min, a list for in.
func (b *builder) versionValues(op string, v *yaml.Node, p string) ([]string, []int) {
	d := deref(v)
	if op != "in" {
		s, ok := b.scalar(v, p)
		if !ok {
			return nil, nil
		}
		return []string{s}, []int{lineOf(v)}
	}
	if d == nil || d.Kind != yaml.SequenceNode || len(d.Content) == 0 {
		b.fail(v, p, "in takes a list of values: [1, 2], got %s", describe(v))
		return nil, nil
	}
	if len(d.Content) > maxVersionValues {
		b.fail(v, p, "%d values: in takes at most %d", len(d.Content), maxVersionValues)
		return nil, nil
	}
	var out []string
	var lines []int
	for i, item := range d.Content {
		s, ok := b.scalar(item, fmt.Sprintf("%s/%d", p, i))
		if !ok {
			return nil, nil
		}
		out, lines = append(out, s), append(lines, lineOf(item))
	}
	return out, lines
}

// checkVersions places each check's field (a statically placed integer, as a protocol's counter) and reads its
// constants as that field holds them: every problem found, each at its check's line.
func checkVersions(cs []VersionCheck, l *Layout) Problems {
	byPath := make(map[string]Field, len(l.Fields))
	for _, f := range l.Fields {
		byPath[f.Path] = f
	}
	var ps Problems
	for i := range cs {
		c := &cs[i]
		f, ok := byPath[c.Field]
		if !ok {
			ps = append(ps, Problem{Path: c.path + "/field", Line: c.line, Detail: fmt.Sprintf("%q is not a field at a fixed offset of the layout", c.Field)})
			continue
		}
		if err := integerField(f); err != nil {
			ps = append(ps, Problem{Path: c.path + "/field", Line: c.line, Detail: "a version check reads " + err.Error()})
			continue
		}
		c.at = f
		for j := range c.Values {
			v, err := c.constant(j)
			if err != nil {
				at := c.path + "/" + c.Op
				if c.Op == "in" {
					at += "/" + strconv.Itoa(j)
				}
				ps = append(ps, Problem{Path: at, Line: c.lines[j], Detail: err.Error()})
				break
			}
			c.want = append(c.want, v)
		}
	}
	return ps
}

// integerField says why f is not an integer of 1, 2, 4 or 8 bytes in a fixed byte order (nil if it is).
func integerField(f Field) error {
	if f.attr == nil || f.attr.kind.prim != "u" && f.attr.kind.prim != "s" || f.Bits != 0 {
		return fmt.Errorf("an integer of 1, 2, 4 or 8 bytes; %q is %s", f.Path, f.Type)
	}
	if f.Size > 1 && f.Endian == "" {
		return fmt.Errorf("a number of a fixed byte order; %q has none (say u4le, or meta/endian)", f.Path)
	}
	return nil
}

func (c *VersionCheck) signed() bool { return c.at.attr.kind.prim == "s" }

// constant reads the check's i-th value as the field's bits: a decimal or 0x hex integer within the field's
// range, or else the field's bytes as ASCII text (HWiS: the 4 bytes as they lie in memory), then written in
// quotes in Values.
func (c *VersionCheck) constant(i int) (uint64, error) {
	s, f, bits := c.Values[i], c.at, 8*c.at.Size
	digits, neg := strings.CutPrefix(s, "-")
	var mag uint64
	var err error
	if h, hex := strings.CutPrefix(strings.ToLower(digits), "0x"); hex {
		mag, err = strconv.ParseUint(h, 16, 64)
	} else if digits != "" && strings.Trim(digits, "0123456789") == "" {
		mag, err = strconv.ParseUint(digits, 10, 64)
	} else if len(s) == f.Size && printable(s) {
		c.Values[i] = "'" + s + "'"
		v, _ := c.read([]byte(s))
		return v, nil
	} else {
		return 0, fmt.Errorf("%q is not a number (decimal, or hex as 0x…), nor %d ASCII characters standing for the bytes of %s (%s)", s, f.Size, f.Path, f.Type)
	}
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%q is not a number (decimal, or hex as 0x…)", s)
	}
	var lo, hi string
	fits := err == nil
	switch {
	case c.signed():
		limit := uint64(1) << (bits - 1)
		fits = fits && (neg && mag <= limit || !neg && mag < limit)
		lo, hi = "-"+strconv.FormatUint(limit, 10), strconv.FormatUint(limit-1, 10)
	default:
		fits = fits && (!neg || mag == 0) && (bits == 64 || mag < uint64(1)<<bits)
		lo, hi = "0", strconv.FormatUint(^uint64(0)>>(64-bits), 10)
	}
	if !fits {
		return 0, fmt.Errorf("%s does not fit %s (%s, %s to %s): the check could never pass", s, f.Path, f.Type, lo, hi)
	}
	if neg {
		return -mag, nil
	}
	return mag, nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e || s[i] == '\'' {
			return false
		}
	}
	return true
}

// read is the field's value in b (its bits, a signed one's sign-extended); false: b ends before it.
func (c *VersionCheck) read(b []byte) (uint64, bool) {
	f := c.at
	if f.Offset < 0 || f.Offset+f.Size > len(b) {
		return 0, false
	}
	p := b[f.Offset : f.Offset+f.Size]
	var v uint64
	for i := range p {
		j := i
		if f.Endian == "be" {
			j = len(p) - 1 - i
		}
		v |= uint64(p[j]) << (8 * i)
	}
	if c.signed() && f.Size < 8 {
		shift := 64 - 8*f.Size
		v = uint64(int64(v<<shift) >> shift)
	}
	return v, true
}

// Holds says whether the frame b passes the check, and what the field holds (as the check writes its values:
// in hex, as text, or in decimal). A frame that ends before the field passes: its decode says where it ends.
func (c *VersionCheck) Holds(b []byte) (ok bool, got string) {
	v, in := c.read(b)
	if !in {
		return true, ""
	}
	switch c.Op {
	case "min":
		if c.signed() {
			ok = int64(v) >= int64(c.want[0])
		} else {
			ok = v >= c.want[0]
		}
	default:
		for _, w := range c.want {
			ok = ok || v == w
		}
	}
	if ok {
		return true, ""
	}
	return false, c.format(v, b[c.at.Offset:c.at.Offset+c.at.Size])
}

// format is a value of the field as the check's first constant is written: text, hex or decimal.
func (c *VersionCheck) format(v uint64, raw []byte) string {
	first := c.Values[0]
	switch {
	case strings.HasPrefix(first, "'") && printable(string(raw)):
		return "'" + string(raw) + "'"
	case strings.HasPrefix(first, "'"), strings.HasPrefix(strings.ToLower(strings.TrimPrefix(first, "-")), "0x"):
		if c.signed() && int64(v) < 0 {
			return fmt.Sprintf("-0x%X", -int64(v))
		}
		return fmt.Sprintf("0x%X", v)
	case c.signed():
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(v, 10)
}

// Want is what the check wants, for a person: "= 9", "≥ 3", "one of 1, 2".
func (c *VersionCheck) Want() string {
	switch c.Op {
	case "is":
		return "= " + c.Values[0]
	case "min":
		return "≥ " + c.Values[0]
	}
	return "one of " + strings.Join(c.Values, ", ")
}

// String is the check in short: "version ≥ 3".
func (c *VersionCheck) String() string { return c.Field + " " + c.Want() }

// VersionSpan is how many leading bytes of a frame the layout's version checks read (0: it has none).
func (l *Layout) VersionSpan() int {
	n := 0
	for _, c := range l.VersionChecks {
		n = max(n, c.at.Offset+c.at.Size)
	}
	return n
}

// CheckVersion is the first of the layout's version checks the frame b fails, and what its field holds there;
// nil when it passes them all.
func (l *Layout) CheckVersion(b []byte) (*VersionCheck, string) {
	for i := range l.VersionChecks {
		if ok, got := l.VersionChecks[i].Holds(b); !ok {
			return &l.VersionChecks[i], got
		}
	}
	return nil, ""
}
