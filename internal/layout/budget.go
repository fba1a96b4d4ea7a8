package layout

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The compiler's budget. A layout is client input: whatever its text, compiling it (parse, resolve, type
// check) costs a bounded amount of CPU and memory, as a decode does (Limits.Steps, Limits.Output). One
// expression is bounded by the constants below; a layout's totals by Limits (0 there takes the default).
const (
	maxExprBytes     = 16 << 10 // bytes of one expression's text
	maxExprNodes     = 4096     // nodes of one expression
	maxTreeDepth     = 256      // depth of one expression's tree, however built (a chain a+b+… one level per operator)
	maxLiteralDigits = 64       // digits of an integer literal, leading zeros aside (a 64-bit integer needs at most 64)
	maxInstanceDepth = 256      // instances whose values wait on each other, at compile time and in a decode
)

// defaultBudget is what a Limits left at 0 takes: well within ~100 ms of CPU and ~64 MB for any layout.
var defaultBudget = Limits{Nodes: 100_000, ExprNodes: 200_000, Checks: 1_000_000, Errors: 100}

// budgeted is lim with each compile bound that was left at 0 set to its default.
func budgeted(lim Limits) Limits {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&lim.Nodes, defaultBudget.Nodes)
	set(&lim.ExprNodes, defaultBudget.ExprNodes)
	set(&lim.Checks, defaultBudget.Checks)
	set(&lim.Errors, defaultBudget.Errors)
	return lim
}

// screenYAML refuses, before anything walks the tree, a document with anchors or aliases (a few hundred
// bytes of them expand to millions of nodes, and a layout has no use for them) or more nodes than max. It
// answers how many nodes it saw.
func screenYAML(doc *yaml.Node, max int) (int, *Problem) {
	stack := []*yaml.Node{doc}
	count := 0
	for ; len(stack) > 0; count++ {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if count >= max {
			return count, &Problem{Path: "/", Line: n.Line, Detail: fmt.Sprintf("the layout has more than %d YAML nodes", max)}
		}
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			return count, &Problem{Path: "/", Line: n.Line, Detail: "YAML anchors and aliases (&name, *name, <<) are not accepted in a layout"}
		}
		for i := len(n.Content) - 1; i >= 0; i-- { // in document order: the first one found is the first written
			stack = append(stack, n.Content[i])
		}
	}
	return count, nil
}

// exprBudget is what is left of Limits.ExprNodes while a layout and its imports are read.
type exprBudget struct {
	left int
	max  int
}

// parse parses one expression of the layout and charges its nodes; over the budget, it is refused.
func (e *exprBudget) parse(src string) (*node, error) {
	n, count, err := parseCounted(src)
	if err != nil {
		return nil, err
	}
	if e.left -= count; e.left < 0 {
		return nil, fmt.Errorf("the layout's expressions have more than %d nodes in all", e.max)
	}
	return n, nil
}
