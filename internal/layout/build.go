package layout

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

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

// fail notes a problem at path, on n's line.
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

// deref is the node n stands for: an alias's target, a document's content (nil for an empty document).
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

// describe says what n is, for a problem's text.
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

// boolean reads true or false; it reports anything else.
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

// encoding reads an encoding's name. One the interpreter does not know is taken, as Kaitai's compiler takes
// it: reading a string in it fails (decodeString), as it does in Kaitai's runtimes.
func (b *builder) encoding(n *yaml.Node, path string) string {
	s, _ := b.scalar(n, path)
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

// keys reports the keys of pairs not in allowed (a key beginning with - is an extension: let be).
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

// pathOr is p, or / for the top level's empty path.
func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// clip shortens what a problem quotes of the layout.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// lineOf is n's line (0 for no node).
func lineOf(n *yaml.Node) int {
	if n = deref(n); n != nil {
		return n.Line
	}
	return 0
}
