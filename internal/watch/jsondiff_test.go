package watch

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
)

// apply is the client's side of a patch (the rule in jsondiff.go), on generic JSON.
func apply(dst, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	switch d := dst.(type) {
	case map[string]any:
		for k, v := range p {
			d[k] = apply(d[k], v)
		}
		return d
	case []any:
		for k, v := range p {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(d) {
				panic(fmt.Sprintf("an item patch %q for an array of %d", k, len(d)))
			}
			d[i] = apply(d[i], v)
		}
		return d
	}
	return patch
}

// randomValue is a decoded value as a layout's JSON has them: objects of fields, arrays of scalars or of
// objects, numbers, strings, booleans, null.
func randomValue(r *rand.Rand, depth int) any {
	switch k := r.IntN(8); {
	case depth < 3 && k < 3:
		o := map[string]any{}
		for i := range r.IntN(5) {
			o[fmt.Sprintf("f%d", i)] = randomValue(r, depth+1)
		}
		return o
	case depth < 3 && k == 3:
		a := make([]any, r.IntN(4))
		objects := r.IntN(2) == 0
		for i := range a {
			if objects {
				a[i] = map[string]any{"id": float64(i), "v": randomValue(r, depth+2)}
			} else {
				a[i] = float64(r.IntN(3))
			}
		}
		return a
	case k == 4:
		return fmt.Sprintf("s\"%d\\", r.IntN(3))
	case k == 5:
		return r.IntN(2) == 0
	case k == 6:
		return nil
	}
	return float64(r.IntN(4)) / 2
}

// mutate changes some of v's leaves (and now and then the shape).
func mutate(r *rand.Rand, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			switch r.IntN(10) {
			case 0: // gone
			case 1, 2:
				out[k] = mutate(r, e)
			default:
				out[k] = e
			}
		}
		if r.IntN(8) == 0 {
			out["new"] = randomValue(r, 2)
		}
		return out
	case []any:
		if r.IntN(6) == 0 {
			return append(append([]any{}, x...), float64(1))
		}
		out := make([]any, len(x))
		for i, e := range x {
			if r.IntN(3) == 0 {
				out[i] = mutate(r, e)
			} else {
				out[i] = e
			}
		}
		return out
	}
	if r.IntN(2) == 0 {
		return randomValue(r, 3)
	}
	return v
}

func tree(t *testing.T, v any) (*jtree, []byte) {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tr jtree
	if err := tr.parse(b); err != nil {
		t.Fatalf("parse %s: %v", b, err)
	}
	return &tr, b
}

// TestPatchApplies: the patch of any two decoded values, applied to the first, is the second; the same two
// give no patch; and a patch never holds what did not change (it is no larger than the new value).
func TestPatchApplies(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	patched := 0
	for i := range 20000 {
		old := map[string]any{"root": randomValue(r, 0), "n": float64(i % 3)}
		cur := mutate(r, old).(map[string]any)
		ot, ob := tree(t, old)
		ct, cb := tree(t, cur)
		p, changed := appendPatch(nil, ot, ct)
		if string(ob) == string(cb) {
			if changed {
				t.Fatalf("a patch between equal values %s: %s", ob, p)
			}
			continue
		}
		if !changed {
			t.Fatalf("no patch from %s to %s", ob, cb)
		}
		if len(p) > len(cb)+len(`{"":null}`)*4 {
			t.Errorf("the patch %s is larger than the value %s", p, cb)
		}
		var patch any
		if err := json.Unmarshal(p, &patch); err != nil {
			t.Fatalf("the patch %s is not JSON: %v", p, err)
		}
		var state any
		json.Unmarshal(ob, &state)
		state = apply(state, patch)
		// A key that is gone is null in the patch: "no value".
		var want any
		json.Unmarshal(cb, &want)
		if !reflect.DeepEqual(stripNulls(state), stripNulls(want)) {
			t.Fatalf("from %s to %s: the patch %s gives %s", ob, cb, p, mustMarshal(state))
		}
		patched++
	}
	if patched < 5000 {
		t.Fatalf("only %d of 20000 pairs differed (want 5000): the test tests little", patched)
	}
}

func stripNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e != nil {
				out[k] = stripNulls(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stripNulls(e)
		}
		return out
	}
	return v
}

func mustMarshal(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestPatchCases(t *testing.T) {
	for _, c := range []struct{ old, cur, patch string }{
		{`{"a":1,"b":{"c":2,"d":3}}`, `{"a":1,"b":{"c":2,"d":4}}`, `{"b":{"d":4}}`},
		{`{"a":[1,2,3]}`, `{"a":[1,5,3]}`, `{"a":[1,5,3]}`},
		{`{"a":[{"x":1},{"x":2}]}`, `{"a":[{"x":1},{"x":3}]}`, `{"a":{"1":{"x":3}}}`},
		{`{"a":[{"x":1}]}`, `{"a":[{"x":1},{"x":3}]}`, `{"a":[{"x":1},{"x":3}]}`},
		{`{"a":1,"b":2}`, `{"b":2}`, `{"a":null}`},
		{`{"a":"x\"y"}`, `{"a":"x\"z"}`, `{"a":"x\"z"}`},
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`, ``},
	} {
		var ot, ct jtree
		if err := ot.parse([]byte(c.old)); err != nil {
			t.Fatal(err)
		}
		if err := ct.parse([]byte(c.cur)); err != nil {
			t.Fatal(err)
		}
		p, changed := appendPatch(nil, &ot, &ct)
		if string(p) != c.patch || changed != (c.patch != "") {
			t.Errorf("%s → %s: %s (%v), want %s", c.old, c.cur, p, changed, c.patch)
		}
	}
	var tr jtree
	for _, bad := range []string{``, `{`, `{"a"}`, `{"a":1,}`, `[1,`, `"abc`, `{"a":1}x`, `{1:2}`} {
		if tr.parse([]byte(bad)) == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzPatch: any two JSON values give a patch that is JSON, none when they are equal, and the parser never
// panics. (That it applies is TestPatchApplies's: a field's shape, object or array, is the layout's, fixed.)
func FuzzPatch(f *testing.F) {
	f.Add(`{"a":[{"x":1},{"x":2}]}`, `{"a":[{"x":1},{"x":3}]}`)
	f.Add(`{"a":1,"b":{"c":2}}`, `{"b":{"c":3}}`)
	f.Fuzz(func(t *testing.T, a, b string) {
		var ov, cv any
		if json.Unmarshal([]byte(a), &ov) != nil || json.Unmarshal([]byte(b), &cv) != nil {
			return
		}
		ot, ob := tree(t, ov)
		ct, cb := tree(t, cv)
		p, changed := appendPatch(nil, ot, ct)
		if !changed {
			if string(ob) != string(cb) {
				t.Fatalf("no patch from %s to %s", ob, cb)
			}
			return
		}
		if !json.Valid(p) {
			t.Fatalf("the patch %s is not JSON", p)
		}
	})
}
