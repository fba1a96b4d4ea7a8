package layout

import (
	"fmt"
	"regexp"
	"strings"
)

// Problem is one reason a layout is refused: the key's path in the document (/seq/3/process), its line (and
// column, for a C header), and what is wrong with it.
type Problem struct {
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"` // set where a column is known (a C header's problems)
	Detail string `json:"detail"`
}

// Problems is the error Compile returns: every problem found, in document order.
type Problems []Problem

// Error lists the problems: path (line): detail; ….
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
	pack        int            // meta/-shmbridge/pack (0: not said)
	versions    []VersionCheck // meta/-shmbridge/version
	title       string         // meta/title
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

// valueOf is m's value, an enumValue of e.
func (e *enumSpec) valueOf(m *enumMember) enumValue {
	if m.big {
		return enumValue{e: e, v: m.uval}
	}
	return enumValue{e: e, v: m.value}
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
	kindLine int    // of its type: (where an unknown type is said to be)
	slot     int    // where a decoded object keeps its value: seq attributes first, then instances
	scalar   bool   // a lone number or bit field, kept unboxed (isScalar)
	quoted   []byte // the id as a JSON string

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
