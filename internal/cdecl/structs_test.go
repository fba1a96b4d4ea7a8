package cdecl

import (
	"sort"
	"testing"

	"modernc.org/cc/v4"
)

// cStruct is a struct or union a test header defines: its name, and how C names its type.
type cStruct struct {
	name  string
	cType string // NAME for a typedef, struct NAME or union NAME for a tag
}

// headerStructs lists the structs and unions src defines (by typedef, else by tag), by name.
func headerStructs(t *testing.T, src []byte, abi string) []cStruct {
	t.Helper()
	a, _ := abiNamed(abi)
	ps := &problems{}
	ast := translate(a, rewrite(src, scan(src), ps), ps)
	if ast == nil {
		t.Fatalf("%s: %v", abi, ps.err())
	}
	found := map[string]cStruct{}
	for name, nodes := range ast.Scope.Nodes {
		for _, n := range nodes {
			if n.Position().Filename != headerName {
				continue
			}
			switch x := n.(type) {
			case *cc.StructOrUnionSpecifier:
				if _, ok := found[name]; !ok && x.Type().Size() > 0 {
					kw := "struct "
					if x.Type().Kind() == cc.Union {
						kw = "union "
					}
					found[name] = cStruct{name, kw + name}
				}
			case *cc.Declarator:
				if k := x.Type().Kind(); x.IsTypename() && (k == cc.Struct || k == cc.Union) {
					found[name] = cStruct{name, name}
				}
			}
		}
	}
	var out []cStruct
	for _, s := range found {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
