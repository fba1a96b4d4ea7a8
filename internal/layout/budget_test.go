package layout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// problemsOf is err's Problems, or fails the test: what a client sends wrong is a 422 layout problem.
func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %T %v", err, err)
	}
	return ps
}

func wantProblem(t *testing.T, src, want string) Problems {
	t.Helper()
	_, err := Compile([]byte(src), nil, DefaultLimits)
	ps := problemsOf(t, err)
	if !strings.Contains(ps.Error(), want) {
		t.Fatalf("want a problem saying %q, got %v", want, clip(ps.Error()))
	}
	return ps
}

// doubling is x0: 1, x_i: x_{i-1} + x_{i-1}: typed again at each use, n levels take 2^n steps.
func doubling(n int) string {
	var b strings.Builder
	b.WriteString("meta:\n  id: a\ninstances:\n  x0:\n    value: 1\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  x%d:\n    value: x%d + x%d\n", i, i-1, i-1)
	}
	return b.String()
}

// TestInstanceTypedOnce: each instance's type is worked out once, and its value computed once per object.
func TestInstanceTypedOnce(t *testing.T) {
	l, c, err := compileCounted(context.Background(), []byte(doubling(40)), nil, nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if c.checks > 1000 {
		t.Errorf("40 levels took %d type checker steps", c.checks)
	}
	lim := DefaultLimits
	lim.Steps = 1000 // the 2^40 evaluations a decode without its cache would make fail here
	l.limits = lim
	v, err := l.Decode(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Eval("x40")
	if err != nil || got != int64(1)<<40 {
		t.Fatalf("x40 = %v, %v", got, err)
	}
	if v.d.steps > 400 {
		t.Errorf("the decode took %d steps", v.d.steps)
	}
}

// TestInstanceSelfReference: an instance that depends on itself still compiles, and its decode says so.
func TestInstanceSelfReference(t *testing.T) {
	for _, src := range []string{
		"meta:\n  id: a\ninstances:\n  x:\n    value: x + 1\n",
		"meta:\n  id: a\ninstances:\n  x:\n    value: y * 2\n  y:\n    value: x.to_s.length\n",
	} {
		l, err := Compile([]byte(src), nil, DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		v, err := l.Decode(nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Eval("x"); err == nil || !strings.Contains(err.Error(), "depends on itself") {
			t.Errorf("x: %v", err)
		}
	}
}

// TestInstanceChainBounded: a chain of instances deeper than maxInstanceDepth is refused (in whichever order
// they are written), not recursed into at each decode.
func TestInstanceChainBounded(t *testing.T) {
	const n = 2 * maxInstanceDepth
	chain := func(value func(i int) string) string {
		var b strings.Builder
		b.WriteString("meta:\n  id: a\ninstances:\n")
		for i := range n {
			fmt.Fprintf(&b, "  x%d:\n    value: %s\n", i, value(i))
		}
		return b.String()
	}
	up := chain(func(i int) string { // x_i is x_{i-1} + 1
		if i == 0 {
			return "1"
		}
		return fmt.Sprintf("x%d + 1", i-1)
	})
	down := chain(func(i int) string { // x_i is x_{i+1} + 1
		if i == n-1 {
			return "1"
		}
		return fmt.Sprintf("x%d + 1", i+1)
	})
	star := chain(func(i int) string { // x_i is x_0 + 1
		if i == 0 {
			return "1"
		}
		return "x0 + 1"
	})
	wantProblem(t, up, "more than 256 deep")
	wantProblem(t, down, "more than 256 deep")
	if _, err := Compile([]byte(star), nil, DefaultLimits); err != nil {
		t.Errorf("a star (each x_i is x0 + 1): %v", err)
	}
}

// laughs is a "billion laughs": 10 aliases a level, 5 levels of types.
func laughs() string {
	var b strings.Builder
	b.WriteString("meta:\n  id: a\n-x:\n  t0: &t0 {seq: [{id: x, type: u1}]}\n")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "  t%d: &t%d {types: {", i, i)
		for j := range 10 {
			fmt.Fprintf(&b, "%c: *t%d, ", 'a'+j, i-1)
		}
		b.WriteString("}}\n")
	}
	b.WriteString("types:\n  top: *t5\n")
	return b.String()
}

func TestYAMLAliasesRefused(t *testing.T) {
	var ps Problems
	bytes := testutil.Allocated(func() { ps = wantProblem(t, laughs(), "anchors and aliases") })
	if bytes > 1<<20 {
		t.Errorf("refusing %d bytes of aliases allocated %d bytes", len(laughs()), bytes)
	}
	if ps[0].Line != 4 {
		t.Errorf("at line %d, want the first anchor's (4)", ps[0].Line)
	}
	wantProblem(t, "meta: &m\n  id: a\n", "anchors and aliases")
	wantProblem(t, "meta:\n  id: a\nseq:\n  - &x {id: a, type: u1}\n  - <<: *x\n    id: b\n", "anchors and aliases")
}

func TestYAMLSecondDocumentRefused(t *testing.T) {
	ps := wantProblem(t, "meta:\n  id: a\n---\nmeta:\n  id: b\nseq: [{id: x, type: u1}]\n", "one YAML document")
	if ps[0].Line != 3 {
		t.Errorf("at line %d, want 3", ps[0].Line)
	}
	wantProblem(t, "meta:\n  id: a\n---\n", "one YAML document")
	if _, err := Compile([]byte("---\nmeta:\n  id: a\n...\n"), nil, DefaultLimits); err != nil {
		t.Errorf("one document with its markers: %v", err)
	}
}

func TestYAMLNodesBounded(t *testing.T) {
	src := "meta:\n  id: a\n-x: [" + strings.Repeat("1,", defaultBudget.Nodes) + "1]\n"
	wantProblem(t, src, "more than 100000 YAML nodes")
}

// TestExprBounded: an expression is bounded in bytes, nodes and depth however its tree is built, and a
// layout's expressions in nodes in all.
func TestExprBounded(t *testing.T) {
	value := func(x string) string { return "meta:\n  id: a\ninstances:\n  v:\n    value: '" + x + "'\n" }
	flat := value("1" + strings.Repeat("+1", (MaxSource-64)/2))
	bytes := testutil.Allocated(func() { wantProblem(t, flat, "at most 16384 are accepted") })
	if bytes > 8<<20 {
		t.Errorf("refusing an expression of %d bytes allocated %d bytes", len(flat), bytes)
	}
	wantProblem(t, value("1"+strings.Repeat(".to_s.to_i", 2000)), "at most 16384 are accepted")
	wantProblem(t, value("1"+strings.Repeat("+1", maxTreeDepth)), "levels deep")
	wantProblem(t, value("x"+strings.Repeat(".to_s", maxTreeDepth)), "levels deep")
	wantProblem(t, value("["+strings.Repeat("1,", maxExprNodes)+"1]"), "more than 4096 nodes")
	if _, err := Compile([]byte(value("1"+strings.Repeat("+1", 200))), nil, DefaultLimits); err != nil {
		t.Errorf("a chain of 200: %v", err)
	}
	// 30 × 4,000 nodes in a layout and as many in its import: each within its bounds, too many in all (one
	// document at the size cap holds at most ~130,000).
	doc := func(id, imports string) string {
		var b strings.Builder
		b.WriteString("meta:\n  id: " + id + imports + "\ninstances:\n")
		for i := range 30 {
			fmt.Fprintf(&b, "  v%d:\n    value: '[%s0]'\n", i, strings.Repeat("0,", 3999))
		}
		return b.String()
	}
	imp := func(_, name string) (string, []byte, error) { return name, []byte(doc(name, "")), nil }
	_, err := Compile([]byte(doc("a", "\n  imports: [b]")), imp, DefaultLimits)
	if ps := problemsOf(t, err); !strings.Contains(ps.Error(), "more than 200000 nodes in all") {
		t.Errorf("want the expressions' total refused, got %v", clip(ps.Error()))
	}
}

// TestExprEvaluationCharged: what a method allocates is charged to the decode's output.
func TestExprEvaluationCharged(t *testing.T) {
	src := "meta:\n  id: a\nseq:\n  - id: b\n    size-eos: true\ninstances:\n  r:\n    value: b" + strings.Repeat(".reverse", 200) + ".length\n"
	l, err := Compile([]byte(src), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var derr error
	bytes := testutil.Allocated(func() {
		v, err := l.Decode(make([]byte, 1<<20))
		if err == nil {
			_, derr = v.Eval("r")
		}
	})
	if derr == nil || !strings.Contains(derr.Error(), "bytes of values") {
		t.Errorf("1000 reversals of 1 MiB: %v", derr)
	}
	if bytes > 2*uint64(DefaultLimits.Output) {
		t.Errorf("allocated %d bytes", bytes)
	}
}

func TestIntegerLiterals(t *testing.T) {
	value := func(x string) string { return "meta:\n  id: a\ninstances:\n  v:\n    value: " + x + "\n" }
	wantProblem(t, value(strings.Repeat("9", MaxSource-64)), "at most 16384 are accepted")
	wantProblem(t, value(strings.Repeat("9", 10_000)), "10000 digits does not fit in 64 bits")
	wantProblem(t, value("0x"+strings.Repeat("f", 17)), "does not fit in 64 bits")
	wantProblem(t, value("18446744073709551616"), "the integer 18446744073709551616 does not fit")
	wantProblem(t, value("-9223372036854775809"), "does not fit in 64 bits")
	wantProblem(t, "meta:\n  id: a\nenums:\n  e:\n    ? "+strings.Repeat("1", 100_000)+"\n    : x\n", "an enum key is a 64-bit integer")
	for x, want := range map[string]any{"18446744073709551615": uint64(1<<64 - 1), "-9223372036854775808": int64(-1 << 63), "0x" + strings.Repeat("0", 100) + "ff": int64(255)} {
		l, err := Compile([]byte(value(x)), nil, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", x, err)
		}
		v, _ := l.Decode(nil)
		if got, err := v.Eval("v"); got != want {
			t.Errorf("%s = %v (%T), %v", x, got, got, err)
		}
	}
}

// TestErrorsCapped: 10,000 unknown types (as many as a layout at the size cap holds) list lim.Errors
// problems and count the rest, in linear time.
func TestErrorsCapped(t *testing.T) {
	unknown := func(n int) []byte {
		var b strings.Builder
		b.WriteString("meta:\n  id: a\nseq:\n  - id: x\n    size: 1\n    type:\n      switch-on: 1\n      cases:\n")
		for i := range n {
			fmt.Fprintf(&b, "        %d: t%d\n", i, i)
		}
		return []byte(b.String())
	}
	_, err := Compile(unknown(10_000), nil, DefaultLimits)
	ps := problemsOf(t, err)
	if len(ps) != 101 || ps[100].Detail != "and 9900 more problems" {
		t.Fatalf("%d problems, the last %v", len(ps), ps[len(ps)-1])
	}
	small, ok := cpuTime(func() { Compile(unknown(1_000), nil, DefaultLimits) })
	large, _ := cpuTime(func() { Compile(unknown(10_000), nil, DefaultLimits) })
	if ok && large > 30*small+50e6 { // linear: 10 times the problems, 10 times the time (and noise)
		t.Errorf("1,000 unknown types: %v of CPU, 10,000: %v", small, large)
	}
}

// TestStaticSizeOnce: a type of two fields of a type of two fields… is sized once per type, not walked 2^n
// times (sizeof, the fields listed and the fixed size all ask).
func TestStaticSizeOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("meta:\n  id: a\nseq:\n  - {id: a, type: t30}\ninstances:\n  s:\n    value: sizeof<t30>\ntypes:\n  t0:\n    seq: [{id: x, type: u1}]\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "  t%d:\n    seq: [{id: a, type: t%d}, {id: b, type: t%d}]\n", i, i-1, i-1)
	}
	var l *Layout
	var err error
	if cpu, ok := cpuTime(func() { l, err = Compile([]byte(b.String()), nil, DefaultLimits) }); ok && cpu > 1e9 {
		t.Errorf("compiling took %v of CPU", cpu)
	}
	if err != nil {
		t.Fatal(err)
	}
	if l.Fixed != 1<<30 {
		t.Errorf("fixed size %d", l.Fixed)
	}
}

// TestDecodeMemoryBounded: a decode that makes a million small objects stops at the output budget: its memory
// follows what it makes, not only its steps.
func TestDecodeMemoryBounded(t *testing.T) {
	src := "meta:\n  id: a\nseq:\n  - id: items\n    type: item\n    repeat: eos\ntypes:\n  item:\n    seq:\n      - id: v\n        type: u1\n"
	l, err := Compile([]byte(src), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	bytes := testutil.Allocated(func() { _, err = l.Decode(make([]byte, 1_000_000)) })
	var de *DecodeError
	if !errors.As(err, &de) || !de.Limit || !strings.Contains(de.Detail, "bytes of values") {
		t.Fatalf("want the output limit, got %v", err)
	}
	if bytes > 2*uint64(DefaultLimits.Output) {
		t.Errorf("the decode allocated %d MB", bytes>>20)
	}
}

func TestToSBase(t *testing.T) {
	l, err := Compile([]byte("meta:\n  id: a\ninstances:\n  v:\n    value: 5.to_s(1)\n"), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := l.Decode(nil)
	if _, err := v.Eval("v"); err == nil || !strings.Contains(err.Error(), "base is 2 to 36") {
		t.Errorf("to_s(1): %v", err)
	}
}
