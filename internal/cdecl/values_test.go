package cdecl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// leaf is a member of a converted struct that holds a value: its path in the layout and in C, and its type.
type leaf struct {
	kpath, cpath string
	attr         ksyAttr
	assign       bool // set by the C program (instances, other members of a union, are only read)
}

// maxLeaves bounds the members one struct's program sets: arrays of structs are sampled.
const maxLeaves = 3000

// leaves lists the members of type typ (under the paths kp, cp): every item of small arrays, the first four
// and the last of larger ones.
func (d *ksyDoc) leaves(typ, kp, cp string, assign bool, out *[]leaf) {
	seq, inst := d.attrs(typ)
	var names []string
	for n := range inst {
		names = append(names, n)
	}
	sort.Strings(names)
	all := []struct {
		a      ksyAttr
		assign bool
	}{}
	for _, a := range seq {
		if a.ID != "" {
			all = append(all, struct {
				a      ksyAttr
				assign bool
			}{a, assign})
		}
	}
	for _, n := range names {
		a := inst[n]
		a.ID = n
		all = append(all, struct {
			a      ksyAttr
			assign bool
		}{a, false})
	}
	for _, x := range all {
		a := x.a
		idxs := []int{-1}
		if a.RepeatExpr > 0 {
			idxs = nil
			for i := 0; i < a.RepeatExpr && i < 4; i++ {
				idxs = append(idxs, i)
			}
			if a.RepeatExpr > 4 {
				idxs = append(idxs, a.RepeatExpr-1)
			}
		}
		for _, i := range idxs {
			k, c := join2(kp, a.ID, "."), join2(cp, a.cName(), ".")
			if i >= 0 {
				k += fmt.Sprintf("[%d]", i)
				c += a.cIndex(i)
			}
			if _, ok := d.Types[a.Type]; ok {
				d.leaves(a.Type, k, c, x.assign, out)
			} else if len(*out) < maxLeaves {
				*out = append(*out, leaf{kpath: k, cpath: c, attr: a, assign: x.assign})
			}
		}
	}
}

func join2(a, b, sep string) string {
	if a == "" {
		return b
	}
	return a + sep + b
}

// value is the distinct value the C program sets leaf k to (as C source) and how it prints it back.
func (d *ksyDoc) value(k int, l leaf) (set, print string) {
	a, cp := l.attr, "s."+l.cpath
	mix := (uint64(k) + 1) * 0x9E3779B97F4A7C15
	bits := 0
	if len(a.Type) > 1 && (a.Type[0] == 'u' || a.Type[0] == 's' || a.Type[0] == 'b') {
		bits, _ = strconv.Atoi(a.Type[1:])
		if a.Type[0] != 'b' {
			bits *= 8
		}
	}
	signed := a.Type != "" && a.Type[0] == 's'
	intPrint := fmt.Sprintf(`printf("%s\t%%llu\n", (unsigned long long)%s);`, l.kpath, cp)
	if signed || strings.HasPrefix(a.Type, "b") {
		intPrint = fmt.Sprintf(`printf("%s\t%%lld\n", (long long)%s);`, l.kpath, cp)
	}
	switch {
	case a.Type == "strz":
		unit := map[string]int{"UTF-16LE": 2, "UTF-32LE": 4}[a.Encoding]
		if unit == 0 {
			unit = 1
		}
		text := fmt.Sprintf("v%d", k)
		if len(text) > a.Size/unit-1 {
			text = text[:a.Size/unit-1]
		}
		return fmt.Sprintf(`{ const char *v = %q; for (int i = 0; v[i]; i++) %s[i] = v[i]; }`, text, cp),
			fmt.Sprintf(`printf("%s\t"); for (size_t i = 0; i < sizeof(%s)/sizeof(%s[0]) && %s[i]; i++) printf("%%llx,", (unsigned long long)%s[i] & ((1ULL << (8*sizeof(%s[0])))-1)); printf("\n");`, l.kpath, cp, cp, cp, cp, cp)
	case a.Type == "f4" || a.Type == "f8":
		return fmt.Sprintf("%s = %d.25;", cp, k), fmt.Sprintf(`printf("%s\t%%.17g\n", (double)%s);`, l.kpath, cp)
	case a.Type == "" || bits == 0:
		return "", ""
	case a.Enum != "":
		var vals []int64
		for v := range d.Enums[a.Enum] {
			if a.Type[0] != 'b' || v >= 0 && v < 1<<(bits-1) {
				vals = append(vals, v)
			}
		}
		sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
		cast := fmt.Sprintf("(__typeof__(%s))", cp)
		if a.Type[0] == 'b' {
			cast = ""
		}
		return fmt.Sprintf("%s = %s(%dLL);", cp, cast, vals[k%len(vals)]), intPrint
	case a.Type[0] == 'b' || strings.HasPrefix(a.Doc, "C bool"):
		if bits == 1 || strings.HasPrefix(a.Doc, "C bool") {
			return fmt.Sprintf("%s = %d;", cp, k%2), intPrint
		}
		return fmt.Sprintf("%s = %dULL;", cp, mix>>(64-bits+1)), intPrint
	case strings.HasPrefix(a.Doc, "C pointer"):
		return fmt.Sprintf("%s = (__typeof__(%s))(uintptr_t)%dULL;", cp, cp, mix>>(64-bits)),
			fmt.Sprintf(`printf("%s\t%%llu\n", (unsigned long long)(uintptr_t)%s);`, l.kpath, cp)
	case signed:
		v := int64(mix >> (64 - bits + 1))
		if k%2 == 1 {
			v = -v
		}
		return fmt.Sprintf("%s = (__typeof__(%s))(%dLL);", cp, cp, v), intPrint
	}
	return fmt.Sprintf("%s = (__typeof__(%s))(%dULL);", cp, cp, mix>>(64-bits)), intPrint
}

// program is the C program that sets every leaf of each struct to a distinct value, writes the struct's bytes
// to NAME.bin and prints each leaf's value as C reads it back.
func program(path string, cxx bool, structs []converted) (string, map[string][]leaf) {
	abs, _ := filepath.Abs(path)
	var b strings.Builder
	fmt.Fprintf(&b, "#define __USE_MINGW_ANSI_STDIO 1\n#include %q\n#include <stdio.h>\n#include <string.h>\n#include <stdint.h>\n", abs)
	if cxx {
		b.WriteString("using namespace telemetry::v2;\n")
	}
	all := map[string][]leaf{}
	for i, s := range structs {
		var ls []leaf
		s.doc.leaves("", "", "", true, &ls)
		all[s.name] = ls
		fmt.Fprintf(&b, "static void dump%d(void) {\n  static %s s;\n  memset(&s, 0, sizeof s);\n", i, s.cType)
		var prints []string
		for k, l := range ls {
			set, print := s.doc.value(k, l)
			if l.assign && set != "" {
				b.WriteString("  " + set + "\n")
			}
			if print != "" {
				prints = append(prints, "  "+print+"\n")
			}
		}
		fmt.Fprintf(&b, "  FILE *f = fopen(%q, \"wb\");\n  fwrite(&s, sizeof s, 1, f);\n  fclose(f);\n  printf(\"== %s\\n\");\n", s.name+".bin", s.name)
		b.WriteString(strings.Join(prints, ""))
		b.WriteString("}\n")
	}
	b.WriteString("int main(void) {\n")
	for i := range structs {
		fmt.Fprintf(&b, "  dump%d();\n", i)
	}
	b.WriteString("  return 0;\n}\n")
	return b.String(), all
}

// TestValues: a C program built by gcc (run natively) and by mingw x86_64 (run under Wine) sets every member
// of every struct of the proof's headers to a distinct value and writes the struct's bytes; the converted
// layout decodes them to the values the program prints, member for member (strings, enums, bit-fields,
// floats, nested structs, arrays, union members).
func TestValues(t *testing.T) {
	for _, abi := range []string{"linux-amd64", "windows-amd64"} {
		for _, h := range proofHeaders {
			t.Run(filepath.Base(h.path)+"/"+abi, func(t *testing.T) {
				compiler := toolchains[abi].cc
				if h.cxx {
					if compiler = toolchains[abi].cxx; compiler == "" {
						t.Skipf("no C++ compiler for %s", abi)
					}
				}
				need(t, compiler)
				var run []string
				if abi == "windows-amd64" {
					need(t, "wine")
					run = []string{"wine"}
				}
				n := checkValues(t, h.path, h.cxx, abi, compiler, run)
				t.Logf("values %s %s: %d members decode to what the %s program wrote", filepath.Base(h.path), abi, n, compiler)
			})
		}
	}
}

func checkValues(t *testing.T, path string, cxx bool, abi, compiler string, run []string) int {
	dir := t.TempDir()
	structs := convertAll(t, path, abi)
	src, leaves := program(path, cxx, structs)
	ext := ".c"
	if cxx {
		ext = ".cpp"
	}
	file, exe := filepath.Join(dir, "values"+ext), filepath.Join(dir, "values.exe")
	os.WriteFile(file, []byte(src), 0o644)
	if out, err := exec.Command("nice", "-n", "5", compiler, "-w", "-o", exe, file).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", compiler, err, firstLines(out, 30))
	}
	cmd := exec.Command(append(run, exe)[0], append(run, exe)[1:]...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", exe, err)
	}
	printed := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if name, ok := strings.CutPrefix(line, "== "); ok {
			cur = map[string]string{}
			printed[name] = cur
		} else if k, v, ok := strings.Cut(line, "\t"); ok && cur != nil {
			cur[k] = v
		}
	}
	compared := 0
	for _, s := range structs {
		data, err := os.ReadFile(filepath.Join(dir, s.name+".bin"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.layout.Decode(data)
		if err != nil {
			t.Fatalf("%s: decoding: %v", s.name, err)
		}
		for _, l := range leaves[s.name] {
			c, ok := printed[s.name][l.kpath]
			if !ok {
				continue // bytes: long double, __int128
			}
			got, err := v.EvalJSON(l.kpath)
			if err != nil {
				t.Errorf("%s.%s: %v", s.name, l.kpath, err)
				continue
			}
			if want := s.doc.expect(l, c); !sameJSON(l, string(got), want) {
				t.Errorf("%s.%s (C %s): decoded %s, C wrote %s", s.name, l.kpath, l.cpath, got, want)
			}
			compared++
		}
	}
	return compared
}

// expect is the JSON the layout should decode for the value C printed.
func (d *ksyDoc) expect(l leaf, c string) string {
	a := l.attr
	switch {
	case a.Type == "strz":
		var units []int
		for _, h := range strings.Split(strings.TrimSuffix(c, ","), ",") {
			if u, err := strconv.ParseUint(h, 16, 32); err == nil {
				units = append(units, int(u))
			}
		}
		var runes []rune
		if a.Encoding == "UTF-16LE" {
			u16 := make([]uint16, len(units))
			for i, u := range units {
				u16[i] = uint16(u)
			}
			runes = utf16.Decode(u16)
		} else {
			for _, u := range units {
				runes = append(runes, rune(u))
			}
		}
		j, _ := json.Marshal(string(runes))
		return string(j)
	case a.Type == "f4" || a.Type == "f8":
		if strings.Contains(c, "nan") || strings.Contains(c, "inf") {
			return "null"
		}
		return c
	case a.Type == "b1":
		if c == "0" {
			return "false"
		}
		return "true"
	case a.Enum != "":
		v, _ := strconv.ParseInt(c, 10, 64)
		if n := d.enumName(a.Enum, v); n != "" {
			return strconv.Quote(n)
		}
	}
	return c
}

// sameJSON compares a decoded value with C's: floats as the type's floats (C prints 17 digits).
func sameJSON(l leaf, got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	if l.attr.Type == "f4" {
		return float32(g) == float32(w) || math.IsNaN(g) && math.IsNaN(w)
	}
	return g == w
}
