package layout

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one reason a layout is refused: the key's path in the document (/seq/3/process), its line, and
// what is wrong with it.
type Problem struct {
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"`
	Detail string `json:"detail"`
}

// Problems is the error Compile returns: every problem found, in document order.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (line %d): %s", p.Path, p.Line, p.Detail)
	}
	return b.String()
}

var validID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// typeSpec is one type of a layout: the file's top level or an entry of `types`.
type typeSpec struct {
	name   string
	path   string // /types/a/types/b
	parent *typeSpec
	file   *fileSpec

	endian    *endianSpec // nil: inherited
	bitEndian string      // "", "be", "le"
	encoding  string

	params    []*param
	seq       []*attr
	instances []*attr
	types     map[string]*typeSpec
	enums     map[string]*enumSpec
	byID      map[string]*attr // seq attributes and instances by id

	size  int  // the static size (staticSize), once sized
	sized bool // set while the layout is compiled, read only after
}

type endianSpec struct {
	fixed    string // "le" or "be" when not switched
	switchOn *expr
	cases    []endianCase
}

type endianCase struct {
	key    *expr // nil for `_`
	endian string
}

type param struct {
	id   string
	kind typeRef // the declared type (only its shape matters to the interpreter)
	enum string
}

// fileSpec is one .ksy document: its top-level type, and the files it imports.
type fileSpec struct {
	id      string
	key     string // what the importer named it by
	root    *typeSpec
	imports []*fileSpec
	// consistency is the -shmbridge extension's protocol, if any.
	consistency *Consistency
}

type enumSpec struct {
	name   string
	owner  *typeSpec
	byVal  map[string]string // decimal value → member id
	byName map[string]*enumMember
}

type enumMember struct {
	value int64
	uval  uint64
	big   bool // the value is uval (above int64)
	id    string
}

// expr is a parsed expression and where it came from.
type expr struct {
	src  string
	n    *node
	path string
	line int
}

type repeatKind int

const (
	noRepeat repeatKind = iota
	repeatExpr
	repeatEOS
	repeatUntil
)

// attr is one attribute: an entry of `seq`, or an instance.
type attr struct {
	id       string
	path     string
	line     int
	kindLine int // of its type: (where an unknown type is said to be)
	slot     int // where a decoded object keeps its value: seq attributes first, then instances

	instance bool
	value    *expr // a value instance
	pos      *expr
	io       *expr

	kind     typeRef
	size     *expr
	sizeEOS  bool
	repeat   repeatKind
	rexpr    *expr // repeat-expr / repeat-until
	cond     *expr
	contents []byte
	valid    *validSpec
	enumName string
	enum     *enumSpec

	terminator int // -1: none
	include    bool
	consume    bool
	padRight   int // -1: none
	eosError   bool
	encoding   string
	process    *processSpec
	parent     *expr // `parent:` overrides the _parent a user type sees (false: none)
}

type validSpec struct {
	eq, min, max, expr *expr
	anyOf              []*expr
	inEnum             bool
	path               string
}

type processSpec struct {
	name string // xor, rotl, rotr, zlib
	args []*expr
}

// typeRef is what an attribute's `type` says.
type typeRef struct {
	prim string // "u", "s", "f", "b", "str", "strz", "bytes", "user", "switch", "" (raw bytes)
	size int    // bytes for u/s/f, bits for b
	le   string // "le", "be" or "" (the type's default)

	user     string // the name as written (a::b)
	args     []*expr
	resolved *typeSpec

	switchOn *expr
	cases    []switchCase

	array bool // params: `type: u1[]`
}

type switchCase struct {
	key  *expr // nil for `_`
	kind typeRef
}

// builder walks a document, collecting problems instead of stopping at the first.
type builder struct {
	problems Problems
	file     *fileSpec
	imports  []pendingImport
	exprs    *exprBudget
}

// parse parses one expression of the document, within the layout's budget.
func (b *builder) parse(src string) (*node, error) {
	if b.exprs == nil {
		b.exprs = &exprBudget{left: defaultBudget.ExprNodes, max: defaultBudget.ExprNodes}
	}
	return b.exprs.parse(src)
}

func (b *builder) fail(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	b.problems = append(b.problems, Problem{Path: path, Line: line, Detail: fmt.Sprintf(format, args...)})
}

// mapping lists a map node's key/value pairs, in order; it reports a node that is not a map.
func (b *builder) mapping(n *yaml.Node, path string) [][2]*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		b.fail(n, path, "expected a map, got %s", describe(n))
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			b.fail(k, path+"/"+k.Value, "duplicate key")
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

func describe(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a map"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "null"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// scalar is a scalar node's text; it reports anything else.
func (b *builder) scalar(n *yaml.Node, path string) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		b.fail(n, path, "expected a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (b *builder) boolean(n *yaml.Node, path string) bool {
	s, ok := b.scalar(n, path)
	if !ok {
		return false
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		b.fail(n, path, "expected true or false, got %q", s)
	}
	return v
}

// encoding reads an encoding's name, refusing one the interpreter cannot decode.
func (b *builder) encoding(n *yaml.Node, path string) string {
	s, ok := b.scalar(n, path)
	if ok {
		if _, err := lookupEncoding(s); err != nil {
			b.fail(n, path, "%v", err)
		}
	}
	return s
}

// expression parses a scalar as an expression (YAML integers and booleans are expressions too).
func (b *builder) expression(n *yaml.Node, path string) *expr {
	s, ok := b.scalar(n, path)
	if !ok {
		return nil
	}
	x, err := b.parse(s)
	if err != nil {
		b.fail(n, path, "%v", err)
		return nil
	}
	return &expr{src: s, n: x, path: path, line: deref(n).Line}
}

func (b *builder) keys(pairs [][2]*yaml.Node, path string, allowed ...string) {
	for _, kv := range pairs {
		k := kv[0].Value
		if strings.HasPrefix(k, "-") || slices.Contains(allowed, k) {
			continue
		}
		b.fail(kv[0], path+"/"+k, "unknown key %q; this layout language supports: %s", k, strings.Join(allowed, ", "))
	}
}

var metaKeys = []string{"application", "bit-endian", "encoding", "endian", "file-extension", "id", "imports", "ks-debug", "ks-version", "license", "tags", "title", "xref"}

var typeKeys = []string{"doc", "doc-ref", "enums", "instances", "meta", "params", "seq", "types", "to-string"}

var attrKeys = []string{"consume", "contents", "doc", "doc-ref", "encoding", "enum", "eos-error", "id", "if", "include", "pad-right", "parent", "process", "repeat", "repeat-expr", "repeat-until", "size", "size-eos", "terminator", "type", "valid"}

var instanceKeys = append([]string{"io", "pos", "value"}, attrKeys[:]...)

var valueInstanceKeys = []string{"doc", "doc-ref", "enum", "if", "value"}

// parseFile reads one document's top level.
func (b *builder) parseFile(doc *yaml.Node) *typeSpec {
	root := &typeSpec{path: "", file: b.file}
	pairs := b.mapping(doc, "/")
	var meta *yaml.Node
	for _, kv := range pairs {
		if kv[0].Value == "meta" {
			meta = kv[1]
		}
	}
	if meta == nil {
		b.fail(deref(doc), "/meta", "no meta/id: a layout names itself in meta/id")
	}
	b.parseType(root, pairs, "", true)
	if b.file.id == "" && meta != nil {
		b.fail(meta, "/meta", "no meta/id: a layout names itself in meta/id")
	}
	root.name = b.file.id
	return root
}

func (b *builder) parseMeta(t *typeSpec, n *yaml.Node, path string, top bool) {
	pairs := b.mapping(n, path)
	b.keys(pairs, path, metaKeys...)
	for _, kv := range pairs {
		k, v, p := kv[0].Value, kv[1], path+"/"+kv[0].Value
		switch k {
		case "id":
			if s, ok := b.scalar(v, p); ok {
				if !validID.MatchString(s) {
					b.fail(v, p, "invalid meta ID %q, expected /^[a-z][a-z0-9_]*$/", s)
				} else if top {
					b.file.id = s
				}
			}
		case "endian":
			t.endian = b.parseEndian(v, p)
		case "bit-endian":
			if s, ok := b.scalar(v, p); ok {
				if s != "le" && s != "be" {
					b.fail(v, p, "expected be or le, got %q", s)
				}
				t.bitEndian = s
			}
		case "encoding":
			t.encoding = b.encoding(v, p)
		case "imports":
			if !top {
				b.fail(v, p, "imports belong in the top-level meta")
			}
			v = deref(v)
			if v == nil || v.Kind != yaml.SequenceNode {
				b.fail(v, p, "expected a list of layout ids, got %s", describe(v))
				continue
			}
			for i, item := range v.Content {
				if s, ok := b.scalar(item, fmt.Sprintf("%s/%d", p, i)); ok {
					b.imports = append(b.imports, pendingImport{name: s, node: item, path: fmt.Sprintf("%s/%d", p, i)})
				}
			}
		case "ks-version":
			if s, ok := b.scalar(v, p); ok && versionAbove(s, "0.11") {
				b.fail(v, p, "this layout requires Kaitai Struct %s; the interpreter speaks 0.11", s)
			}
		case "-shmbridge":
			// read by parseExtension
		}
	}
	if top {
		for _, kv := range pairs {
			if kv[0].Value == "-shmbridge" {
				b.file.consistency = b.parseExtension(kv[1], path+"/-shmbridge")
			}
		}
	}
}

func versionAbove(v, have string) bool {
	a, c := strings.Split(v, "."), strings.Split(have, ".")
	for i := 0; i < len(a) && i < len(c); i++ {
		x, _ := strconv.Atoi(a[i])
		y, _ := strconv.Atoi(c[i])
		if x != y {
			return x > y
		}
	}
	return len(a) > len(c)
}

func (b *builder) parseEndian(n *yaml.Node, path string) *endianSpec {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		if n.Value != "le" && n.Value != "be" {
			b.fail(n, path, "expected be or le, got %q", n.Value)
			return nil
		}
		return &endianSpec{fixed: n.Value}
	}
	if n == nil || n.Kind != yaml.MappingNode {
		b.fail(n, path, "expected le, be or a switch-on/cases map")
		return nil
	}
	e := &endianSpec{}
	e.switchOn = b.parseSwitch(n, path, func(key *expr, v *yaml.Node, cp string) {
		if s, ok := b.scalar(v, cp); ok {
			if s != "le" && s != "be" {
				b.fail(v, cp, "expected be or le, got %q", s)
			}
			e.cases = append(e.cases, endianCase{key: key, endian: s})
		}
	})
	return e
}

// parseSwitch reads a switch-on/cases map (a switched type, a switched endianness): each case's key (nil
// for `_`) and value go to each.
func (b *builder) parseSwitch(n *yaml.Node, path string, each func(key *expr, v *yaml.Node, path string)) *expr {
	var on *expr
	pairs := b.mapping(n, path)
	b.keys(pairs, path, "switch-on", "cases")
	for _, kv := range pairs {
		p := path + "/" + kv[0].Value
		switch kv[0].Value {
		case "switch-on":
			on = b.expression(kv[1], p)
		case "cases":
			for _, c := range b.mapping(kv[1], p) {
				cp := p + "/" + c[0].Value
				var key *expr
				if c[0].Value != "_" {
					key = b.expression(c[0], cp)
				}
				each(key, c[1], cp)
			}
		}
	}
	if on == nil {
		b.fail(n, path, "a switch needs switch-on")
	}
	return on
}

type pendingImport struct {
	name string
	node *yaml.Node
	path string
}

func (b *builder) parseType(t *typeSpec, pairs [][2]*yaml.Node, path string, top bool) {
	b.keys(pairs, pathOr(path), typeKeys...)
	t.types = map[string]*typeSpec{}
	t.enums = map[string]*enumSpec{}
	ids := map[string]string{} // attribute id → where it was defined
	claim := func(id string, n *yaml.Node, where, at string) {
		if prev, ok := ids[id]; ok {
			b.fail(n, where, "duplicate attribute ID %q, previously defined at %s", id, prev)
			return
		}
		ids[id] = at
	}
	for _, kv := range pairs {
		k, v, p := kv[0].Value, kv[1], path+"/"+kv[0].Value
		switch k {
		case "meta":
			b.parseMeta(t, v, p, top)
		case "params":
			v = deref(v)
			if v == nil || v.Kind != yaml.SequenceNode {
				b.fail(v, p, "expected a list")
				continue
			}
			for i, item := range v.Content {
				ip := fmt.Sprintf("%s/%d", p, i)
				pm := &param{}
				ps := b.mapping(item, ip)
				b.keys(ps, ip, "id", "type", "enum", "doc", "doc-ref")
				for _, f := range ps {
					fp := ip + "/" + f[0].Value
					switch f[0].Value {
					case "id":
						if s, ok := b.scalar(f[1], fp); ok {
							if !validID.MatchString(s) {
								b.fail(f[1], fp, "invalid param ID %q, expected /^[a-z][a-z0-9_]*$/", s)
							}
							pm.id = s
							claim(s, f[1], fp, fp)
						}
					case "type":
						if s, ok := b.scalar(f[1], fp); ok {
							pm.kind = b.parseParamType(s, f[1], fp)
						}
					case "enum":
						pm.enum, _ = b.scalar(f[1], fp)
					}
				}
				t.params = append(t.params, pm)
			}
		case "seq":
			v = deref(v)
			if v == nil || v.Kind != yaml.SequenceNode {
				b.fail(v, p, "expected a list of attributes, got %s", describe(v))
				continue
			}
			for i, item := range v.Content {
				ip := fmt.Sprintf("%s/%d", p, i)
				a := b.parseAttr(item, ip, false, "")
				if a.id == "" {
					a.id = fmt.Sprintf("_unnamed%d", i)
				} else {
					claim(a.id, item, ip+"/id", ip+"/id")
				}
				t.seq = append(t.seq, a)
			}
		case "instances":
			for _, kv := range b.mapping(v, p) {
				ip := p + "/" + kv[0].Value
				if !validID.MatchString(kv[0].Value) {
					b.fail(kv[0], ip, "invalid instance ID %q, expected /^[a-z][a-z0-9_]*$/", kv[0].Value)
					continue
				}
				claim(kv[0].Value, kv[0], ip, ip)
				t.instances = append(t.instances, b.parseAttr(kv[1], ip, true, kv[0].Value))
			}
		case "types":
			for _, kv := range b.mapping(v, p) {
				tp := p + "/" + kv[0].Value
				if !validID.MatchString(kv[0].Value) {
					b.fail(kv[0], tp, "invalid type ID %q, expected /^[a-z][a-z0-9_]*$/", kv[0].Value)
					continue
				}
				sub := &typeSpec{name: kv[0].Value, path: tp, parent: t, file: t.file}
				b.parseType(sub, b.mapping(kv[1], tp), tp, false)
				t.types[kv[0].Value] = sub
			}
		case "enums":
			for _, kv := range b.mapping(v, p) {
				ep := p + "/" + kv[0].Value
				if !validID.MatchString(kv[0].Value) {
					b.fail(kv[0], ep, "invalid enum ID %q, expected /^[a-z][a-z0-9_]*$/", kv[0].Value)
					continue
				}
				t.enums[kv[0].Value] = b.parseEnum(kv[1], ep, kv[0].Value, t)
			}
		case "to-string":
			b.scalar(v, p)
		}
	}
	t.byID = map[string]*attr{}
	for i, a := range t.seq {
		a.slot = i
		t.byID[a.id] = a
	}
	for j, a := range t.instances {
		a.slot = len(t.seq) + j
		t.byID[a.id] = a
	}
}

func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func (b *builder) parseEnum(n *yaml.Node, path, name string, owner *typeSpec) *enumSpec {
	e := &enumSpec{name: name, owner: owner, byVal: map[string]string{}, byName: map[string]*enumMember{}}
	where := map[string]string{}
	for _, kv := range b.mapping(n, path) {
		mp := path + "/" + kv[0].Value
		key := strings.ReplaceAll(kv[0].Value, "_", "")
		v, ok := new(bigInt), len(key) <= maxLiteralDigits+3 // a sign, 0x: a 64-bit integer's digits, no more
		if ok {
			_, ok = v.SetString(key, 0)
		}
		if !ok {
			b.fail(kv[0], mp, "an enum key is a 64-bit integer, got %q", clip(kv[0].Value))
			continue
		}
		val := deref(kv[1])
		id := ""
		if val != nil && val.Kind == yaml.MappingNode {
			for _, f := range b.mapping(val, mp) {
				if f[0].Value == "id" {
					id, _ = b.scalar(f[1], mp+"/id")
				}
			}
		} else if val != nil && val.Kind == yaml.ScalarNode && val.Tag == "!!bool" {
			id = val.Value // YAML 1.1 tools read `yes`/`no` as booleans: Kaitai keeps the text
		} else {
			id, _ = b.scalar(val, mp)
		}
		if !validID.MatchString(id) {
			b.fail(kv[1], mp, "invalid enum member ID %q, expected /^[a-z][a-z0-9_]*$/", id)
			continue
		}
		if prev, dup := where[id]; dup {
			b.fail(kv[1], mp, "duplicate enum member ID %q, previously defined at %s", id, prev)
			continue
		}
		where[id] = mp
		m := &enumMember{id: id}
		if v.IsInt64() {
			m.value = v.Int64()
		} else if v.IsUint64() {
			m.uval, m.big = v.Uint64(), true
		} else {
			b.fail(kv[0], mp, "enum value out of the 64-bit range")
			continue
		}
		e.byVal[v.String()] = id
		e.byName[id] = m
	}
	return e
}

var primitive = regexp.MustCompile(`^(?:([us])([1248])|(f)([48])|b([1-9][0-9]*))(le|be)?$`)

func (b *builder) parseTypeName(s string, n *yaml.Node, path string) typeRef {
	if m := primitive.FindStringSubmatch(s); m != nil {
		switch {
		case m[1] != "":
			size, _ := strconv.Atoi(m[2])
			if size == 1 && m[6] != "" {
				b.fail(n, path, "%s: a one-byte integer has no endianness", s)
			}
			return typeRef{prim: m[1], size: size, le: m[6]}
		case m[3] != "":
			size, _ := strconv.Atoi(m[4])
			return typeRef{prim: "f", size: size, le: m[6]}
		default:
			bits, _ := strconv.Atoi(m[5])
			if bits > 64 {
				b.fail(n, path, "%s: bit fields are at most 64 bits", s)
			}
			return typeRef{prim: "b", size: bits, le: m[6]}
		}
	}
	switch s {
	case "str", "strz":
		return typeRef{prim: s}
	case "bytes":
		return typeRef{prim: "bytes"}
	}
	name, args, hasArgs := strings.Cut(s, "(")
	r := typeRef{prim: "user", user: name}
	for _, part := range strings.Split(name, "::") {
		if !validID.MatchString(part) {
			b.fail(n, path, "invalid type name %q", s)
			return typeRef{}
		}
	}
	if hasArgs {
		if !strings.HasSuffix(args, ")") {
			b.fail(n, path, "%q: the arguments end with )", s)
			return r
		}
		x, err := b.parse("[" + strings.TrimSuffix(args, ")") + "]")
		if err != nil || x.op != "arr" {
			b.fail(n, path, "%q: bad arguments: %v", s, err)
			return r
		}
		for _, k := range x.kids {
			r.args = append(r.args, &expr{src: s, n: k, path: path, line: deref(n).Line})
		}
	}
	return r
}

func (b *builder) parseParamType(s string, n *yaml.Node, path string) typeRef {
	array := strings.HasSuffix(s, "[]")
	s = strings.TrimSuffix(s, "[]")
	var r typeRef
	switch s {
	case "bool", "struct", "io", "any":
		r = typeRef{prim: s}
	default:
		r = b.parseTypeName(s, n, path)
		if r.prim == "user" && len(r.args) > 0 {
			b.fail(n, path, "a parameter's type takes no arguments")
		}
	}
	r.array = array
	return r
}

func (b *builder) parseAttr(n *yaml.Node, path string, instance bool, id string) *attr {
	a := &attr{id: id, path: path, line: lineOf(n), instance: instance, terminator: -1, padRight: -1, consume: true, eosError: true}
	pairs := b.mapping(n, path)
	hasValue := false
	for _, kv := range pairs {
		if kv[0].Value == "value" {
			hasValue = true
		}
	}
	switch {
	case !instance:
		b.keys(pairs, path, attrKeys...)
	case hasValue:
		for _, kv := range pairs {
			if k := kv[0].Value; !strings.HasPrefix(k, "-") && !slices.Contains(valueInstanceKeys, k) {
				b.fail(kv[0], path+"/"+k, "a value instance takes only: %s", strings.Join(valueInstanceKeys, ", "))
			}
		}
	default:
		b.keys(pairs, path, instanceKeys...)
	}
	var repeat string
	var repeatNode *yaml.Node
	for _, kv := range pairs {
		k, v, p := kv[0].Value, kv[1], path+"/"+kv[0].Value
		switch k {
		case "id":
			if s, ok := b.scalar(v, p); ok {
				if !validID.MatchString(s) {
					b.fail(v, p, "invalid attribute ID %q, expected /^[a-z][a-z0-9_]*$/", s)
				}
				a.id = s
			}
		case "value":
			a.value = b.expression(v, p)
		case "pos":
			a.pos = b.expression(v, p)
		case "io":
			a.io = b.expression(v, p)
		case "type":
			a.kind = b.parseTypeField(v, p)
			a.kindLine = lineOf(v)
		case "size":
			a.size = b.expression(v, p)
		case "size-eos":
			a.sizeEOS = b.boolean(v, p)
		case "repeat":
			repeat, _ = b.scalar(v, p)
			repeatNode = v
		case "repeat-expr", "repeat-until":
			a.rexpr = b.expression(v, p)
		case "if":
			a.cond = b.expression(v, p)
		case "contents":
			a.contents = b.parseContents(v, p)
		case "valid":
			a.valid = b.parseValid(v, p)
		case "enum":
			a.enumName, _ = b.scalar(v, p)
		case "terminator", "pad-right":
			s, _ := b.scalar(v, p)
			x, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
			if err != nil || x < 0 || x > 255 {
				b.fail(v, p, "expected an integer from 0 to 255, got %s", describe(v))
			}
			if k == "terminator" {
				a.terminator = int(x)
			} else {
				a.padRight = int(x)
			}
		case "include":
			a.include = b.boolean(v, p)
		case "consume":
			a.consume = b.boolean(v, p)
		case "eos-error":
			a.eosError = b.boolean(v, p)
		case "encoding":
			a.encoding = b.encoding(v, p)
		case "process":
			a.process = b.parseProcess(v, p)
		case "parent":
			a.parent = b.expression(v, p)
		}
	}
	hasKey := func(k string) bool {
		return slices.ContainsFunc(pairs, func(kv [2]*yaml.Node) bool { return kv[0].Value == k })
	}
	switch repeat {
	case "":
	case "expr":
		a.repeat = repeatExpr
		if !hasKey("repeat-expr") {
			b.fail(repeatNode, path+"/repeat", "repeat: expr needs repeat-expr")
		}
	case "eos":
		a.repeat = repeatEOS
	case "until":
		a.repeat = repeatUntil
		if !hasKey("repeat-until") {
			b.fail(repeatNode, path+"/repeat", "repeat: until needs repeat-until")
		}
	default:
		b.fail(repeatNode, path+"/repeat", "expected expr, eos or until, got %q", repeat)
	}
	if hasKey("repeat-expr") && repeat != "expr" {
		b.fail(n, path+"/repeat-expr", "repeat-expr needs repeat: expr")
	}
	if hasKey("repeat-until") && repeat != "until" {
		b.fail(n, path+"/repeat-until", "repeat-until needs repeat: until")
	}
	if a.process != nil && a.size == nil && !a.sizeEOS && a.terminator < 0 && a.kind.prim != "strz" {
		b.fail(n, path+"/process", "process works on bytes of a known extent: give size, size-eos or terminator")
	}
	if a.valid != nil && a.valid.inEnum && a.enumName == "" {
		b.fail(n, path+"/valid/in-enum", "valid/in-enum requires the enum key")
	}
	if (a.kind.prim == "str" || a.kind.prim == "strz") && a.encoding == "" {
		a.encoding = "" // the type's meta/encoding, checked at resolve
	}
	if a.kind.prim == "str" && a.size == nil && !a.sizeEOS && a.terminator < 0 {
		b.fail(n, path, "a str needs size, size-eos or terminator")
	}
	if a.kind.prim == "" && a.contents == nil && a.size == nil && !a.sizeEOS && a.terminator < 0 && a.value == nil && !instance {
		b.fail(n, path, "raw bytes need size, size-eos, terminator or contents")
	}
	return a
}

// clip shortens what a problem quotes of the layout.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

func lineOf(n *yaml.Node) int {
	if n = deref(n); n != nil {
		return n.Line
	}
	return 0
}

func (b *builder) parseTypeField(n *yaml.Node, path string) typeRef {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		return b.parseTypeName(n.Value, n, path)
	}
	r := typeRef{prim: "switch"}
	r.switchOn = b.parseSwitch(n, path, func(key *expr, v *yaml.Node, cp string) {
		if s, ok := b.scalar(v, cp); ok {
			r.cases = append(r.cases, switchCase{key: key, kind: b.parseTypeName(s, v, cp)})
		}
	})
	return r
}

func (b *builder) parseContents(n *yaml.Node, path string) []byte {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		return []byte(n.Value)
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		b.fail(n, path, "expected a string or a list of bytes and strings")
		return nil
	}
	var out []byte
	for i, item := range n.Content {
		item = deref(item)
		p := fmt.Sprintf("%s/%d", path, i)
		if item.Tag == "!!int" {
			v, err := strconv.ParseInt(strings.ReplaceAll(item.Value, "_", ""), 0, 64)
			if err != nil || v < 0 || v > 255 {
				b.fail(item, p, "a byte is 0 to 255, got %s", item.Value)
			}
			out = append(out, byte(v))
		} else if s, ok := b.scalar(item, p); ok {
			out = append(out, s...)
		}
	}
	return out
}

func (b *builder) parseValid(n *yaml.Node, path string) *validSpec {
	v := &validSpec{path: path}
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		v.eq = b.expression(n, path)
		return v
	}
	pairs := b.mapping(n, path)
	b.keys(pairs, path, "eq", "min", "max", "any-of", "expr", "in-enum")
	for _, kv := range pairs {
		p := path + "/" + kv[0].Value
		switch kv[0].Value {
		case "eq":
			v.eq = b.expression(kv[1], p)
		case "min":
			v.min = b.expression(kv[1], p)
		case "max":
			v.max = b.expression(kv[1], p)
		case "expr":
			v.expr = b.expression(kv[1], p)
		case "in-enum":
			v.inEnum = b.boolean(kv[1], p)
		case "any-of":
			list := deref(kv[1])
			if list == nil || list.Kind != yaml.SequenceNode {
				b.fail(list, p, "expected a list")
				continue
			}
			for i, item := range list.Content {
				v.anyOf = append(v.anyOf, b.expression(item, fmt.Sprintf("%s/%d", p, i)))
			}
		}
	}
	return v
}

func (b *builder) parseProcess(n *yaml.Node, path string) *processSpec {
	s, ok := b.scalar(n, path)
	if !ok {
		return nil
	}
	name, args, hasArgs := strings.Cut(s, "(")
	p := &processSpec{name: name}
	if hasArgs {
		x, err := b.parse("[" + strings.TrimSuffix(args, ")") + "]")
		if err != nil || !strings.HasSuffix(args, ")") {
			b.fail(n, path, "%q: bad arguments", s)
			return nil
		}
		for _, k := range x.kids {
			p.args = append(p.args, &expr{src: s, n: k, path: path, line: lineOf(n)})
		}
	}
	switch {
	case name == "zlib" && len(p.args) == 0:
	case (name == "xor" || name == "rol" || name == "ror") && len(p.args) == 1:
	default:
		b.fail(n, path, "process %q is not supported: xor(key), rol(n), ror(n) and zlib are", s)
		return nil
	}
	return p
}
