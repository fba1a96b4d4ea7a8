package cdecl

import (
	"bytes"
	"strings"
)

// tok is a token of the header as the scanner sees it: an identifier, a number, a string or character
// literal, or one punctuation character (:: is one token). Preprocessor lines and comments are not tokens.
type tok struct {
	text       string
	off        int // byte offset in the header
	line, col  int // 1-based; col counts bytes, as the C front end's positions do
	ident, lit bool
	// inactive: in a branch of #if the compiler of C skips (#ifdef __cplusplus, #if 0), seen by no check.
	inactive bool
}

// comment is a comment of the header: its text without the markers, its lines, and whether code comes before
// it on its first line (a comment trailing a member).
type comment struct {
	text               string
	off                int
	startLine, endLine int
	trailing           bool
}

// scanned is the header split for the rewrite: its tokens outside preprocessor lines and its comments.
type scanned struct {
	toks     []tok
	comments []comment
	// pp holds the byte ranges of preprocessor lines (their continuation lines included).
	pp [][2]int
}

// scan splits src into tokens and comments. It never fails: what it does not know is a one-character token.
func scan(src []byte) *scanned {
	s := &scanned{toks: make([]tok, 0, len(src)/8)}
	text := string(src) // one copy: the tokens' texts are its substrings
	var conds condStack
	line, lineStart, codeOnLine, atLineStart := 1, 0, false, true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line, lineStart, codeOnLine, atLineStart = line+1, i+1, false, true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			line, lineStart = line+1, i+2
			i += 2
			continue
		case c == '/' && i+1 < len(src) && (src[i+1] == '/' || src[i+1] == '*'):
			end, nl := commentEnd(src, i)
			s.comments = append(s.comments, comment{text: commentText(src[i:end]), off: i, startLine: line, endLine: line + nl, trailing: codeOnLine})
			line += nl
			if nl > 0 {
				lineStart, codeOnLine = bytes.LastIndexByte(src[:end], '\n')+1, false
			}
			i = end
			continue
		case c == '#' && atLineStart:
			end := ppEnd(src, i)
			s.pp = append(s.pp, [2]int{i, end})
			conds.directive(src[i:end])
			line += bytes.Count(src[i:end], []byte("\n"))
			// the directive's line break is read by the loop: the next line starts there
			if k := bytes.LastIndexByte(src[i:end], '\n'); k >= 0 {
				lineStart = i + k + 1
			}
			i = end
			continue
		}
		atLineStart, codeOnLine = false, true
		n := tokenLen(src, i)
		t := tok{text: text[i : i+n], off: i, line: line, col: i - lineStart + 1}
		t.ident = isIdentStart(c) && !isLiteralPrefix(src, i, n)
		t.lit = c == '"' || c == '\'' || isLiteralPrefix(src, i, n)
		t.inactive = conds.inactive()
		s.toks = append(s.toks, t)
		i += n
	}
	return s
}

// commentEnd is the offset just past the comment starting at i, and how many line breaks it holds.
func commentEnd(src []byte, i int) (int, int) {
	if src[i+1] == '/' {
		end := i
		for end < len(src) && src[end] != '\n' {
			end++
		}
		return end, 0
	}
	end := bytes.Index(src[i+2:], []byte("*/"))
	if end < 0 {
		return len(src), bytes.Count(src[i:], []byte("\n"))
	}
	end += i + 4
	return end, bytes.Count(src[i:end], []byte("\n"))
}

// ppEnd is the offset of the line break ending the preprocessor line starting at i (backslash continuations
// and comments, which may span lines, included).
func ppEnd(src []byte, i int) int {
	for i < len(src) {
		switch {
		case src[i] == '\n':
			return i
		case src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '*':
			i, _ = commentEnd(src, i)
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '/':
			i, _ = commentEnd(src, i)
		case src[i] == '"' || src[i] == '\'':
			i += quotedLen(src, i)
		default:
			i++
		}
	}
	return i
}

// tokenLen is the length of the token at i (at least 1).
func tokenLen(src []byte, i int) int {
	c := src[i]
	switch {
	case c == '"' || c == '\'':
		return quotedLen(src, i)
	case isIdentStart(c):
		n := 1
		for i+n < len(src) && isIdentPart(src[i+n]) {
			n++
		}
		if i+n < len(src) && (src[i+n] == '"' || src[i+n] == '\'') && isLiteralPrefix(src, i, n) {
			n += quotedLen(src, i+n)
		}
		return n
	case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
		n := 1
		for i+n < len(src) && (isIdentPart(src[i+n]) || src[i+n] == '.' || (src[i+n] == '+' || src[i+n] == '-') && (src[i+n-1]|0x20 == 'e' || src[i+n-1]|0x20 == 'p')) {
			n++
		}
		return n
	case c == ':' && i+1 < len(src) && src[i+1] == ':':
		return 2
	}
	return 1
}

// quotedLen is the length of the string or character literal starting at i (to the end of its line if it
// is not closed).
func quotedLen(src []byte, i int) int {
	q := src[i]
	for n := 1; i+n < len(src); n++ {
		switch src[i+n] {
		case '\\':
			n++
		case q:
			return n + 1
		case '\n':
			return n
		}
	}
	return len(src) - i
}

// isLiteralPrefix says whether the n bytes at i are an encoding prefix (L, u, U, u8) of a literal that
// follows them.
func isLiteralPrefix(src []byte, i, n int) bool {
	switch string(src[i : i+n]) {
	case "L", "u", "U", "u8":
		return i+n < len(src) && (src[i+n] == '"' || src[i+n] == '\'')
	}
	return false
}

func isIdentStart(c byte) bool { return c == '_' || c == '$' || c|0x20 >= 'a' && c|0x20 <= 'z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// commentText is a comment without its markers: // or /* */, a leading * on each line, Doxygen's < after
// the marker; lines trimmed, blank ones at the ends dropped.
func commentText(c []byte) string {
	s := string(c)
	if strings.HasPrefix(s, "//") {
		s = strings.TrimLeft(s[2:], "/!")
	} else {
		s = strings.TrimSuffix(strings.TrimLeft(s[2:], "*!"), "*/")
	}
	s = strings.TrimPrefix(s, "<")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "*") && !strings.HasPrefix(l, "*/") {
			l = strings.TrimSpace(l[1:])
		}
		lines[i] = l
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// condStack follows #if groups far enough to know the branches a C compiler skips for certain: those of
// #ifdef __cplusplus (and #if defined(__cplusplus), #if __cplusplus) and #if 0. Any other condition may hold.
type condStack []condState

type condState struct {
	active, known, taken bool // this branch is read; its condition is known; a known-true branch came before
}

func (c condStack) inactive() bool {
	for _, s := range c {
		if !s.active {
			return true
		}
	}
	return false
}

// directive applies a preprocessor line to the stack.
func (c *condStack) directive(line []byte) {
	f := strings.Fields(strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(string(line)), "#"), "\\\n", " "))
	if len(f) == 0 {
		return
	}
	rest := strings.Join(f[1:], " ")
	if k := strings.Index(rest, "/"); k >= 0 {
		rest = strings.TrimSpace(rest[:k])
	}
	switch f[0] {
	case "ifdef", "ifndef", "if":
		v, known := condValue(f[0], rest)
		*c = append(*c, condState{active: v || !known, known: known, taken: known && v})
	case "elif", "else":
		if len(*c) == 0 {
			return
		}
		s := &(*c)[len(*c)-1]
		switch {
		case s.taken:
			s.active, s.known = false, true
		case f[0] == "else" && s.known:
			s.active, s.taken = true, true
		default:
			s.active, s.known = true, false
		}
	case "endif":
		if len(*c) > 0 {
			*c = (*c)[:len(*c)-1]
		}
	}
}

// condValue is a condition's value where it is known: __cplusplus is never defined, 0 is false, 1 true.
func condValue(kind, cond string) (value, known bool) {
	cond = strings.ReplaceAll(cond, " ", "")
	switch kind {
	case "ifdef":
		return false, cond == "__cplusplus"
	case "ifndef":
		return true, cond == "__cplusplus"
	}
	switch cond {
	case "0", "__cplusplus", "defined(__cplusplus)", "defined__cplusplus":
		return false, true
	case "1", "!defined(__cplusplus)", "!defined__cplusplus", "!__cplusplus":
		return true, true
	}
	return false, false
}
