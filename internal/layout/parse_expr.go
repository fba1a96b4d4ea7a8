package layout

import (
	"fmt"
	"math/big"
	"strings"
)

type parser struct {
	src  string
	toks []token
	i    int
	// depth bounds the parser's recursion: an expression is client input.
	depth int
}

const maxExprDepth = 64

// parseExpr parses one expression, within the bounds of one (maxExprBytes, maxExprNodes, maxTreeDepth).
func parseExpr(src string) (*node, error) {
	n, _, err := parseCounted(src)
	return n, err
}

// parseCounted parses one expression and counts its nodes.
func parseCounted(src string) (*node, int, error) {
	if len(src) > maxExprBytes {
		return nil, 0, &exprError{src[:32], 0, fmt.Sprintf("the expression is %d bytes; at most %d are accepted", len(src), maxExprBytes)}
	}
	n, err := parseTree(src)
	if err != nil {
		return nil, 0, err
	}
	count, ok := measure(n, 1, new(int))
	if !ok {
		return nil, 0, &exprError{src, 0, fmt.Sprintf("the expression is more than %d nodes or %d levels deep", maxExprNodes, maxTreeDepth)}
	}
	return n, count, nil
}

// measure counts n's nodes into *count; false once they are more than maxExprNodes or deeper than
// maxTreeDepth.
func measure(n *node, depth int, count *int) (int, bool) {
	*count++
	if *count > maxExprNodes || depth > maxTreeDepth {
		return *count, false
	}
	for _, k := range n.kids {
		if _, ok := measure(k, depth+1, count); !ok {
			return *count, false
		}
	}
	return *count, true
}

// parseTree parses src into its tree.
func parseTree(src string) (*node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.ternary()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, &exprError{src, t.pos, "expected end of input"}
	}
	return n, nil
}

// peek is the next token.
func (p *parser) peek() token { return p.toks[p.i] }

// next is the next token, consumed.
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

// isOp says whether the next token is the operator s.
func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == "op" && t.text == s
}

// operator is the operator of ops the next token is, if it is one.
func (p *parser) operator(ops map[string]nodeOp) (nodeOp, bool) {
	t := p.peek()
	if t.kind != "op" {
		return 0, false
	}
	op, ok := ops[t.text]
	return op, ok
}

// isKw says whether the next token is the keyword s.
func (p *parser) isKw(s string) bool {
	t := p.peek()
	return t.kind == "name" && t.text == s
}

// expect consumes the operator s, refusing anything else.
func (p *parser) expect(s string) error {
	if !p.isOp(s) {
		return &exprError{p.src, p.peek().pos, "expected " + s}
	}
	p.i++
	return nil
}

// enter goes one level deeper into the expression, refusing more than maxExprDepth.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxExprDepth {
		return &exprError{p.src, p.peek().pos, "expression nested too deeply"}
	}
	return nil
}

// ternary parses c ? a : b, the loosest expression.
func (p *parser) ternary() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	c, err := p.or()
	if err != nil || !p.isOp("?") {
		return c, err
	}
	p.i++
	a, err := p.ternary()
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	b, err := p.ternary()
	if err != nil {
		return nil, err
	}
	return &node{op: opChoice, kids: []*node{c, a, b}}, nil
}

// or parses a or b or ….
func (p *parser) or() (*node, error) {
	l, err := p.and()
	for err == nil && p.isKw("or") {
		p.i++
		var r *node
		if r, err = p.and(); err == nil {
			l = &node{op: opOr, kids: []*node{l, r}}
		}
	}
	return l, err
}

// and parses a and b and ….
func (p *parser) and() (*node, error) {
	l, err := p.not()
	for err == nil && p.isKw("and") {
		p.i++
		var r *node
		if r, err = p.not(); err == nil {
			l = &node{op: opAnd, kids: []*node{l, r}}
		}
	}
	return l, err
}

// not parses not x.
func (p *parser) not() (*node, error) {
	if p.isKw("not") {
		p.i++
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &node{op: opNot, kids: []*node{x}}, nil
	}
	return p.comparison()
}

// comparison parses a == b (and !=, <, <=, >, >=): one comparison, not chained.
func (p *parser) comparison() (*node, error) {
	l, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	op, ok := p.operator(comparisons)
	if !ok {
		return l, nil
	}
	p.i++
	r, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	return &node{op: op, kids: []*node{l, r}}, nil
}

// binary parses the binary operators of levels[level] and tighter, left to right.
func (p *parser) binary(level int) (*node, error) {
	if level == len(levels) {
		return p.unary()
	}
	l, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op, ok := p.operator(levels[level])
		if !ok {
			return l, nil
		}
		p.i++
		r, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &node{op: op, kids: []*node{l, r}}
	}
}

// unary parses -x, ~x and +x (a negative literal is a literal).
func (p *parser) unary() (*node, error) {
	for _, op := range []string{"-", "~", "+"} {
		if p.isOp(op) {
			p.i++
			if err := p.enter(); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			x, err := p.unary()
			if err != nil {
				return nil, err
			}
			if op == "+" {
				return x, nil
			}
			if op == "-" && x.op == opInt {
				v := new(big.Int).Neg(x.ival)
				if v.Sign() < 0 && !v.IsInt64() {
					return nil, &exprError{p.src, p.peek().pos, fmt.Sprintf("the integer %s does not fit in 64 bits", v)}
				}
				return intNode(v), nil
			}
			if op == "-" && x.op == opFloat {
				return floatNode(-x.val.(float64)), nil
			}
			if op == "-" {
				return &node{op: opNeg, kids: []*node{x}}, nil
			}
			return &node{op: opInv, kids: []*node{x}}, nil
		}
	}
	return p.postfix()
}

// postfix parses x.name, x.name(args), x.as<type> and x[i].
func (p *parser) postfix() (*node, error) {
	x, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isOp("."):
			p.i++
			t := p.next()
			if t.kind != "name" {
				return nil, &exprError{p.src, t.pos, "expected a name after ."}
			}
			if t.text == "as" && p.isOp("<") {
				p.i++
				name, err := p.typeName()
				if err != nil {
					return nil, err
				}
				x = &node{op: opAs, sval: name, kids: []*node{x}}
				continue
			}
			if p.isOp("(") {
				p.i++
				args, err := p.list(")")
				if err != nil {
					return nil, err
				}
				x = &node{op: opCall, sval: t.text, kids: append([]*node{x}, args...)}
				continue
			}
			x = &node{op: opAttr, sval: t.text, kids: []*node{x}}
		case p.isOp("["):
			p.i++
			i, err := p.ternary()
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &node{op: opIndex, kids: []*node{x, i}}
		default:
			return x, nil
		}
	}
}

// typeName reads `name(::name)*` (and an optional `[]`) up to the closing >.
func (p *parser) typeName() (string, error) {
	var parts []string
	for {
		t := p.next()
		if t.kind != "name" {
			return "", &exprError{p.src, t.pos, "expected a type name"}
		}
		parts = append(parts, t.text)
		if !p.isOp("::") {
			break
		}
		p.i++
	}
	name := strings.Join(parts, "::")
	if p.isOp("[") {
		p.i++
		if err := p.expect("]"); err != nil {
			return "", err
		}
		name += "[]"
	}
	if p.isOp(">>") { // `as<a<b>>` is not in the language; `>` alone closes
		return "", &exprError{p.src, p.peek().pos, "expected >"}
	}
	return name, p.expect(">")
}

// list parses expressions separated by commas up to end.
func (p *parser) list(end string) ([]*node, error) {
	var out []*node
	if p.isOp(end) {
		p.i++
		return out, nil
	}
	for {
		x, err := p.ternary()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
		if p.isOp(",") {
			p.i++
			if p.isOp(end) { // a trailing comma, as Kaitai allows: [1, 2, ]
				p.i++
				return out, nil
			}
			continue
		}
		return out, p.expect(end)
	}
}

// atom parses a literal, a name, enum::member, sizeof<type>, (x) or [a, b].
func (p *parser) atom() (*node, error) {
	t := p.next()
	switch t.kind {
	case "int":
		return intNode(t.ival), nil
	case "float":
		return floatNode(t.fval), nil
	case "fstr":
		return t.node, nil
	case "str":
		s := t.text
		for p.peek().kind == "str" { // adjacent literals concatenate
			s += p.next().text
		}
		return strNode(s), nil
	case "name":
		switch t.text {
		case "true", "false":
			return boolNode(t.text), nil
		case "sizeof", "bitsizeof":
			if p.isOp("<") {
				p.i++
				name, err := p.typeName()
				if err != nil {
					return nil, err
				}
				op := opSizeof
				if t.text == "bitsizeof" {
					op = opBitsizeof
				}
				return &node{op: op, sval: name}, nil
			}
		case "and", "or", "not":
			return nil, &exprError{p.src, t.pos, "unexpected " + t.text}
		}
		if p.isOp("::") {
			parts := []string{t.text}
			for p.isOp("::") {
				p.i++
				n := p.next()
				if n.kind != "name" {
					return nil, &exprError{p.src, n.pos, "expected a name after ::"}
				}
				parts = append(parts, n.text)
			}
			return &node{op: opEnum, sval: strings.Join(parts, "::")}, nil
		}
		return &node{op: opName, sval: t.text}, nil
	case "op":
		switch t.text {
		case "(":
			if err := p.enter(); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			x, err := p.ternary()
			if err != nil {
				return nil, err
			}
			return x, p.expect(")")
		case "[":
			if err := p.enter(); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			items, err := p.list("]")
			if err != nil {
				return nil, err
			}
			return &node{op: opArray, kids: items}, nil
		}
	}
	if t.kind == "eof" {
		return nil, &exprError{p.src, t.pos, "unexpected end of input"}
	}
	return nil, &exprError{p.src, t.pos, fmt.Sprintf("unexpected %q", p.src[t.pos:])}
}
