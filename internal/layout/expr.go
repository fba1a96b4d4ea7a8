package layout

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// node is one parsed expression of Kaitai's expression language.
type node struct {
	op   string // "int", "float", "str", "bool", "name", "enum", "bin", "un", "?:", "attr", "call", "idx", "arr", "as", "sizeof", "bitsizeof"
	ival *big.Int
	fval float64
	sval string // literal text, name, attribute/method name, operator, type name
	enum []string
	kids []*node
}

// exprError is a syntax error at a column of the expression.
type exprError struct {
	src string
	pos int
	msg string
}

func (e *exprError) Error() string {
	return fmt.Sprintf("parsing expression %q failed at position %d: %s", e.src, e.pos+1, e.msg)
}

type token struct {
	kind string // "int", "float", "str", "name", "op", "eof"
	text string
	ival *big.Int
	fval float64
	pos  int
	node *node // an f-string, parsed
}

func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			j, t, err := lexNumber(src, i)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i = j
		case c == 'f' && i+1 < len(src) && src[i+1] == '"':
			n, j, err := lexFString(src, i)
			if err != nil {
				return nil, err
			}
			out = append(out, token{kind: "fstr", node: n, pos: i})
			i = j
		case c == '_' || c < 0x80 && unicode.IsLetter(rune(c)): // identifiers are ASCII (a byte above 0x7f is no letter)
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= '0' && src[j] <= '9' || src[j] < 0x80 && unicode.IsLetter(rune(src[j]))) {
				j++
			}
			out = append(out, token{kind: "name", text: src[i:j], pos: i})
			i = j
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] != '\\' {
					b.WriteByte(src[j])
					continue
				}
				j++
				if j >= len(src) {
					return nil, &exprError{src, j, "unterminated string"}
				}
				switch e := src[j]; e {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case 'a':
					b.WriteByte(7)
				case 'b':
					b.WriteByte(8)
				case 'v':
					b.WriteByte(11)
				case 'f':
					b.WriteByte(12)
				case 'e':
					b.WriteByte(27)
				case '"', '\'', '\\':
					b.WriteByte(e)
				case 'u':
					if j+4 >= len(src) {
						return nil, &exprError{src, j, "bad \\u escape"}
					}
					r, err := strconv.ParseUint(src[j+1:j+5], 16, 32)
					if err != nil {
						return nil, &exprError{src, j, "bad \\u escape"}
					}
					b.WriteRune(rune(r))
					j += 4
				default:
					if e >= '0' && e <= '7' {
						k := j
						for k < len(src) && k < j+3 && src[k] >= '0' && src[k] <= '7' {
							k++
						}
						v, _ := strconv.ParseUint(src[j:k], 8, 32)
						b.WriteRune(rune(v))
						j = k - 1
					} else {
						return nil, &exprError{src, j, "unknown escape \\" + string(e)}
					}
				}
			}
			if j >= len(src) {
				return nil, &exprError{src, i, "unterminated string"}
			}
			out = append(out, token{kind: "str", text: b.String(), pos: i})
			i = j + 1
		case c == '\'':
			j := strings.IndexByte(src[i+1:], '\'')
			if j < 0 {
				return nil, &exprError{src, i, "unterminated string"}
			}
			out = append(out, token{kind: "str", text: src[i+1 : i+1+j], pos: i})
			i += j + 2
		default:
			op := ""
			for _, o := range []string{"::", "<<", ">>", "<=", ">=", "==", "!=", "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "?", ":", ".", ",", "(", ")", "[", "]"} {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				msg := fmt.Sprintf("unexpected %q", src[i:i+1])
				if strings.HasPrefix(src[i:], "&&") || strings.HasPrefix(src[i:], "||") || c == '!' {
					msg += ", did you mean 'and', 'or', 'not'?"
				}
				return nil, &exprError{src, i, msg}
			}
			if op == "&" && strings.HasPrefix(src[i:], "&&") || op == "|" && strings.HasPrefix(src[i:], "||") {
				return nil, &exprError{src, i, "unexpected " + src[i:i+2] + ", did you mean 'and' or 'or'?"}
			}
			out = append(out, token{kind: "op", text: op, pos: i})
			i += len(op)
		}
	}
	return append(out, token{kind: "eof", pos: len(src)}), nil
}

// lexFString reads f"text {expr} text": literal parts with a string's escapes, expressions in braces.
func lexFString(src string, start int) (*node, int, error) {
	n := &node{op: "fstr"}
	i := start + 2
	lit := i
	flush := func(end int) error {
		if end == lit {
			return nil
		}
		toks, err := lex(`"` + src[lit:end] + `"`)
		if err != nil || len(toks) != 2 {
			return &exprError{src, lit, "bad f-string text"}
		}
		n.kids = append(n.kids, &node{op: "str", sval: toks[0].text})
		return nil
	}
	for i < len(src) {
		switch src[i] {
		case '\\':
			i += 2
		case '"':
			if err := flush(i); err != nil {
				return nil, 0, err
			}
			return n, i + 1, nil
		case '{':
			if err := flush(i); err != nil {
				return nil, 0, err
			}
			depth, j := 0, i
			for ; j < len(src); j++ {
				if src[j] == '\'' {
					k := strings.IndexByte(src[j+1:], '\'')
					if k < 0 {
						return nil, 0, &exprError{src, j, "unterminated string"}
					}
					j += k + 1
					continue
				}
				if src[j] == '{' {
					depth++
				} else if src[j] == '}' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if j >= len(src) {
				return nil, 0, &exprError{src, i, "unterminated { in f-string"}
			}
			x, err := parseExpr(src[i+1 : j])
			if err != nil {
				return nil, 0, err
			}
			n.kids = append(n.kids, x)
			i = j + 1
			lit = i
		default:
			i++
		}
	}
	return nil, 0, &exprError{src, start, "unterminated f-string"}
}

func lexNumber(src string, i int) (int, token, error) {
	j := i
	base := 10
	if src[i] == '0' && i+1 < len(src) {
		switch src[i+1] {
		case 'x', 'X':
			base = 16
		case 'b', 'B':
			base = 2
		case 'o', 'O':
			base = 8
		}
	}
	if base != 10 {
		j = i + 2
		k := j
		for k < len(src) && (isDigit(src[k], base) || src[k] == '_') {
			k++
		}
		v, err := intLiteral(src, i, strings.ReplaceAll(src[j:k], "_", ""), base)
		return k, token{kind: "int", ival: v, pos: i, text: src[i:k]}, err
	}
	for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
		j++
	}
	float := false
	if j+1 < len(src) && src[j] == '.' && src[j+1] >= '0' && src[j+1] <= '9' {
		float = true
		j++
		for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && src[k] >= '0' && src[k] <= '9' {
			float = true
			for k < len(src) && src[k] >= '0' && src[k] <= '9' {
				k++
			}
			j = k
		}
	}
	text := strings.ReplaceAll(src[i:j], "_", "")
	if float {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return 0, token{}, &exprError{src, i, "bad number"}
		}
		return j, token{kind: "float", fval: f, pos: i, text: src[i:j]}, nil
	}
	v, err := intLiteral(src, i, text, 10)
	return j, token{kind: "int", ival: v, pos: i, text: src[i:j]}, err
}

// intLiteral reads an integer literal's digits: refused when they do not fit 64 bits (an integer is at most
// a u8), its length checked before any arithmetic on it.
func intLiteral(src string, at int, digits string, base int) (*big.Int, error) {
	if d := len(strings.TrimLeft(digits, "0")); d > maxLiteralDigits {
		return nil, &exprError{src[at:at+16] + "…", 0, fmt.Sprintf("an integer literal of %d digits does not fit in 64 bits", d)}
	}
	v, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return nil, &exprError{src, at, "bad number"}
	}
	if v.BitLen() > 64 {
		return nil, &exprError{src, at, fmt.Sprintf("the integer %s does not fit in 64 bits", v)}
	}
	return v, nil
}

func isDigit(c byte, base int) bool {
	switch base {
	case 2:
		return c == '0' || c == '1'
	case 8:
		return c >= '0' && c <= '7'
	default:
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	}
}

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

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }
func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == "op" && t.text == s
}
func (p *parser) isKw(s string) bool {
	t := p.peek()
	return t.kind == "name" && t.text == s
}
func (p *parser) expect(s string) error {
	if !p.isOp(s) {
		return &exprError{p.src, p.peek().pos, "expected " + s}
	}
	p.i++
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxExprDepth {
		return &exprError{p.src, p.peek().pos, "expression nested too deeply"}
	}
	return nil
}

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
	return &node{op: "?:", kids: []*node{c, a, b}}, nil
}

func (p *parser) or() (*node, error) {
	l, err := p.and()
	for err == nil && p.isKw("or") {
		p.i++
		var r *node
		if r, err = p.and(); err == nil {
			l = &node{op: "bin", sval: "or", kids: []*node{l, r}}
		}
	}
	return l, err
}

func (p *parser) and() (*node, error) {
	l, err := p.not()
	for err == nil && p.isKw("and") {
		p.i++
		var r *node
		if r, err = p.not(); err == nil {
			l = &node{op: "bin", sval: "and", kids: []*node{l, r}}
		}
	}
	return l, err
}

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
		return &node{op: "un", sval: "not", kids: []*node{x}}, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (*node, error) {
	l, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if p.isOp(op) {
			p.i++
			r, err := p.binary(0)
			if err != nil {
				return nil, err
			}
			return &node{op: "bin", sval: op, kids: []*node{l, r}}, nil
		}
	}
	return l, nil
}

// levels of the binary operators from loosest to tightest.
var levels = [][]string{{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}}

func (p *parser) binary(level int) (*node, error) {
	if level == len(levels) {
		return p.unary()
	}
	l, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op := ""
		for _, o := range levels[level] {
			if p.isOp(o) {
				op = o
			}
		}
		if op == "" {
			return l, nil
		}
		p.i++
		r, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &node{op: "bin", sval: op, kids: []*node{l, r}}
	}
}

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
			if op == "-" && x.op == "int" {
				v := new(big.Int).Neg(x.ival)
				if v.Sign() < 0 && !v.IsInt64() {
					return nil, &exprError{p.src, p.peek().pos, fmt.Sprintf("the integer %s does not fit in 64 bits", v)}
				}
				return &node{op: "int", ival: v}, nil
			}
			if op == "-" && x.op == "float" {
				return &node{op: "float", fval: -x.fval}, nil
			}
			return &node{op: "un", sval: op, kids: []*node{x}}, nil
		}
	}
	return p.postfix()
}

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
				x = &node{op: "as", sval: name, kids: []*node{x}}
				continue
			}
			if p.isOp("(") {
				p.i++
				args, err := p.list(")")
				if err != nil {
					return nil, err
				}
				x = &node{op: "call", sval: t.text, kids: append([]*node{x}, args...)}
				continue
			}
			x = &node{op: "attr", sval: t.text, kids: []*node{x}}
		case p.isOp("["):
			p.i++
			i, err := p.ternary()
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &node{op: "idx", kids: []*node{x, i}}
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
			continue
		}
		return out, p.expect(end)
	}
}

func (p *parser) atom() (*node, error) {
	t := p.next()
	switch t.kind {
	case "int":
		return &node{op: "int", ival: t.ival}, nil
	case "float":
		return &node{op: "float", fval: t.fval}, nil
	case "fstr":
		return t.node, nil
	case "str":
		n := &node{op: "str", sval: t.text}
		for p.peek().kind == "str" { // adjacent literals concatenate
			n.sval += p.next().text
		}
		return n, nil
	case "name":
		switch t.text {
		case "true", "false":
			return &node{op: "bool", sval: t.text}, nil
		case "sizeof", "bitsizeof":
			if p.isOp("<") {
				p.i++
				name, err := p.typeName()
				if err != nil {
					return nil, err
				}
				return &node{op: t.text, sval: name}, nil
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
			return &node{op: "enum", enum: parts}, nil
		}
		return &node{op: "name", sval: t.text}, nil
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
			return &node{op: "arr", kids: items}, nil
		}
	}
	if t.kind == "eof" {
		return nil, &exprError{p.src, t.pos, "unexpected end of input"}
	}
	return nil, &exprError{p.src, t.pos, fmt.Sprintf("unexpected %q", p.src[t.pos:])}
}
