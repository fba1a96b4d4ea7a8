package cdecl

import (
	"errors"
	"os"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// fuzzAlloc bounds what converting one input may allocate (runtime.MemStats, not wall time: a busy machine
// does not fail it). The costliest hostile header allocates about a third of it.
const fuzzAlloc = 384 << 20

var fuzzSeeds = []string{
	"#include <stdint.h>\ntypedef struct { uint32_t seq; uint8_t mode; double t; char label[16]; } S;\n",
	"#pragma pack(push, 1)\nstruct S { char c; int i : 3; long long q : 40; union { int a; float b; }; };\n#pragma pack(pop)\n",
	"namespace n { enum class E : uint8_t { A, B }; struct S { E e; bool b; wchar_t w[4]; }; static_assert(sizeof(S) > 0); }\n",
	"#define N 4\nenum { M = N * 2 };\nstruct S { float m[N][M]; struct { int x; } in[2]; };\n",
	"constexpr int kN = 3;\nstruct S { int a[kN]; };\n#include \"x.h\"\n",
	"struct S { int f() { return 1; } };\ntemplate <class T> struct X;\n",
}

// FuzzConvertC: no header crashes the converter or costs more than fuzzAlloc; what it answers is Problems or
// a layout that compiles and decodes a struct's worth of bytes.
func FuzzConvertC(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "S", uint8(0))
	}
	// a quarter of MaxSource: the fuzzer's coverage instrumentation slows the C front end several times, and
	// a worker call of more than 10 s ends the fuzzing; TestHostileHeaders converts them at full size
	for _, h := range hostileHeaders(MaxSource / 4) {
		f.Add(h, "S", uint8(1))
	}
	if src, err := os.ReadFile("../../testdata/peers/producers.h"); err == nil {
		f.Add(string(src), "rf2_telemetry", uint8(0))
	}
	f.Fuzz(func(t *testing.T, src, name string, abi uint8) {
		var out []byte
		var err error
		o := Options{ID: "x", Struct: name, ABI: ABIs()[int(abi)%len(ABIs())]}
		bytes := testutil.Allocated(func() { out, err = Convert([]byte(src), o) })
		if bytes > fuzzAlloc {
			t.Fatalf("converting allocated %d MB", bytes>>20)
		}
		if err != nil {
			var ps layout.Problems
			if !errors.As(err, &ps) || len(ps) == 0 || len(ps) > maxProblems+1 {
				t.Fatalf("not Problems (or too many): %T %v", err, err)
			}
			return
		}
		l, err := layout.Compile(out, nil, layout.DefaultLimits)
		if err != nil {
			t.Fatalf("the layout does not compile: %v\n%s", err, out)
		}
		if l.Fixed < 0 || l.Fixed > maxSize {
			t.Fatalf("fixed size %d", l.Fixed)
		}
		if l.Fixed <= 1<<20 {
			if _, err := l.Decode(make([]byte, l.Fixed)); err != nil {
				t.Fatalf("decoding zeros: %v", err)
			}
		}
	})
}
