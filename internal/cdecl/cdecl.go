package cdecl

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"modernc.org/cc/v4"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// Options say what to convert and for which ABI.
type Options struct {
	ID       string // meta/id of the generated layout (a valid layout id: ^[a-z][a-z0-9_]*$)
	Struct   string // the struct, union or typedef name to decode (the types it uses come along); required
	ABI      string // "windows-amd64", "windows-386", "linux-amd64", "linux-arm64"; "" = DefaultABI()
	Encoding string // encoding of char[N] strings; "" = UTF-8
}

// MaxSource is the largest header Convert reads, in bytes.
const MaxSource = 256 << 10

// expansionLimit bounds the C front end's macro expansion (tokens processed, rescans included): a header of
// MaxSource bytes without macro tricks needs a small part of it.
const expansionLimit = 4 << 20

// Convert converts the C declarations src into a Kaitai layout (.ksy text) of o.Struct laid out as the C
// compiler of o.ABI lays it out. What is wrong is a layout.Problems listing every problem (up to 100), each at
// its line and column in src; Path is "" for what the C front end or the rewrite reports, else the C member
// concerned (struct.member).
func Convert(src []byte, o Options) ([]byte, error) {
	ps := &problems{}
	a, ok := checkOptions(src, &o, ps)
	if !ok {
		return nil, ps.err()
	}
	sc := scan(src)
	text := rewrite(src, sc, ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	ast := translate(a, text, ps)
	if ast == nil {
		return nil, ps.err()
	}
	refuseFunctions(ast, ps)
	t, line := find(ast, o.Struct, ps)
	if t == nil || ps.err() != nil {
		return nil, ps.err() // find notes why t is nil
	}
	if t.Size() > maxSize {
		return nil, layout.Problems{{Path: o.Struct, Line: line, Detail: fmt.Sprintf("%s is %d bytes: a layout of at most %d is made", o.Struct, t.Size(), maxSize)}}
	}
	c := newConv(a, o.Encoding, newDocs(sc.comments), ps)
	root := &kType{id: o.ID, size: t.Size(), ids: names{}}
	key, _ := recordKey(t)
	c.byKey[key] = root
	c.typeIDs[o.ID] = true
	c.fill(root, t, o.Struct)
	if err := ps.err(); err != nil {
		return nil, err
	}
	doc := rootDoc(t, o, c.docs, line)
	out, l, err := c.compile(root, o, doc)
	if err == nil && len(layout.Lint(l)) > 0 {
		// Numbers off their natural alignment: the struct is packed, and the layout says so (no warnings).
		c.pack = c.minAlign
		out, _, err = c.compile(root, o, doc)
	}
	return out, err
}

// compile writes the layout and compiles it.
func (c *conv) compile(root *kType, o Options, doc string) ([]byte, *layout.Layout, error) {
	out := c.emit(root, o.ID, doc)
	if len(out) > layout.MaxSource {
		return nil, nil, layout.Problems{{Path: o.Struct, Detail: fmt.Sprintf("the generated layout would be %d bytes: a layout is at most %d", len(out), layout.MaxSource)}}
	}
	l, err := layout.Compile(out, nil, layout.DefaultLimits)
	if err != nil {
		return nil, nil, layout.Problems{{Path: o.Struct, Detail: "the generated layout does not compile (a bug of the converter): " + err.Error()}}
	}
	return out, l, nil
}

// defaultID is the layout id of a struct named name: its name in Kaitai's spelling, at most layout.MaxID long.
func defaultID(name string) string {
	id := spell(name, "layout")
	if len(id) > layout.MaxID {
		id = strings.TrimRight(id[:layout.MaxID], "_")
	}
	return id
}

// checkOptions checks the header's size and text and the options, filling in the defaults.
func checkOptions(src []byte, o *Options, ps *problems) (abiSpec, bool) {
	if len(src) > MaxSource {
		ps.add("", 0, 0, "the header is %d bytes: at most %d are accepted", len(src), MaxSource)
	} else if !utf8.Valid(src) {
		ps.add("", 0, 0, "the header is not UTF-8 text")
	} else if strings.IndexByte(string(src), 0) >= 0 {
		ps.add("", 0, 0, "the header holds a NUL byte: it is not text")
	}
	if o.ID == "" {
		o.ID = defaultID(o.Struct)
	}
	if err := layout.CheckID(o.ID); err != nil {
		ps.add("", 0, 0, "layout id: %v", err)
	}
	if o.Struct == "" {
		ps.add("", 0, 0, "name the struct to decode (struct=NAME)")
	}
	if o.ABI == "" {
		o.ABI = DefaultABI()
	}
	a, ok := abiNamed(o.ABI)
	if !ok {
		ps.add("", 0, 0, "unknown ABI %q: the ABIs are %s", o.ABI, strings.Join(ABIs(), ", "))
	}
	if o.Encoding == "" {
		o.Encoding = "UTF-8"
	}
	if layout.CheckEncoding(o.Encoding) != nil {
		ps.add("", 0, 0, "unknown encoding %q", o.Encoding)
	}
	return a, len(ps.list) == 0
}

// translate runs the C front end on the prelude and the rewritten header.
func translate(a abiSpec, header []byte, ps *problems) (ast *cc.AST) {
	abi, err := cc.NewABI(a.goos, a.goarch)
	if err != nil {
		ps.add("", 0, 0, "ABI %s: %v", a.name, err)
		return nil
	}
	cfg := &cc.Config{ABI: abi, ABILayout: true, ExpansionLimit: expansionLimit, FS: includeFS, FSOnly: true,
		IncludePaths: []string{"include"}, SysIncludePaths: []string{"include"}}
	// the last source ends the header's declarations: cc's parser loops for ever on an enum keyword at the
	// end of its input (which a macro may put there: no check of the header's text sees that)
	srcs := []cc.Source{{Name: predefinedName, Value: predefined(a)}, {Name: preludeName, Value: prelude(a)},
		{Name: headerName, Value: header}, {Name: endName, Value: "int __shmbridge_end;\n"}}
	defer func() {
		if r := recover(); r != nil {
			ps.add("", 0, 0, "the C front end failed on this header: %v", r)
			ast = nil
		}
	}()
	ast, err = cc.Translate(cfg, srcs)
	if err != nil {
		ps.addCC(err)
		if len(ps.list) == 0 {
			ps.add("", 0, 0, "the C front end refused the header: %v", err)
		}
		return nil
	}
	return ast
}

// refuseFunctions notes each function definition of the header: only declarations of data are converted.
func refuseFunctions(ast *cc.AST, ps *problems) {
	for l := ast.TranslationUnit; l != nil; l = l.TranslationUnit {
		if ed := l.ExternalDeclaration; ed != nil && ed.Case == cc.ExternalDeclarationFuncDef {
			ps.at("", ed.Position(), "a function's definition: only declarations of data are converted")
		}
	}
}

// find is the struct or union named name (by its tag or by a typedef), and the line declaring it.
func find(ast *cc.AST, name string, ps *problems) (cc.Type, int) {
	for _, n := range ast.Scope.Nodes[name] {
		var t cc.Type
		switch x := n.(type) {
		case *cc.StructOrUnionSpecifier:
			t = x.Type()
		case *cc.Declarator:
			if !x.IsTypename() {
				continue
			}
			t = x.Type()
		case *cc.EnumSpecifier:
			ps.at("", x.Position(), "%s is an enum: name a struct or union to decode", name)
			return nil, 0
		default:
			continue
		}
		if k := t.Kind(); k != cc.Struct && k != cc.Union {
			ps.at("", n.Position(), "%s is %s, not a struct or union", name, t)
			return nil, 0
		}
		if t.IsIncomplete() || t.Size() <= 0 {
			ps.at("", n.Position(), "struct %s is declared but not defined (or empty)", name)
			return nil, 0
		}
		return t, n.Position().Line
	}
	ps.add("", 0, 0, "no struct, union or typedef named %q in the header%s", name, candidates(ast))
	return nil, 0
}

// candidates lists the header's struct and union names, for a name not found.
func candidates(ast *cc.AST) string {
	var out []string
	for name, nodes := range ast.Scope.Nodes {
		for _, n := range nodes {
			if n.Position().Filename != headerName {
				continue
			}
			switch x := n.(type) {
			case *cc.StructOrUnionSpecifier:
				out = append(out, name)
			case *cc.Declarator:
				if k := x.Type().Kind(); x.IsTypename() && (k == cc.Struct || k == cc.Union) {
					out = append(out, name)
				}
			}
		}
	}
	if len(out) == 0 {
		return " (it declares none)"
	}
	sort.Strings(out)
	out = compactStrings(out)
	if len(out) > 20 {
		out = append(out[:20], "…")
	}
	return "; it declares: " + strings.Join(out, ", ")
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// rootDoc is the layout's doc: what it was generated from, and the struct's comment.
func rootDoc(t cc.Type, o Options, d docs, line int) string {
	s := fmt.Sprintf("C %s %s laid out for %s (%d bytes), converted by shmbridge from its declaration.", t.Kind(), o.Struct, o.ABI, t.Size())
	if c := d.of(line); c != "" {
		s += "\n" + c
	}
	return s
}
