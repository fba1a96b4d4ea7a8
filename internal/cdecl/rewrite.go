package cdecl

import (
	"bytes"
	"sort"
	"strings"
)

// maxNesting bounds the nesting of braces, brackets and parentheses of a header (the C front end's parser
// recurses on each).
const maxNesting = 64

// rewriter turns the C-compatible subset of C++ that POD headers are written in into C for the C front end:
// it blanks what C has no use for (namespaces, extern "C", access specifiers, the class of enum class), turns
// constexpr constants into #define lines, and typedefs each struct, union and enum tag the header uses
// without its keyword. Blanking keeps each token where it was: line and column of every problem stay the
// header's. It refuses, each at its position, the C++ that declares no C layout.
type rewriter struct {
	src     []byte
	sc      *scanned
	out     []byte
	inserts []insert
	probs   *problems
	bare    map[string]bool // identifiers used without struct/union/enum before them
	pending []tagDef        // tags defined since the last declaration ended at file scope
	parens  []int           // the indexes of the open parentheses
	opened  int             // the index of the parenthesis the current ) closes, or -1
}

type insert struct {
	off  int
	text string
	tag  string // inserted only if the tag is used bare
}

type tagDef struct{ kind, name string }

// rewrite answers the header for the C front end, and notes what it refuses in ps.
func rewrite(src []byte, sc *scanned, ps *problems) []byte {
	r := &rewriter{src: src, sc: sc, out: bytes.Clone(src), probs: ps, bare: map[string]bool{}}
	r.walk()
	return r.apply()
}

func (r *rewriter) refuse(t tok, format string, args ...any) {
	r.probs.add("", t.line, t.col, format, args...)
}

// blank makes the bytes of t spaces.
func (r *rewriter) blank(ts ...tok) {
	for _, t := range ts {
		for i := t.off; i < t.off+len(t.text); i++ {
			if r.out[i] != '\n' {
				r.out[i] = ' '
			}
		}
	}
}

// walk goes through the active tokens once, keeping track of brace nesting: a brace of a namespace or of
// extern "C" (blanked) does not count as a scope.
func (r *rewriter) walk() {
	var toks []tok
	for _, t := range r.sc.toks {
		if !t.inactive {
			toks = append(toks, t)
		}
	}
	if !r.unfolds(toks) || !r.shallow(toks) {
		return
	}
	var braces []bool // true: a blanked brace
	depth := 0        // parentheses and brackets
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.text {
		case "(", "[":
			depth++
			if t.text == "(" {
				r.parens = append(r.parens, i)
			}
		case ")", "]":
			depth--
			r.opened = -1
			if n := len(r.parens); t.text == ")" && n > 0 {
				r.opened, r.parens = r.parens[n-1], r.parens[:n-1]
			}
		case "{":
			braces = append(braces, false)
		case "}":
			if n := len(braces); n > 0 {
				if braces[n-1] {
					r.blank(t)
				}
				braces = braces[:n-1]
			}
		case ";":
			if !slicesContains(braces, false) && depth == 0 {
				r.declared(t)
			}
		}
		if len(braces)+depth > maxNesting {
			r.refuse(t, "nested more than %d deep (braces, brackets and parentheses)", maxNesting)
			return
		}

		i = r.token(toks, i, &braces)
	}
}

func slicesContains(s []bool, v bool) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// token handles the token at i (and what belongs to it), answering the index of the last token it used.
func (r *rewriter) token(toks []tok, i int, braces *[]bool) int {
	t := toks[i]
	at := func(k int) string {
		if i+k < len(toks) && i+k >= 0 {
			return toks[i+k].text
		}
		return ""
	}
	switch t.text {
	case "namespace":
		return r.namespace(toks, i, braces)
	case "using":
		if at(1) == "namespace" {
			j := i
			for j < len(toks) && toks[j].text != ";" {
				j++
			}
			r.blank(toks[i:min(j+1, len(toks))]...)
			return j
		}
		r.refuse(t, "using: C has no type aliases of this kind; write a typedef")
	case "extern":
		if at(1) == `"C"` || at(1) == `"C++"` {
			r.blank(toks[i], toks[i+1])
			if at(2) == "{" {
				r.blank(toks[i+2])
				*braces = append(*braces, true)
				return i + 2
			}
			return i + 1
		}
	case "struct", "union", "enum":
		return r.tag(toks, i)
	case "class":
		r.refuse(t, "class: a class is not a C struct (its members are private, it may have methods); declare a struct")
	case "public", "private", "protected":
		if at(1) == ":" {
			r.blank(toks[i], toks[i+1])
			return i + 1
		}
	case "template", "virtual", "operator", "typename", "friend", "decltype":
		r.refuse(t, "%s: C++ beyond plain data structs is not converted (only the C-compatible subset POD headers use)", t.text)
	case "::":
		r.refuse(t, ":: (a qualified C++ name): refer to the name without its namespace or class")
	case "constexpr":
		return r.constexpr(toks, i)
	case ")":
		return r.body(toks, i)
	default:
		if t.ident && at(-1) != "." && at(-1) != "->" {
			r.bare[t.text] = true
		}
	}
	return i
}

// namespace blanks `namespace N {` (N may be qualified: A::B) and notes that its closing brace is to go too.
func (r *rewriter) namespace(toks []tok, i int, braces *[]bool) int {
	j := i + 1
	for j < len(toks) && (toks[j].ident || toks[j].text == "::") {
		j++
	}
	if j >= len(toks) || toks[j].text != "{" {
		r.refuse(toks[i], "namespace: only `namespace N { … }` around declarations is accepted")
		return j - 1
	}
	r.blank(toks[i : j+1]...)
	*braces = append(*braces, true)
	return j
}

// tag handles struct, union and enum: blanks the class or struct of enum class, refuses C++ inheritance, and
// notes a tag defined or declared (its typedef may be needed).
func (r *rewriter) tag(toks []tok, i int) int {
	kind := toks[i].text
	j := i + 1
	if kind == "enum" && j < len(toks) && (toks[j].text == "class" || toks[j].text == "struct") {
		r.blank(toks[j])
		j++
	}
	for j < len(toks) && toks[j].text == "__attribute__" || j < len(toks) && toks[j].text == "__declspec" {
		end := skipParens(toks, j+1)
		for _, a := range toks[j:end] {
			if kind == "enum" && (a.text == "packed" || a.text == "__packed__") {
				r.refuse(a, "a packed enum: its size is not laid out here; give it a fixed type instead (enum NAME : uint8_t { … })")
			}
		}
		j = end
	}
	if j >= len(toks) || !toks[j].ident {
		return j - 1
	}
	name := toks[j]
	next := ""
	if j+1 < len(toks) {
		next = toks[j+1].text
	}
	switch {
	case next == ":" && kind != "enum":
		r.refuse(toks[j+1], "%s %s : …: C++ inheritance is not C; put the base's members in the struct", kind, name.text)
	case next == ":" && !listFollows(toks, j+2):
		// cc's enum type of an opaque declaration forwards to itself (its Attributes recurse until the stack
		// overflows): refused here, before cc sees it.
		r.refuse(toks[j+1], "enum %s : …: an enum with a fixed type is declared with its values ({ … })", name.text)
	case next == "{" || next == ":" && kind == "enum" || next == ";" && kind != "enum":
		r.pending = append(r.pending, tagDef{kind: kind, name: name.text})

	}
	return j
}

// listFollows says whether the type at toks[i:] (identifiers) is followed by the { of an enum's values.
func listFollows(toks []tok, i int) bool {
	for i < len(toks) && toks[i].ident {
		i++
	}
	return i < len(toks) && toks[i].text == "{"
}

// skipParens answers the index of the token closing the parentheses that open at i (i-1 if none open there).
func skipParens(toks []tok, i int) int {
	if i >= len(toks) || toks[i].text != "(" {
		return i
	}
	depth := 0
	for ; i < len(toks); i++ {
		switch toks[i].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

// declared notes that a declaration ended at file scope with semi: the tags it defined get their typedef at
// the end of its line (before a comment there: nothing on the line moves but the comment).
func (r *rewriter) declared(semi tok) {
	if len(r.pending) == 0 {
		return
	}
	at := bytes.IndexByte(r.src[semi.off:], '\n')
	if at < 0 {
		at = len(r.src)
	} else {
		at += semi.off
	}
	for _, c := range r.sc.comments {
		if c.off > semi.off && c.off < at {
			at = c.off
			break
		}
	}
	for _, d := range r.pending {
		r.inserts = append(r.inserts, insert{off: at, text: " typedef " + d.kind + " " + d.name + " " + d.name + ";", tag: d.name})
	}
	r.pending = r.pending[:0]
}

// constexpr turns `[static|inline] constexpr T NAME = EXPR;` (or NAME{EXPR}), alone on its line, into
// `#define NAME (EXPR)` in the same columns.
func (r *rewriter) constexpr(toks []tok, i int) int {
	first := i
	for first > 0 && toks[first-1].line == toks[i].line && (toks[first-1].text == "static" || toks[first-1].text == "inline") {
		first--
	}
	eq, end := -1, -1
	for j := i + 1; j < len(toks) && toks[j].line == toks[i].line; j++ {
		if eq < 0 && (toks[j].text == "=" || toks[j].text == "{") {
			eq = j
		}
		if toks[j].text == "(" && eq < 0 {
			r.refuse(toks[i], "constexpr function: only constexpr constants are converted")
			return j
		}
		if toks[j].text == ";" {
			end = j
			break
		}
	}
	alone := (first == 0 || toks[first-1].line < toks[first].line) && (end+1 >= len(toks) || end > 0 && toks[end+1].line > toks[end].line)
	if eq < first+3 || end < 0 || !alone || !toks[eq-1].ident {
		r.refuse(toks[i], "constexpr: write the constant as `constexpr TYPE NAME = VALUE;` on a line of its own")
		return max(end, i)
	}
	name := toks[eq-1]
	span := name.off - toks[first].off
	copy(r.out[toks[first].off:], "#define"+strings.Repeat(" ", span-len("#define")))
	if toks[eq].text == "=" {
		r.out[toks[eq].off] = ' '
	} else {
		r.out[toks[eq].off] = '('
		if toks[end-1].text == "}" {
			r.out[toks[end-1].off] = ')'
		}
	}
	r.blank(toks[end])
	return end
}

// body refuses a function's body: `)` followed (after const, noexcept, override or final) by `{`, where the
// parentheses are not those of __attribute__, __declspec or alignas.
func (r *rewriter) body(toks []tok, i int) int {
	open := r.opened
	if open > 0 {
		switch toks[open-1].text {
		case "__attribute__", "__declspec", "alignas", "_Alignas", "__attribute":
			return i
		}
	}
	j := i + 1
	for j < len(toks) && (toks[j].text == "const" || toks[j].text == "noexcept" || toks[j].text == "override" || toks[j].text == "final") {
		j++
	}
	if j < len(toks) && toks[j].text == "{" {
		r.refuse(toks[j], "a function's body: only declarations of data are converted")
	}
	return i
}

// apply answers the rewritten header: the blanked text with the typedefs of the tags used bare inserted.
func (r *rewriter) apply() []byte {
	var ins []insert
	for _, in := range r.inserts {
		if r.bare[in.tag] {
			ins = append(ins, in)
		}
	}
	if len(ins) == 0 {
		return r.out
	}
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].off < ins[j].off })
	var b bytes.Buffer
	last := 0
	for _, in := range ins {
		b.Write(r.out[last:in.off])
		b.WriteString(in.text)
		last = in.off
	}
	b.Write(r.out[last:])
	return b.Bytes()
}

// unfolds checks that no struct unfolds to more than maxUnfold members (see unfolding), refusing the first
// that does.
func (r *rewriter) unfolds(toks []tok) bool {
	u, depth := newUnfolding(), 0
	for i, t := range toks {
		switch t.text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		}
		next, open := "", ""
		if i+1 < len(toks) {
			next = toks[i+1].text
		}
		if t.text == "{" && i >= 2 && toks[i-1].ident && (toks[i-2].text == "struct" || toks[i-2].text == "union") {
			open = toks[i-1].text
		}
		if !u.token(t, next, open, depth) {
			r.refuse(t, "the structs nest too deeply or widely: checking this one would visit more than %d members", maxUnfold)
			return false
		}
	}
	return true
}

// maxRun bounds a run of prefix operators (- + ! ~ * & and opening parentheses, in any mix): the C front
// end's parsers recurse on each.
const maxRun = 256

// maxStretch bounds the tokens between two of ; , { and }: one declarator or constant expression.
const maxStretch = 4096

// shallow refuses the first run of more than maxRun prefix operators, in the declarations and in the
// preprocessor lines (#if expressions, macro bodies), and preprocessor lines nested more than maxNesting
// deep.
func (r *rewriter) shallow(toks []tok) bool {
	run, long := 0, 0
	for _, t := range toks {
		if t.text == ";" || t.text == "{" || t.text == "}" || t.text == "," {
			long = 0
		} else if long++; long > maxStretch {
			r.refuse(t, "more than %d tokens without a ; , { or }: no declaration or constant is that long", maxStretch)
			return false
		}
		if len(t.text) == 1 && strings.Contains("-+!~*&(", t.text) {
			if run++; run > maxRun {
				r.refuse(t, "more than %d operators or parentheses in a row", maxRun)
				return false
			}
			continue
		}
		run = 0
	}
	for _, pp := range r.sc.pp {
		if line, col, ok := deepDirective(r.src, pp[0], pp[1]); !ok {
			r.probs.add("", line, col, "a preprocessor line nested more than %d deep or with more than %d operators in a row", maxNesting, maxRun)
			return false
		}
	}
	return true
}

// deepDirective checks the directive src[from:to] for nesting and runs of prefix operators, answering the
// position of the first excess.
func deepDirective(src []byte, from, to int) (line, col int, ok bool) {
	depth, run := 0, 0
	for i := from; i < to; i++ {
		c := src[i]
		switch {
		case c == '(':
			depth++
			run++
		case c == ')':
			depth--
			run = 0
		case c == '-' || c == '+' || c == '!' || c == '~' || c == '*' || c == '&':
			run++
		case c == ' ' || c == '\t' || c == '\\' || c == '\n' || c == '\r':
		default:
			run = 0
		}
		if depth > maxNesting || run > maxRun {
			line = 1 + bytes.Count(src[:i], []byte("\n"))
			return line, i - bytes.LastIndexByte(src[:i], '\n'), false
		}
	}
	return 0, 0, true
}
