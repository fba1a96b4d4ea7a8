package layout

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// exprError is a syntax error at a column of the expression.
type exprError struct {
	src string
	pos int
	msg string
}

// Error says where the expression fails to parse, and why.
func (e *exprError) Error() string {
	return fmt.Sprintf("parsing expression %q failed at position %d: %s", e.src, e.pos+1, e.msg)
}

// token is one lexeme of an expression.
type token struct {
	kind string // "int", "float", "str", "fstr", "name", "op", "eof"
	text string
	ival *big.Int
	fval float64
	pos  int
	node *node // an f-string, parsed
}

// lex splits an expression into tokens, ending with an "eof" one.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		var t token
		j, err := i+1, error(nil)
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c >= '0' && c <= '9':
			j, t, err = lexNumber(src, i)
		case c == 'f' && i+1 < len(src) && src[i+1] == '"':
			var n *node
			n, j, err = lexFString(src, i)
			t = token{kind: "fstr", node: n, pos: i}
		case isNameByte(c) && (c < '0' || c > '9'):
			for j < len(src) && isNameByte(src[j]) {
				j++
			}
			t = token{kind: "name", text: src[i:j], pos: i}
		case c == '"':
			t, j, err = lexString(src, i)
		case c == '\'':
			k := strings.IndexByte(src[i+1:], '\'')
			if k < 0 {
				return nil, &exprError{src, i, "unterminated string"}
			}
			t, j = token{kind: "str", text: src[i+1 : i+1+k], pos: i}, i+k+2
		default:
			t, err = lexOp(src, i)
			j = i + len(t.text)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		i = j
	}
	return append(out, token{kind: "eof", pos: len(src)}), nil
}

// isNameByte says whether c may be part of an identifier: identifiers are ASCII (a byte above 0x7f is no
// letter).
func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c < 0x80 && unicode.IsLetter(rune(c))
}

// operators are the operator and punctuation tokens, the longer before their prefixes.
var operators = []string{"::", "<<", ">>", "<=", ">=", "==", "!=", "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "?", ":", ".", ",", "(", ")", "[", "]"}

// lexOp reads the operator at src[i]; C's && || ! are refused with a hint at and, or, not.
func lexOp(src string, i int) (token, error) {
	op := ""
	for _, o := range operators {
		if strings.HasPrefix(src[i:], o) {
			op = o
			break
		}
	}
	if op == "" {
		msg := fmt.Sprintf("unexpected %q", src[i:i+1])
		if strings.HasPrefix(src[i:], "&&") || strings.HasPrefix(src[i:], "||") || src[i] == '!' {
			msg += ", did you mean 'and', 'or', 'not'?"
		}
		return token{}, &exprError{src, i, msg}
	}
	if op == "&" && strings.HasPrefix(src[i:], "&&") || op == "|" && strings.HasPrefix(src[i:], "||") {
		return token{}, &exprError{src, i, "unexpected " + src[i:i+2] + ", did you mean 'and' or 'or'?"}
	}
	return token{kind: "op", text: op, pos: i}, nil
}

// lexString reads the double-quoted string at src[i], its escapes decoded; it answers where it ends.
func lexString(src string, i int) (token, int, error) {
	var b strings.Builder
	j := i + 1
	for ; j < len(src) && src[j] != '"'; j++ {
		if src[j] != '\\' {
			b.WriteByte(src[j])
			continue
		}
		j++
		if j >= len(src) {
			return token{}, 0, &exprError{src, j, "unterminated string"}
		}
		var err error
		if j, err = lexEscape(src, j, &b); err != nil {
			return token{}, 0, err
		}
	}
	if j >= len(src) {
		return token{}, 0, &exprError{src, i, "unterminated string"}
	}
	return token{kind: "str", text: b.String(), pos: i}, j + 1, nil
}

// escapes are the one-letter escapes of a double-quoted string.
var escapes = map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'a': 7, 'b': 8, 'v': 11, 'f': 12, 'e': 27, '"': '"', '\'': '\'', '\\': '\\'}

// lexEscape writes the escape whose letter is at src[j] (after its backslash) to b; it answers the index of
// the escape's last byte.
func lexEscape(src string, j int, b *strings.Builder) (int, error) {
	e := src[j]
	if c, ok := escapes[e]; ok {
		b.WriteByte(c)
		return j, nil
	}
	switch {
	case e == 'u':
		if j+4 >= len(src) {
			return 0, &exprError{src, j, "bad \\u escape"}
		}
		r, err := strconv.ParseUint(src[j+1:j+5], 16, 32)
		if err != nil {
			return 0, &exprError{src, j, "bad \\u escape"}
		}
		b.WriteRune(rune(r))
		return j + 4, nil
	case e >= '0' && e <= '7':
		k := j
		for k < len(src) && k < j+3 && src[k] >= '0' && src[k] <= '7' {
			k++
		}
		v, _ := strconv.ParseUint(src[j:k], 8, 32)
		b.WriteRune(rune(v))
		return k - 1, nil
	}
	return 0, &exprError{src, j, "unknown escape \\" + string(e)}
}

// lexFString reads f"text {expr} text": literal parts with a string's escapes, expressions in braces.
func lexFString(src string, start int) (*node, int, error) {
	n := &node{op: opFString}
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
		n.kids = append(n.kids, strNode(toks[0].text))
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
			j, err := closingBrace(src, i)
			if err != nil {
				return nil, 0, err
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

// closingBrace finds the } that closes the { at src[i] (skipping single-quoted strings).
func closingBrace(src string, i int) (int, error) {
	depth, j := 0, i
	for ; j < len(src); j++ {
		if src[j] == '\'' {
			k := strings.IndexByte(src[j+1:], '\'')
			if k < 0 {
				return 0, &exprError{src, j, "unterminated string"}
			}
			j += k + 1
			continue
		}
		if src[j] == '{' {
			depth++
		} else if src[j] == '}' {
			if depth--; depth == 0 {
				return j, nil
			}
		}
	}
	return 0, &exprError{src, i, "unterminated { in f-string"}
}

// lexNumber reads the number at src[i]: an integer (0x, 0b, 0o prefixes, _ separators) or a float.
func lexNumber(src string, i int) (int, token, error) {
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
		j := i + 2
		k := j
		for k < len(src) && (isDigit(src[k], base) || src[k] == '_') {
			k++
		}
		v, err := intLiteral(src, i, strings.ReplaceAll(src[j:k], "_", ""), base)
		return k, token{kind: "int", ival: v, pos: i, text: src[i:k]}, err
	}
	j, float := decimalEnd(src, i)
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

// decimalEnd finds where the decimal number at src[i] ends, and whether it is a float (a fraction, a dot
// ending it, or an exponent).
func decimalEnd(src string, i int) (int, bool) {
	j := i
	for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
		j++
	}
	float := false
	if j < len(src) && src[j] == '.' && (j+1 == len(src) || !isNameStart(src[j+1]) && src[j+1] != '.') {
		float = true // 1.5, and 24000. (a dot followed by a name is a method: 1.to_s)
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
	return j, float
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

// isDigit says whether c is a digit of base 2, 8 or 16.
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

// isNameStart says whether c can begin a name.
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
