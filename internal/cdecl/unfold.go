package cdecl

// maxUnfold bounds how many members the C front end may visit to check one struct: the number of members
// of the struct and, recursively, of the structs and unions it contains (an array of them counted once). The
// front end walks a struct's members again for each use where the struct is larger than it can count
// (an int64 of bytes), so a few lines of structs, each holding the one before it twice, would cost it
// exponential time; no real header comes near the bound.
const maxUnfold = 1 << 20

// unfolding estimates, token by token, each struct's unfolded member count (an overestimate: every
// declarator of a member declaration is counted with the largest struct its declaration names).
type unfolding struct {
	cost   map[string]int64 // by tag and typedef name
	frames []unfoldFrame    // the struct and union bodies open, the file scope first
	over   bool
}

type unfoldFrame struct {
	name          string // the tag of the body ("" for the file scope, an anonymous one)
	total, refs   int64  // members counted so far; the largest struct the current declaration names
	declarators   int64  // the current declaration's declarators
	typedef       bool   // the current (file-scope) declaration is a typedef
	parens, start int
}

func newUnfolding() *unfolding {
	return &unfolding{cost: map[string]int64{}, frames: []unfoldFrame{{}}}
}

func satAdd(a, b int64) int64 { return min(a+b, maxUnfold+1) }
func satMul(a, b int64) int64 {
	if a != 0 && b > (maxUnfold+1)/a {
		return maxUnfold + 1
	}
	return min(a*b, maxUnfold+1)
}

// token notes one token; next is the token after it ("" at the end). It answers false the first time a
// struct unfolds past maxUnfold.
func (u *unfolding) token(t tok, next string, open string, depth int) bool {
	f := &u.frames[len(u.frames)-1]
	switch {
	case t.text == "typedef" && len(u.frames) == 1:
		f.typedef = true
	case t.ident:
		if c := u.cost[t.text]; c > f.refs {
			f.refs = c
		}
		if f.typedef && len(u.frames) == 1 && (next == ";" || next == "," || next == "[") {
			u.cost[t.text] = max(u.cost[t.text], f.refs)
		}
	case t.text == "," && depth == f.parens:
		f.declarators++
	case t.text == ";" && depth == f.parens:
		f.total = satAdd(f.total, satMul(1+f.declarators, 1+f.refs))
		f.refs, f.declarators, f.typedef = 0, 0, false
	case t.text == "{":
		u.frames = append(u.frames, unfoldFrame{name: open, parens: depth})
	case t.text == "}" && len(u.frames) > 1:
		done := u.frames[len(u.frames)-1]
		u.frames = u.frames[:len(u.frames)-1]
		total := satAdd(done.total, 1)
		if done.name != "" {
			u.cost[done.name] = total
		}
		p := &u.frames[len(u.frames)-1]
		p.refs = max(p.refs, total)
		if total > maxUnfold && !u.over {
			u.over = true
			return false
		}
	}
	return true
}
