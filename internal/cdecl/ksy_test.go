package cdecl

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ksyDoc is a generated layout read back: what the tests need to name a layout's fields in C.
type ksyDoc struct {
	Seq       []ksyAttr                      `yaml:"seq"`
	Instances map[string]ksyAttr             `yaml:"instances"`
	Types     map[string]ksyType             `yaml:"types"`
	Enums     map[string]map[int64]yaml.Node `yaml:"enums"`
}

type ksyType struct {
	Seq       []ksyAttr          `yaml:"seq"`
	Instances map[string]ksyAttr `yaml:"instances"`
}

type ksyAttr struct {
	ID         string `yaml:"id"`
	Orig       string `yaml:"-orig-id"`
	Type       string `yaml:"type"`
	Size       int    `yaml:"size"`
	Encoding   string `yaml:"encoding"`
	Enum       string `yaml:"enum"`
	RepeatExpr int    `yaml:"repeat-expr"`
	Doc        string `yaml:"doc"`
	Pos        *int   `yaml:"pos"`
}

func parseKsy(t *testing.T, src []byte) *ksyDoc {
	t.Helper()
	var d ksyDoc
	if err := yaml.Unmarshal(src, &d); err != nil {
		t.Fatalf("reading the generated layout: %v", err)
	}
	return &d
}

func (a ksyAttr) cName() string {
	if a.Orig != "" {
		return a.Orig
	}
	return a.ID
}

var dimsDoc = regexp.MustCompile(`C array ((?:\[\d+\])+)`)

// cIndex is item i of a's (flattened) array as C indexes it: [i], or [i0][i1]… for the dimensions a's doc
// says.
func (a ksyAttr) cIndex(i int) string {
	m := dimsDoc.FindStringSubmatch(a.Doc)
	if m == nil {
		return fmt.Sprintf("[%d]", i)
	}
	var dims []int
	for _, d := range strings.Split(strings.Trim(m[1], "[]"), "][") {
		n, _ := strconv.Atoi(d)
		dims = append(dims, n)
	}
	out := ""
	for k := len(dims) - 1; k >= 0; k-- {
		out = fmt.Sprintf("[%d]", i%dims[k]) + out
		i /= dims[k]
	}
	return out
}

// attrs are the seq entries and instances of type name ("" for the top level).
func (d *ksyDoc) attrs(name string) ([]ksyAttr, map[string]ksyAttr) {
	if name == "" {
		return d.Seq, d.Instances
	}
	t := d.Types[name]
	return t.Seq, t.Instances
}

// cPath is the C member designator (a.b[3].c) of a layout field's path (as Layout.Fields names it).
func (d *ksyDoc) cPath(path string) (string, error) {
	typ, out := "", ""
	for _, part := range strings.Split(path, ".") {
		id, idx := part, -1
		if k := strings.IndexByte(part, '['); k >= 0 {
			id = part[:k]
			idx, _ = strconv.Atoi(strings.Trim(part[k:], "[]"))
		}
		seq, inst := d.attrs(typ)
		a, ok := inst[id]
		for _, s := range seq {
			if s.ID == id {
				a, ok = s, true
			}
		}
		if !ok {
			return "", fmt.Errorf("%s: no %s in type %q", path, id, typ)
		}
		if out != "" {
			out += "."
		}
		out += a.cName()
		if idx >= 0 {
			out += a.cIndex(idx)
		}
		typ = a.Type
	}
	return out, nil
}

// enumName is the id of value v of enum e.
func (d *ksyDoc) enumName(e string, v int64) string {
	n, ok := d.Enums[e][v]
	if !ok {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var m struct {
		ID string `yaml:"id"`
	}
	n.Decode(&m)
	return m.ID
}
