package cdecl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// hostileHeaders are headers of at most size bytes (MaxSource for the test) that cost a front end the most:
// each must be refused (or converted) within hostileAlloc bytes.
func hostileHeaders(size int) map[string]string {
	fill := func(head string, item func(i int) string, tail string) string {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; ; i++ {
			s := item(i)
			if b.Len()+len(s)+len(tail) > size {
				break
			}
			b.WriteString(s)
		}
		return b.String() + tail
	}
	bomb := "#define A0 1\n"
	for i := 1; i <= 60; i++ {
		bomb += fmt.Sprintf("#define A%d (A%d+A%d)\n", i, i-1, i-1)
	}
	return map[string]string{
		"macro bomb":    bomb + "struct S { char a[A60 > 0]; };\n",
		"typedef chain": fill("typedef int T0;\n", func(i int) string { return fmt.Sprintf("typedef T%d T%d;\n", i, i+1) }, "struct S { int a; };\n"),
		"many structs":  fill("", func(i int) string { return fmt.Sprintf("struct S%d { int a; double b; char c[8]; };\n", i) }, "struct S { struct S0 a; };\n"),
		"nested structs": fill("struct S0 { int a; };\n", func(i int) string {
			return fmt.Sprintf("struct S%d { struct S%d a[2], b; };\n", i+1, i)
		}, "struct S { struct S0 a; };\n"),
		"nested typedefs": fill("typedef struct { int a; } T0;\n", func(i int) string {
			return fmt.Sprintf("typedef struct { T%d a[2], b; } T%d;\n", i, i+1)
		}, "struct S { T0 a; };\n"),
		"many members":  fill("struct S {\n", func(i int) string { return fmt.Sprintf(" char m%d : 1;\n", i) }, "};\n"),
		"many enums":    fill("enum E {\n", func(i int) string { return fmt.Sprintf(" E%d,\n", i) }, "};\nstruct S { enum E e; };\n"),
		"deep parens":   "struct S { char a[" + strings.Repeat("(", 60000) + "1" + strings.Repeat(")", 60000) + "]; };\n",
		"deep braces":   strings.Repeat("struct A {", 20000) + strings.Repeat("};", 20000),
		"binary chain":  "struct S { char a[" + strings.Repeat("1+", (size-40)/2) + "1]; };\n",
		"unary chain":   "struct S { char a[" + strings.Repeat("-", size-40) + "1]; };\n",
		"deep #if":      "#if " + strings.Repeat("(", size/2-40) + "1" + strings.Repeat(")", size/2-40) + "\n#endif\nstruct S { int a; };\n",
		"huge array":    "struct S { char a[1ull << 40]; int b[1 << 28]; };\n",
		"long comment":  "/*" + strings.Repeat("x", size-40) + "*/\nstruct S { int a; };\n",
		"many problems": fill("", func(i int) string { return "template <int> class X;\n" }, ""),
		"nested macros": "#define F(x) (x)\nstruct S { char a[" + strings.Repeat("F(", 30000) + "1" + strings.Repeat(")", 30000) + "]; };\n",
	}
}

// hostileAlloc bounds what converting one header may allocate.
const hostileAlloc = 512 << 20

// TestHostileHeaders: each costly header is converted or refused within hostileAlloc bytes; the CPU time and
// memory of each are logged (they go in the report).
func TestHostileHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("costly by design")
	}
	for name, src := range hostileHeaders(MaxSource) {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) { hostile(t, name, src) })
	}
}

func hostile(t *testing.T, name, src string) {
	{
		if len(src) > MaxSource {
			t.Fatalf("%s: %d bytes", name, len(src))
		}
		var err error
		var cpu time.Duration
		bytes := testutil.Allocated(func() {
			cpu = cpuTime(func() { _, err = Convert([]byte(src), Options{ID: "x", Struct: "S", ABI: "linux-amd64"}) })
		})
		var ps layout.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Errorf("%s: not Problems: %v", name, err)
		}
		detail := "converted"
		if len(ps) > 0 {
			detail = ps[len(ps)-1].Detail
			if len(detail) > 90 {
				detail = detail[:90] + "…"
			}
		}
		t.Logf("hostile %-15s %4d KiB: %4d ms CPU, %4d MB allocated: %s", name, len(src)>>10, cpu.Milliseconds(), bytes>>20, detail)
		if bytes > hostileAlloc {
			t.Errorf("%s: %d MB allocated", name, bytes>>20)
		}
	}
}
