package watch

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestMergerApplies: a patch merged on the bytes gives what a client applying it to the parsed state gets
// (apply), for any two decoded values: the new value, but for keys that are gone (null: "no value"). Two
// patches merged into one, then merged into the state, give what the two in turn give.
func TestMergerApplies(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var m Merger
	merged := 0
	for i := range 20000 {
		old := map[string]any{"root": randomValue(r, 0), "n": float64(i % 3)}
		mid := mutate(r, old).(map[string]any)
		cur := mutate(r, mid).(map[string]any)
		ot, ob := tree(t, old)
		mt, mb := tree(t, mid)
		ct, cb := tree(t, cur)
		p1, ch1 := appendPatch(nil, ot, mt)
		p2, ch2 := appendPatch(nil, mt, ct)
		if !ch1 || !ch2 {
			continue
		}
		got, err := m.Append(nil, ob, p1)
		if err != nil {
			t.Fatalf("%s + %s: %v", ob, p1, err)
		}
		if !json.Valid(got) || !sameValue(got, applied(ob, p1)) {
			t.Fatalf("%s + %s: %s, want %s", ob, p1, got, mustMarshal(applied(ob, p1)))
		}
		if !reflect.DeepEqual(stripNulls(unmarshal(got)), stripNulls(unmarshal(mb))) {
			t.Fatalf("%s + %s: %s, want %s", ob, p1, got, mb)
		}
		both, err := m.Append(nil, p1, p2)
		if err != nil {
			t.Fatal(err)
		}
		once, _ := m.Append(nil, ob, both)
		twice, _ := m.Append(nil, got, p2)
		if !sameValue(once, unmarshal(twice)) || !reflect.DeepEqual(stripNulls(unmarshal(once)), stripNulls(unmarshal(cb))) {
			t.Fatalf("%s + (%s then %s = %s): %s, one at a time %s, want %s", ob, p1, p2, both, once, twice, cb)
		}
		merged++
	}
	if merged < 2500 {
		t.Fatalf("only %d of 20000 triples changed twice (want 2500): the test tests little", merged)
	}
}

// TestMergerCases: the rule's cases, byte for byte: keys in the state's order, new keys after; item indexes
// into an array, one past its end skipped; a scalar, an array of scalars, a resized array replaced; null kept.
func TestMergerCases(t *testing.T) {
	var m Merger
	for _, c := range []struct{ state, patch, want string }{
		{`{"a":1,"b":{"c":2,"d":3}}`, `{"b":{"d":4}}`, `{"a":1,"b":{"c":2,"d":4}}`},
		{`{"a":1,"b":2}`, `{"c":3,"a":5}`, `{"a":5,"b":2,"c":3}`},
		{`{"a":[{"x":1},{"x":2},{"x":3}]}`, `{"a":{"2":{"x":9},"0":{"x":7},"5":{"x":0}}}`, `{"a":[{"x":7},{"x":2},{"x":9}]}`},
		{`{"a":[{"x":1,"y":[1,2]}]}`, `{"a":{"0":{"y":[3]}}}`, `{"a":[{"x":1,"y":[3]}]}`},
		{`{"a":[1,2,3]}`, `{"a":[1,5]}`, `{"a":[1,5]}`},
		{`{"a":1,"b":2}`, `{"a":null}`, `{"a":null,"b":2}`},
		{`{"a":"x\"y","b":3}`, `{"a":"x\"z"}`, `{"a":"x\"z","b":3}`},
		{`{"a":1}`, `{"a":{"b":2}}`, `{"a":{"b":2}}`},
		{`{"a":{"b":2}}`, `{"a":7}`, `{"a":7}`},
		{`{}`, `{"a":1}`, `{"a":1}`},
		{`{"a":[1,2]}`, `{"a":{"f":1}}`, `{"a":{"f":1}}`},
		{`{"a":[1,2]}`, `{"a":{}}`, `{"a":{}}`},
	} {
		got, err := m.Append([]byte("x"), []byte(c.state), []byte(c.patch))
		if err != nil || string(got) != "x"+c.want {
			t.Errorf("%s + %s: %s (%v), want %s", c.state, c.patch, got, err, c.want)
		}
	}
	for _, bad := range [][2]string{{`{"a":1`, `{}`}, {`{}`, `{"a":}`}, {``, `{}`}} {
		if got, err := m.Append([]byte("x"), []byte(bad[0]), []byte(bad[1])); err == nil || string(got) != "x" {
			t.Errorf("%q + %q: %q, %v", bad[0], bad[1], got, err)
		}
	}
}

// TestMergerAllocates: merging into a buffer of room enough allocates nothing, once the trees have grown.
func TestMergerAllocates(t *testing.T) {
	var m Merger
	state, patch := []byte(`{"a":[{"x":1},{"x":2}],"b":{"c":"s","d":[1,2]},"e":true}`), []byte(`{"a":{"1":{"x":3}},"b":{"d":[3]}}`)
	buf := make([]byte, 0, 256)
	m.Append(buf, state, patch)
	if n := testing.AllocsPerRun(100, func() { m.Append(buf[:0], state, patch) }); n != 0 {
		t.Errorf("%v allocations a merge", n)
	}
}

func unmarshal(b []byte) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		panic(err)
	}
	return v
}

// applied is state with patch applied by the client's rule (apply), on parsed values.
func applied(state, patch []byte) any { return apply(unmarshal(state), unmarshal(patch)) }

// sameValue says whether JSON b is the value v (object keys in any order).
func sameValue(b []byte, v any) bool { return reflect.DeepEqual(unmarshal(b), v) }
