package cdecl

import (
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// emit writes the layout: meta, doc, the top level's seq and instances, then its types and enums, in the
// order the C declares them; 2-space YAML. It writes the text itself: yaml.v3's encoder takes time growing
// with the square of a document's size, and a layout may have thousands of entries.
func (c *conv) emit(root *kType, id, doc string) []byte {
	w := &yamlWriter{}
	w.line(0, "meta:")
	w.pair(2, "id", id)
	w.pair(2, "endian", "le")
	if c.bits {
		w.pair(2, "bit-endian", "le")
	}
	if c.pack > 0 {
		w.line(2, "-shmbridge:")
		w.line(4, "pack: "+strconv.Itoa(c.pack))
	}
	w.pair(0, "doc", doc)
	c.typeBody(w, 0, root)
	if len(c.types) > 0 {
		w.line(0, "types:")
		for _, t := range c.types {
			w.line(2, t.id+":")
			w.pair(4, "-orig-id", t.orig)
			w.pair(4, "doc", t.doc)
			c.typeBody(w, 4, t)
		}
	}
	if len(c.enums) > 0 {
		w.line(0, "enums:")
		for _, e := range c.enums {
			w.line(2, e.id+":")
			for _, v := range e.values {
				if v.orig == "" {
					w.pair(4, v.value, v.id)
					continue
				}
				w.line(4, v.value+":")
				w.pair(6, "id", v.id)
				w.pair(6, "-orig-id", v.orig)
			}
		}
	}
	return []byte(w.b.String())
}

// typeBody writes t's seq and instances at indent in.
func (c *conv) typeBody(w *yamlWriter, in int, t *kType) {
	w.line(in, "seq:")
	for _, a := range t.seq {
		first := true
		item := func(k, v string) {
			if v == "" {
				return
			}
			if first {
				w.b.WriteString(strings.Repeat(" ", in+2) + "- ")
				w.pair(-(in + 4), k, v)
				first = false
				return
			}
			w.pair(in+4, k, v)
		}
		item("id", a.id)
		attrBody(item, a)
	}
	if len(t.inst) > 0 {
		w.line(in, "instances:")
		for _, a := range t.inst {
			w.line(in+2, a.id+":")
			w.pair(in+4, "pos", number(a.pos))
			attrBody(func(k, v string) { w.pair(in+4, k, v) }, a)
		}
	}
}

// attrBody writes what an attribute says but its id (and position).
func attrBody(item func(k, v string), a *kAttr) {
	item("-orig-id", a.orig)
	item("type", a.typ)
	if a.size > 0 {
		item("size", number(a.size))
	}
	item("encoding", a.enc)
	item("enum", a.enum)
	if a.count > 0 {
		item("repeat", "expr")
		item("repeat-expr", number(a.count))
	}
	item("doc", a.doc)
}

// yamlWriter writes block YAML.
type yamlWriter struct{ b strings.Builder }

func (w *yamlWriter) line(in int, s string) {
	w.b.WriteString(strings.Repeat(" ", in))
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

// pair writes `k: v` at indent in (its absolute value; negative: the indent is already written), nothing when
// v is "".
func (w *yamlWriter) pair(in int, k, v string) {
	if v == "" {
		return
	}
	at := in
	if in < 0 {
		at, in = -in, 0
	}
	w.line(in, k+": "+scalar(v, at))
}

// scalar is s as a YAML scalar of a key at indent in: plain where YAML reads it back as the same string, a
// literal block for text of several lines, else quoted.
func scalar(s string, in int) string {
	if n, ok := strings.CutPrefix(s, "\x00"); ok {
		return n
	}
	if strings.Contains(s, "\n") && literal(s) {
		pad := strings.Repeat(" ", in+2)
		return "|-\n" + pad + strings.ReplaceAll(s, "\n", "\n"+pad)
	}
	out, err := yaml.Marshal(s)
	if err != nil || strings.Contains(strings.TrimSuffix(string(out), "\n"), "\n") {
		return strconv.Quote(s) // a JSON-style string: YAML reads its escapes alike
	}
	return strings.TrimSuffix(string(out), "\n")
}

// number is n for pair to write as a YAML integer (a header holds no NUL: no other value starts with one).
func number(n int64) string { return "\x00" + strconv.FormatInt(n, 10) }

// literal says whether s can be a literal block: printable, no line starting or ending with white space.
func literal(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l != strings.TrimSpace(l) {
			return false
		}
		for _, r := range l {
			if !unicode.IsPrint(r) {
				return false
			}
		}
	}
	return true
}
