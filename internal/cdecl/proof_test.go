package cdecl

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// proofHeaders are the headers the proof converts: each struct of each, for each ABI. cxx ones are C++:
// only the native g++ compiles them (no C++ cross compiler is installed).
var proofHeaders = []struct {
	path string
	cxx  bool
}{
	{"testdata/types.h", false}, {"testdata/layout.h", false}, {"testdata/bits.h", false},
	{"testdata/unions.h", false}, {"testdata/cxx.hpp", true}, {"../../testdata/peers/producers.h", false},
	// the catalogue's headers, as their layouts are generated from them
	{"../catalogue/src/acc.h", false}, {"../catalogue/src/ac.h", false}, {"../catalogue/src/acevo.h", false},
	{"../catalogue/src/ams2.h", false}, {"../catalogue/src/r3e.h", false},
	{"../catalogue/src/lmu.h", false}, {"../catalogue/src/rf2_scoring.h", false},
}

// toolchain is the C compiler of an ABI and its objcopy.
type toolchain struct{ cc, cxx, objcopy string }

var toolchains = map[string]toolchain{
	"linux-amd64":   {"gcc", "g++", "objcopy"},
	"windows-amd64": {"x86_64-w64-mingw32-gcc", "", "x86_64-w64-mingw32-objcopy"},
	"windows-386":   {"i686-w64-mingw32-gcc", "", "i686-w64-mingw32-objcopy"},
	"linux-arm64":   {"aarch64-linux-gnu-gcc", "", "aarch64-linux-gnu-objcopy"},
}

// need answers whether cmd is on PATH: a missing one fails the test under CI=true, else skips what needs it.
func need(t *testing.T, cmd string) bool {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the proof's compilers run on Linux (the Linux run checks every ABI)")
	}
	if _, err := exec.LookPath(cmd); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (see .ci/test's tools)", cmd)
		}
		t.Skipf("%s is not installed", cmd)
		return false
	}
	return true
}

// converted is one struct converted for one ABI, compiled, and read back.
type converted struct {
	cStruct
	ksy    []byte
	layout *layout.Layout
	doc    *ksyDoc
}

func convertAll(t *testing.T, path, abi string) []converted {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []converted
	for _, s := range headerStructs(t, src, abi) {
		ksy, err := Convert(src, Options{ID: "probe", Struct: s.name, ABI: abi})
		if err != nil {
			t.Fatalf("%s: %s: %v", abi, s.name, err)
		}
		l, err := layout.Compile(ksy, nil, layout.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %s: %v\n%s", abi, s.name, err, ksy)
		}
		if w := layout.Lint(l); len(w) > 0 { // the compiler's own layout: nothing is likely missing
			t.Errorf("%s: %s: the daemon warns of its own conversion: %v", abi, s.name, w)
		}
		out = append(out, converted{s, ksy, l, parseKsy(t, ksy)})
	}
	return out
}

// TestOffsets: for every struct of the proof's headers and every ABI, the real compiler of that ABI agrees
// with the converted layout's description (layout.Fields): each member's offset and size by _Static_assert
// (compile only), each bit-field's bits by the bytes the compiler writes for the struct with only that
// bit-field set (read from the object file).
func TestOffsets(t *testing.T) {
	for _, h := range proofHeaders {
		for _, abi := range ABIs() {
			t.Run(filepath.Base(h.path)+"/"+abi, func(t *testing.T) {
				tc := toolchains[abi]
				compiler := tc.cc
				if h.cxx {
					if tc.cxx == "" {
						t.Skipf("no C++ compiler for %s: %s is checked by g++ for linux-amd64", abi, h.path)
					}
					compiler = tc.cxx
				}
				need(t, compiler)
				need(t, tc.objcopy)
				members, bits := checkOffsets(t, h.path, h.cxx, abi, compiler, tc.objcopy)
				t.Logf("offsets %s %s: %d members' offsets and sizes, %d bit-fields' bits agree with %s", filepath.Base(h.path), abi, members, bits, compiler)
			})
		}
	}
}

func checkOffsets(t *testing.T, path string, cxx bool, abi, compiler, objcopy string) (members, bitCount int) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(path)
	var c strings.Builder
	fmt.Fprintf(&c, "#include %q\n#include <stddef.h>\n", abs)
	all := convertAll(t, path, abi) // once: each conversion parses the header again (slow under -race)
	for i, s := range all {
		fmt.Fprintf(&c, "_Static_assert(sizeof(%s) == %d, \"sizeof %s\");\n", s.cType, s.layout.Fixed, s.name)
		var probes []layout.Field
		for _, f := range s.layout.Fields {
			cp, err := s.doc.cPath(f.Path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Bits > 0 {
				probes = append(probes, f)
				continue
			}
			fmt.Fprintf(&c, "_Static_assert(offsetof(%s, %s) == %d, \"offset %s.%s\");\n", s.cType, cp, f.Offset, s.name, f.Path)
			fmt.Fprintf(&c, "_Static_assert(sizeof(((%s*)0)->%s) == %d, \"size %s.%s\");\n", s.cType, cp, f.Size, s.name, f.Path)
			members++
		}
		if len(probes) > 0 {
			fmt.Fprintf(&c, "__attribute__((section(\".pr%d\"), used)) %s probe%d[%d] = {\n", i, s.cType, i, len(probes))
			for k, f := range probes {
				cp, _ := s.doc.cPath(f.Path)
				fmt.Fprintf(&c, "  [%d] = { .%s = -1 },\n", k, cp)
			}
			c.WriteString("};\n")
		}
	}
	if cxx {
		c.Reset()
		fmt.Fprintf(&c, "#include %q\n#include <cstddef>\nusing namespace telemetry::v2;\n", abs)
		members = 0
		for _, s := range all {
			fmt.Fprintf(&c, "static_assert(sizeof(%s) == %d, \"sizeof %s\");\n", s.cType, s.layout.Fixed, s.name)
			for _, f := range s.layout.Fields {
				cp, _ := s.doc.cPath(f.Path)
				fmt.Fprintf(&c, "static_assert(offsetof(%s, %s) == %d, \"offset %s.%s\");\n", s.cType, cp, f.Offset, s.name, f.Path)
				fmt.Fprintf(&c, "static_assert(sizeof(((%s*)0)->%s) == %d, \"size %s.%s\");\n", s.cType, cp, f.Size, s.name, f.Path)
				members++
			}
		}
	}
	ext := ".c"
	if cxx {
		ext = ".cpp"
	}
	file := filepath.Join(dir, "check"+ext)
	os.WriteFile(file, []byte(c.String()), 0o644)
	obj := filepath.Join(dir, "check.o")
	if out, err := exec.Command("nice", append([]string{"-n", "5", compiler, "-w", "-c", "-o", obj, file}, crossFlags(t, abi, dir)...)...).CombinedOutput(); err != nil {
		t.Fatalf("%s disagrees with the converted layouts:\n%s", compiler, firstLines(out, 40))
	}
	for i, s := range all {
		bitCount += checkProbes(t, s, i, obj, objcopy, dir)
	}
	return members, bitCount
}

// checkProbes reads the bytes the compiler wrote for struct s with one bit-field at a time set to all ones,
// and checks that exactly the bits the layout's field says are set.
func checkProbes(t *testing.T, s converted, i int, obj, objcopy, dir string) int {
	var probes []layout.Field
	for _, f := range s.layout.Fields {
		if f.Bits > 0 {
			probes = append(probes, f)
		}
	}
	if len(probes) == 0 {
		return 0
	}
	bin := filepath.Join(dir, fmt.Sprintf("probe%d.bin", i))
	if out, err := exec.Command(objcopy, "-O", "binary", "-j", fmt.Sprintf(".pr%d", i), obj, bin).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", objcopy, err, out)
	}
	data, _ := os.ReadFile(bin)
	size := s.layout.Fixed
	if len(data) < size*len(probes) {
		t.Fatalf("%s: %d bytes of probes, want %d", s.name, len(data), size*len(probes))
	}
	for k, f := range probes {
		got := data[k*size : (k+1)*size]
		want := make([]byte, size)
		for b := f.Offset*8 + f.Bit; b < f.Offset*8+f.Bit+f.Bits; b++ {
			want[b/8] |= 1 << (b % 8)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s.%s: the compiler sets bits %x, the layout reads %x (offset %d bit %d, %d bits)", s.name, f.Path, got, want, f.Offset, f.Bit, f.Bits)
		}
	}
	return len(probes)
}

// crossFlags are the flags of a cross compiler without its C library's headers (gcc-aarch64-linux-gnu
// installed without libc6-dev-arm64-cross): freestanding (gcc's own stdint.h, stddef.h, stdbool.h), with the
// two headers of the C library the test headers include written here from gcc's predefined types.
func crossFlags(t *testing.T, abi, dir string) []string {
	if abi != "linux-arm64" {
		return nil
	}
	inc := filepath.Join(dir, "libc")
	os.MkdirAll(inc, 0o755)
	os.WriteFile(filepath.Join(inc, "wchar.h"), []byte("#include <stddef.h>\n"), 0o644)
	os.WriteFile(filepath.Join(inc, "uchar.h"), []byte("typedef __CHAR16_TYPE__ char16_t;\ntypedef __CHAR32_TYPE__ char32_t;\n"), 0o644)
	return []string{"-ffreestanding", "-I", inc}
}

func firstLines(b []byte, n int) string {
	lines := strings.Split(string(b), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}
