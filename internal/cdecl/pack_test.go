package cdecl

import (
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// TestPackedSaysSo: a packed struct's layout says it is packed (meta/-shmbridge/pack, the least alignment of
// its records), so the daemon's alignment warnings stay quiet for what the compiler laid out on purpose; an
// unpacked one says nothing. With no id, the layout is named after the struct.
func TestPackedSaysSo(t *testing.T) {
	for _, c := range []struct {
		name, src, pack string
	}{
		{"pragma pack(1)", "#pragma pack(push, 1)\nstruct R3E { char a; int b; double c; };\n#pragma pack(pop)\n", "pack: 1"},
		{"pragma pack(2)", "#pragma pack(push, 2)\nstruct R3E { char a; int b; };\n#pragma pack(pop)\n", "pack: 2"},
		{"packed attribute", "struct R3E { char a; short b; } __attribute__((packed));\n", "pack: 1"},
		{"a packed member", "#pragma pack(push, 1)\nstruct in { char a; int b; };\n#pragma pack(pop)\nstruct R3E { int x; struct in i; };\n", "pack: 1"},
		{"natural", "struct R3E { char a; int b; double c; };\n", ""},
		{"pack(4): no number off its place", "#pragma pack(push, 4)\nstruct R3E { int a; double b; };\n#pragma pack(pop)\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := Convert([]byte(c.src), Options{Struct: "R3E", ABI: "windows-amd64"})
			if err != nil {
				t.Fatal(err)
			}
			l, err := layout.Compile(out, nil, layout.DefaultLimits)
			if err != nil || l.ID != "r3e" {
				t.Fatalf("%v, id %q", err, l.ID)
			}
			if w := layout.Lint(l); len(w) > 0 {
				t.Errorf("warnings for the compiler's own layout: %v\n%s", w, out)
			}
			if c.pack == "" && strings.Contains(string(out), "-shmbridge") || c.pack != "" && !strings.Contains(string(out), "-shmbridge:\n    "+c.pack+"\n") {
				t.Errorf("want %q:\n%s", c.pack, out)
			}
		})
	}
}
