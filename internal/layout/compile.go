package layout

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"go.yaml.in/yaml/v3"
)

type bigInt = big.Int

// Importer finds an imported layout's source. from is the key of the importing document ("" for the one being
// compiled), name the id its meta/imports names (the last part of a Kaitai path: /common/vlq_base128_le and
// ../vlq_base128_le are vlq_base128_le); it answers the imported document's key (how a cycle is seen) and its
// text.
type Importer func(from, name string) (key string, src []byte, err error)

// Limits bound what one layout may make the compiler and the decoder do: a layout is client input.
type Limits struct {
	Source  int // bytes of layout text (each document)
	Imports int // documents in all, the imported ones included
	Depth   int // nesting of user types while decoding
	Steps   int // attributes read, array items and expression nodes evaluated, per decode
	Items   int // elements of one array
	Output  int // bytes of decoded strings, byte arrays and processed buffers, per decode

	// The compiler's budget (0: the default, defaultBudget): what one layout may make compiling cost.
	Nodes     int // YAML nodes of one document
	ExprNodes int // nodes of all the layout's expressions, the imported layouts' included
	Checks    int // type checker steps: expression nodes typed
	Errors    int // problems listed; past them, one more says how many were left out
}

// DefaultLimits are generous for any real producer's struct and small for a machine.
var DefaultLimits = Limits{Source: MaxSource, Imports: 32, Depth: 64, Steps: 2_000_000, Items: 1_000_000, Output: 64 << 20}

// Layout is a compiled layout: compile once, decode many times. It is immutable and safe for concurrent use.
type Layout struct {
	ID          string
	root        *typeSpec
	limits      Limits
	Consistency *Consistency
	// VersionChecks are what the memory must hold for the layout to describe it (meta/-shmbridge/version): a
	// frame that fails one is not decoded (view.Decode).
	VersionChecks []VersionCheck
	// Title is the layout's meta/title ("" if it has none).
	Title string
	// Pack is the packing of the C struct the layout describes (meta/-shmbridge/pack, as #pragma pack(n)):
	// its numbers are at multiples of min(their size, Pack). 0 when the layout does not say.
	Pack int
	// Fixed is the size of the top-level type when it does not depend on the data (-1 otherwise).
	Fixed int
	// Prefix is how many leading bytes a decode reads when that is known without the data: Fixed, unless the
	// layout looks at its stream as a whole (_io, size-eos, repeat: eos, an instance at a pos); -1 then, and
	// a decode needs the whole mapping.
	Prefix int
	// Fields are the statically placed fields: those whose offset and size are known without the data.
	Fields []Field
}

// Field is one statically placed field of a layout.
type Field struct {
	Path   string `json:"path"`
	Offset int    `json:"offset"`
	Size   int    `json:"size"`
	Type   string `json:"type"`
	// Bit and Bits place a bit field inside its bytes (Bit counted as the layout's bit-endian reads).
	Bit  int `json:"bit,omitempty"`
	Bits int `json:"bits,omitempty"`
	// Endian is a multi-byte number's byte order ("" where the type's endianness is decided by the data).
	Endian string `json:"endian,omitempty"`

	attr   *attr
	bitsLE bool
}

// Compile reads a .ksy document and everything it imports, and checks it: every problem found is in the
// Problems it returns.
func Compile(src []byte, imp Importer, lim Limits) (*Layout, error) {
	return CompileContext(context.Background(), src, imp, lim)
}

// CompileContext is Compile that stops, with ctx's error (not Problems), soon after ctx ends: between
// documents and phases, and within ctxSteps steps of the type check.
func CompileContext(ctx context.Context, src []byte, imp Importer, lim Limits) (*Layout, error) {
	return compileShared(ctx, src, imp, nil, lim)
}

// Shared answers an import (by the key its Importer answered) already compiled, or nil: it is then compiled
// from its source. What it answers is shared, never changed: a compile only reads it.
type Shared func(key string) *Layout

// compileShared is Compile taking the imports that share answers as they are, not compiling them again.
func compileShared(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error) {
	l, _, err := compileCounted(ctx, src, imp, share, lim)
	return l, err
}

// cost is what a compile took, in the units of its budget (Limits.Nodes, ExprNodes, Checks), and how many
// documents it parsed (the layout and the imports it compiled from their source).
type cost struct {
	nodes, exprNodes, checks, docs int
}

// compileCounted is compileShared that also answers what the compile cost.
func compileCounted(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, cost, error) {
	c := &compiler{ctx: ctx, imp: imp, share: share, lim: budgeted(lim), files: map[string]*fileSpec{}, seen: map[Problem]bool{}}
	c.exprs = &exprBudget{left: c.lim.ExprNodes, max: c.lim.ExprNodes}
	l, err := c.compile(src, lim)
	return l, cost{nodes: c.nodes, exprNodes: c.exprs.max - c.exprs.left, checks: c.checks, docs: len(c.order)}, err
}

// compile parses, resolves, sizes and checks src and its imports into a Layout, or answers every problem found.
func (c *compiler) compile(src []byte, lim Limits) (*Layout, error) {
	f := c.load("", src, "/")
	if c.stopped() {
		return nil, c.stop
	}
	if f == nil || f.root == nil {
		return nil, c.refusal()
	}
	// Every problem at once: what did not parse is left out of what is resolved and checked.
	c.resolveAll()
	for _, g := range c.order {
		sizeTypes(g.root)
	}
	c.typecheck()
	if c.stopped() {
		return nil, c.stop
	}
	if len(c.problems) > 0 {
		return nil, c.refusal()
	}
	l := &Layout{ID: f.id, root: f.root, limits: lim, Consistency: f.consistency, Pack: f.pack, Title: f.title}
	l.Fixed, l.Fields = describeLayout(f.root)
	l.Prefix = l.Fixed
	for _, g := range append(c.order, c.shared...) {
		if readsWholeStream(g.root) {
			l.Prefix = -1
		}
	}
	if f.consistency != nil {
		if err := f.consistency.check(l); err != nil {
			return nil, Problems{{Path: "/meta/-shmbridge/consistency", Detail: err.Error()}}
		}
	}
	if ps := checkVersions(f.versions, l); len(ps) > 0 {
		return nil, ps
	}
	l.VersionChecks = f.versions
	return l, nil
}

type compiler struct {
	ctx      context.Context // its end stops the compile (stop)
	stop     error           // why the compile stopped: ctx's end
	imp      Importer
	share    Shared
	lim      Limits
	files    map[string]*fileSpec // by key (and the layout's own by its id)
	order    []*fileSpec          // the documents parsed here: resolved, sized and checked here
	shared   []*fileSpec          // the documents taken compiled (share): only read
	problems Problems
	loading  int
	exprs    *exprBudget
	nodes    int              // YAML nodes read
	checks   int              // type checker steps taken
	seen     map[Problem]bool // the problems listed: each once
	more     int              // problems past lim.Errors, not listed
}

// ctxSteps is how many steps (of a type check, of a decode) pass between two looks at whether the context
// has ended: a compile or decode stops within as many steps of it.
const ctxSteps = 4096

// stopped says whether ctx has ended, noting why in stop.
func (c *compiler) stopped() bool {
	if c.stop == nil && c.ctx.Err() != nil {
		c.stop = fmt.Errorf("the compile stopped: %w", c.ctx.Err())
	}
	return c.stop != nil
}

// add lists a problem once, up to lim.Errors of them; past that it only counts it.
func (c *compiler) add(p Problem) {
	if c.seen[p] {
		return
	}
	if len(c.problems) >= c.lim.Errors {
		c.more++
		return
	}
	c.seen[p] = true
	c.problems = append(c.problems, p)
}

// refusal is the problems found, and how many more there were.
func (c *compiler) refusal() Problems {
	if c.more == 0 {
		return c.problems
	}
	return append(c.problems, Problem{Path: "/", Detail: fmt.Sprintf("and %d more problems", c.more)})
}

// load parses one document and, depth first, what it imports.
func (c *compiler) load(key string, src []byte, at string) *fileSpec {
	if len(src) > c.lim.Source {
		c.add(Problem{Path: at, Detail: fmt.Sprintf("the layout is %d bytes; at most %d are accepted", len(src), c.lim.Source)})
		return nil
	}
	c.loading++
	if c.stopped() {
		return nil
	}
	if c.loading > c.lim.Imports {
		c.add(Problem{Path: at, Detail: fmt.Sprintf("more than %d layouts imported", c.lim.Imports)})
		return nil
	}
	doc, p := c.parseYAML(src)
	if p != nil {
		if key != "" {
			p.Detail = key + ": " + p.Detail
			p.Path, p.Line = at, 0
		}
		c.add(*p)
		return nil
	}
	f := &fileSpec{key: key}
	c.files[key] = f
	b := &builder{file: f, exprs: c.exprs}
	f.root = b.parseFile(doc)
	c.order = append(c.order, f)
	if key == "" && f.id != "" {
		c.files[f.id] = f // a cycle back to the layout being compiled finds it by its id
	}
	for _, p := range b.problems {
		if key != "" { // a problem in an imported layout: say which, where it was imported
			p.Detail = fmt.Sprintf("in imported layout %q at %s (line %d): %s", key, p.Path, p.Line, p.Detail)
			p.Path, p.Line = at, 0
		}
		c.add(p)
	}
	for _, im := range b.imports {
		if c.imp == nil {
			c.add(Problem{Path: im.path, Line: im.node.Line, Detail: fmt.Sprintf("no layouts to import %q from", im.name)})
			continue
		}
		k, text, err := c.imp(key, im.name)
		if err != nil {
			c.add(Problem{Path: im.path, Line: im.node.Line, Detail: err.Error()})
			continue
		}
		if g, ok := c.files[k]; ok {
			f.imports = append(f.imports, g) // a cycle, or a diamond: the same document
			continue
		}
		if g := c.attach(k); g != nil {
			f.imports = append(f.imports, g)
			continue
		}
		where := im.path
		if key != "" {
			where = at
		}
		if g := c.load(k, text, where); g != nil {
			f.imports = append(f.imports, g)
		}
	}
	return f
}

// attach takes the import k already compiled, with what it imports, when share has it and it agrees with
// what this compile has loaded (no other document under one of its names: a cycle back to the layout being
// compiled is compiled from its source) within lim.Imports. Nil: compile it from its source.
func (c *compiler) attach(k string) *fileSpec {
	if c.share == nil {
		return nil
	}
	l := c.share(k)
	if l == nil || l.root == nil || l.root.file == nil {
		return nil
	}
	reach := map[string]*fileSpec{}
	if !reachable(l.root.file, k, reach) {
		return nil
	}
	added := 0
	for name, g := range reach {
		if have, ok := c.files[name]; ok && have != g {
			return nil
		} else if !ok {
			added++
		}
	}
	if c.loading+added > c.lim.Imports {
		return nil // compiled from its source, which says where the limit was passed
	}
	c.loading += added
	for name, g := range reach {
		if _, ok := c.files[name]; !ok {
			c.files[name] = g
			c.shared = append(c.shared, g)
		}
	}
	return l.root.file
}

// reachable collects f (named name) and the documents it imports, directly or not, by name (the key each
// was imported by, or its id); false when two of them have one name.
func reachable(f *fileSpec, name string, into map[string]*fileSpec) bool {
	if g, ok := into[name]; ok {
		return g == f
	}
	into[name] = f
	for _, g := range f.imports {
		if !reachable(g, cmp.Or(g.key, g.id), into) {
			return false
		}
	}
	return true
}

// fail notes a problem at path and line.
func (c *compiler) fail(path string, line int, format string, args ...any) {
	c.add(Problem{Path: path, Line: line, Detail: fmt.Sprintf(format, args...)})
}

// parseYAML reads a layout's one YAML document and screens it (screenYAML); a second document is refused,
// not ignored.
func (c *compiler) parseYAML(src []byte) (*yaml.Node, *Problem) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlProblem(err)
	}
	if err := dec.Decode(&next); err == nil {
		return nil, &Problem{Path: "/", Line: next.Line, Detail: "a layout is one YAML document: a second one begins here"}
	} else if err != io.EOF {
		return nil, yamlProblem(err)
	}
	n, p := screenYAML(&doc, c.lim.Nodes)
	if c.nodes += n; p != nil {
		return nil, p
	}
	return &doc, nil
}

// yamlProblem is a YAML parser's error as a problem.
func yamlProblem(err error) *Problem {
	p := &Problem{Path: "/", Detail: err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		p.Detail = strings.Join(te.Errors, "; ")
	}
	return p
}
