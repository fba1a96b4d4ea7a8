package layout

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// worstLayouts are the costliest layouts of at most MaxSource bytes found for the compiler (mostly for the
// YAML parse before any budget can count): by name.
func worstLayouts() map[string]string {
	fill := func(head, item, tail string) string {
		n := (MaxSource - len(head) - len(tail)) / len(item)
		return head + strings.Repeat(item, n) + tail
	}
	var unknown strings.Builder
	unknown.WriteString("meta:\n  id: a\nseq:\n")
	for i := 0; ; i++ {
		line := fmt.Sprintf("  - id: a%d\n    type: t%d\n", i, i)
		if unknown.Len()+len(line) > MaxSource {
			break
		}
		unknown.WriteString(line)
	}
	half := (MaxSource - 32) / 2
	return map[string]string{
		"unknown types":     unknown.String(),
		"many tiny nodes":   fill("meta:\n  id: a\n-x: [", "1,", "1]\n"),
		"nested sequences":  "meta:\n  id: a\n-x: " + strings.Repeat("[", half) + strings.Repeat("]", half) + "\n",
		"nested mappings":   "meta:\n  id: a\n-x: " + strings.Repeat("{a: ", half/4) + "1" + strings.Repeat("}", half/4) + "\n",
		"long string":       fill("meta:\n  id: a\ndoc: '", "x", "'\n"),
		"many keys":         keyed(),
		"indented mappings": indented(),
	}
}

// keyed is a layout of one mapping of as many distinct keys as fit.
func keyed() string {
	var b strings.Builder
	b.WriteString("meta:\n  id: a\n-x:\n")
	for i := 0; b.Len()+16 < MaxSource; i++ {
		fmt.Fprintf(&b, "  k%d: 1\n", i)
	}
	return b.String()
}

// indented is a layout of block mappings nested as deep as fit.
func indented() string {
	var b strings.Builder
	b.WriteString("meta:\n  id: a\n-x:\n")
	i := 1
	for ; b.Len()+2*i+8 < MaxSource; i++ {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String() + strings.Repeat(" ", i) + "a: 1\n"
}

// maxCompileBytes bounds what compiling (or refusing) any layout of at most MaxSource bytes allocates: the
// goal is no more than ~64 MB and ~100 ms of CPU for any layout.
const maxCompileBytes = 48 << 20

// TestWorstLayoutsBounded: each of the costliest layouts at the size cap allocates at most maxCompileBytes
// to compile or refuse (CPU time and peak RSS are logged, not asserted: other work changes them).
func TestWorstLayoutsBounded(t *testing.T) {
	for name, src := range worstLayouts() {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			if len(src) > MaxSource {
				t.Fatalf("%d bytes, over the cap", len(src))
			}
			var err error
			var cpu any
			bytes := testutil.Allocated(func() {
				cpu, _ = cpuTime(func() { _, err = Compile([]byte(src), nil, DefaultLimits) })
			})
			t.Logf("%s: %d bytes: %.1f MB allocated, %v CPU, peak RSS %d MB; %s", name, len(src), float64(bytes)/(1<<20), cpu, peakRSS()>>20, clip(fmt.Sprint(err)))
			if bytes > maxCompileBytes {
				t.Errorf("%d bytes of layout allocated %d MB to compile", len(src), bytes>>20)
			}
		})
	}
}
