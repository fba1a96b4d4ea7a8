package layout

import (
	"math/big"
	"strings"
)

// node is one parsed expression of Kaitai's expression language.
type node struct {
	op   nodeOp
	ival *big.Int  // an integer literal's value
	val  any       // a literal's value as an evaluation answers it: made once, when parsed
	sval string    // a string literal's text, a name, an attribute or method name, a type name, enum::member
	kids []*node   // the operands, the object of a member, a call's object and arguments
	res  *resolved // what a name, x.name or enum::member stands for, when the compile worked it out
}

// resolved is what a name (an attribute or a param), x.name (an attribute) or enum::member stands for in
// the type of: worked out once, when the layout is type checked, and used by a decode when it evaluates
// the node for an object of that type (for any other, it looks the name up).
type resolved struct {
	of    *typeSpec
	attr  *attr // the attribute named (nil: the param)
	param int   // the param's index in of.params
	val   any   // enum::member's value
}

// nodeOp is what a node is: a literal, a name, an operator (its operands are its kids), a member, a call.
type nodeOp uint8

const (
	opInt       nodeOp = iota // an integer literal
	opFloat                   // a float literal
	opStr                     // a string literal
	opBool                    // true, false
	opFString                 // f"…{x}…": its parts are its kids
	opArray                   // [a, b]
	opName                    // a name: an attribute, a param, _root, _parent, _io, _index, _
	opEnum                    // enum::member
	opChoice                  // c ? a : b
	opAttr                    // x.name
	opCall                    // x.name(args): x and the arguments are its kids
	opIndex                   // x[i]
	opAs                      // x.as<type>
	opSizeof                  // sizeof<type>
	opBitsizeof               // bitsizeof<type>
	opNot                     // the unary operators
	opNeg
	opInv
	opOr // the binary operators
	opAnd
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opBitOr
	opBitXor
	opBitAnd
	opShl
	opShr
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

// opText is how each op is written: an operator's symbol, a name for the others.
var opText = [...]string{
	opInt: "int", opFloat: "float", opStr: "str", opBool: "bool", opFString: "fstr", opArray: "arr", opName: "name",
	opEnum: "enum", opChoice: "?:", opAttr: "attr", opCall: "call", opIndex: "idx", opAs: "as", opSizeof: "sizeof",
	opBitsizeof: "bitsizeof", opNot: "not", opNeg: "-", opInv: "~", opOr: "or", opAnd: "and", opEq: "==", opNe: "!=",
	opLt: "<", opLe: "<=", opGt: ">", opGe: ">=", opBitOr: "|", opBitXor: "^", opBitAnd: "&", opShl: "<<", opShr: ">>",
	opAdd: "+", opSub: "-", opMul: "*", opDiv: "/", opMod: "%",
}

// String is how op is written.
func (op nodeOp) String() string { return opText[op] }

// isUnary says whether op is one of not, - and ~.
func (op nodeOp) isUnary() bool { return op >= opNot && op <= opInv }

// isBinary says whether op is a binary operator.
func (op nodeOp) isBinary() bool { return op >= opOr }

// comparisons are the comparison operators, by symbol.
var comparisons = map[string]nodeOp{"==": opEq, "!=": opNe, "<=": opLe, ">=": opGe, "<": opLt, ">": opGt}

// levels are the other binary operators (but and, or), by symbol, from the loosest to the tightest.
var levels = []map[string]nodeOp{
	{"|": opBitOr}, {"^": opBitXor}, {"&": opBitAnd}, {"<<": opShl, ">>": opShr}, {"+": opAdd, "-": opSub},
	{"*": opMul, "/": opDiv, "%": opMod},
}

// intNode is an integer literal.
func intNode(v *big.Int) *node { return &node{op: opInt, ival: v, val: fromBig(v)} }

// floatNode is a float literal.
func floatNode(f float64) *node { return &node{op: opFloat, val: f} }

// strNode is a string literal.
func strNode(s string) *node { return &node{op: opStr, sval: s, val: s} }

// enumParts splits enum::member (the enum's name may be qualified: a::b::e::member).
func enumParts(s string) (enum, member string) {
	i := strings.LastIndex(s, "::")
	return s[:i], s[i+2:]
}

// boolNode is true or false.
func boolNode(text string) *node { return &node{op: opBool, sval: text, val: text == "true"} }
