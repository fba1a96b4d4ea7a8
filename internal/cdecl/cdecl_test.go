package cdecl

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
)

func convertProblems(t *testing.T, src string, o Options) layout.Problems {
	t.Helper()
	if o.ID == "" {
		o.ID = "x"
	}
	out, err := Convert([]byte(src), o)
	var ps layout.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v\n%s", err, out)
	}
	return ps
}

// wantProblem checks that ps has a problem at line:col whose detail holds want.
func wantProblem(t *testing.T, ps layout.Problems, line, col int, want string) {
	t.Helper()
	for _, p := range ps {
		if p.Line == line && (col == 0 || p.Column == col) && strings.Contains(p.Detail, want) {
			return
		}
	}
	t.Errorf("no problem at %d:%d saying %q in %+v", line, col, want, ps)
}

func TestRefused(t *testing.T) {
	src := `#include <stdint.h>
#include "vendor.h"
struct S {
    uint32_t n;
    int get() const { return n; }
};
template <typename T> struct Box { T v; };
class Widget { int x; };
struct Derived : S { int y; };
struct V { virtual void f(); };
enum __attribute__((packed)) small { A };
int helper(int x) { return x; }
`
	ps := convertProblems(t, src, Options{Struct: "S"})
	wantProblem(t, ps, 5, 21, "a function's body")
	wantProblem(t, ps, 7, 1, "template")
	wantProblem(t, ps, 8, 1, "class")
	wantProblem(t, ps, 9, 16, "inheritance")
	wantProblem(t, ps, 10, 12, "virtual")
	wantProblem(t, ps, 11, 21, "packed enum")
	wantProblem(t, ps, 12, 19, "a function's body")

	// the C front end's problems, once the rewrite has none
	ps = convertProblems(t, "#include <stdint.h>\n#include \"vendor.h\"\nstruct S { int a; };\n", Options{Struct: "S"})
	wantProblem(t, ps, 2, 10, "only the built-in prelude's headers")
	ps = convertProblems(t, "struct S {\n  int n;\n  char data[];\n};\n", Options{Struct: "S"})
	wantProblem(t, ps, 3, 8, "flexible array member")
	ps = convertProblems(t, "struct S { int n; };\nint f(void) { return 1; }\n", Options{Struct: "S"})
	wantProblem(t, ps, 2, 0, "a function's body")
	ps = convertProblems(t, "struct S { long n; };\n_Static_assert(sizeof(struct S) == 8, \"S is 8 bytes\");\n", Options{Struct: "S", ABI: "windows-amd64"})
	wantProblem(t, ps, 2, 16, "S is 8 bytes")
	ps = convertProblems(t, "struct S { unknown_t n; };\n", Options{Struct: "S"})
	wantProblem(t, ps, 1, 0, "")
	// cc's parser would loop for ever on an enum keyword ending its input, however it got there
	ps = convertProblems(t, "struct S { int a; };\n#define K enum\nK", Options{Struct: "S"})
	wantProblem(t, ps, 3, 1, "unexpected 'enum'")
	ps = convertProblems(t, "struct S { enum", Options{Struct: "S"})
	wantProblem(t, ps, 0, 0, "at the end of the header")
	ps = convertProblems(t, "constexpr int f(int x) { return x; }\n", Options{Struct: "S"})
	wantProblem(t, ps, 1, 1, "constexpr function")
}

func TestOptionsProblems(t *testing.T) {
	src := "enum E { A };\ntypedef int I;\nstruct S { int a; };\nunion U { int a; float b; };\nstruct Fwd;\n"
	ps := convertProblems(t, src, Options{ID: "Bad-ID", ABI: "plan9-mips", Encoding: "EBCDIC-XX"})
	wantProblem(t, ps, 0, 0, "layout id")
	wantProblem(t, ps, 0, 0, "name the struct")
	wantProblem(t, ps, 0, 0, `unknown ABI "plan9-mips": the ABIs are windows-amd64, windows-386, linux-amd64, linux-arm64`)
	wantProblem(t, ps, 0, 0, "unknown encoding")
	wantProblem(t, convertProblems(t, src, Options{Struct: "Nope"}), 0, 0, "it declares: Fwd, S, U")
	wantProblem(t, convertProblems(t, src, Options{Struct: "E"}), 1, 1, "is an enum")
	wantProblem(t, convertProblems(t, src, Options{Struct: "I"}), 2, 13, "not a struct or union")
	wantProblem(t, convertProblems(t, src, Options{Struct: "Fwd"}), 5, 1, "declared but not defined")
	big := strings.Repeat(" ", MaxSource+1)
	wantProblem(t, convertProblems(t, big, Options{Struct: "S"}), 0, 0, "at most 262144")
	wantProblem(t, convertProblems(t, "struct S { int a; };\x00", Options{Struct: "S"}), 0, 0, "NUL")
}

// TestAllProblemsAtOnce: every refusal is listed, up to 100 and a count of the others.
func TestAllProblemsAtOnce(t *testing.T) {
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "template <int N> struct T%d;\n", i)
	}
	ps := convertProblems(t, b.String(), Options{Struct: "S"})
	if len(ps) != maxProblems+1 || ps[0].Line != 1 || ps[99].Line != 100 || ps[100].Detail != "and 50 more problems" {
		t.Fatalf("%d problems: first %+v, last %+v", len(ps), ps[0], ps[len(ps)-1])
	}
}

// TestGenerated: the text of a small layout, as a user reads it: ids, -orig-id, docs, padding, enums.
func TestGenerated(t *testing.T) {
	src := `#include <stdint.h>
/** Modes. */
typedef enum { MODE_IDLE, MODE_RACE = 4 } Mode;
// the page
typedef struct {
    uint32_t seq;       // bumped per frame
    uint8_t mode;
    /* when it was written */
    double timestamp;
    Mode sessionMode;
    char label[6];
    int RPMValue, rpm_value;
    unsigned isOn : 1;
} Page;
`
	out, err := Convert([]byte(src), Options{ID: "page", Struct: "Page", ABI: "linux-amd64"})
	if err != nil {
		t.Fatal(err)
	}
	want := `meta:
  id: page
  endian: le
  bit-endian: le
doc: C struct Page laid out for linux-amd64 (40 bytes), converted by shmbridge from its declaration.
seq:
  - id: seq
    type: u4
    doc: bumped per frame
  - id: mode
    type: u1
  - size: 3
  - id: timestamp
    type: f8
    doc: when it was written
  - id: session_mode
    -orig-id: sessionMode
    type: s4
    enum: mode
  - id: label
    type: strz
    size: 6
    encoding: UTF-8
  - size: 2
  - id: rpm_value
    -orig-id: RPMValue
    type: s4
  - id: rpm_value_2
    -orig-id: rpm_value
    type: s4
  - id: is_on
    -orig-id: isOn
    type: b1
  - type: b7
  - size: 3
enums:
  mode:
    0:
      id: mode_idle
      -orig-id: MODE_IDLE
    4:
      id: mode_race
      -orig-id: MODE_RACE
`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestTCHARFollowsUNICODE(t *testing.T) {
	for def, enc := range map[string]string{"": "UTF-8", "#define UNICODE\n": "UTF-16LE", "#define UNICODE 1\n": "UTF-16LE"} {
		out, err := Convert([]byte(def+"#include <windows.h>\ntypedef struct { TCHAR name[8]; } S;\n"), Options{ID: "x", Struct: "S", ABI: "windows-amd64"})
		if err != nil || !strings.Contains(string(out), "encoding: "+enc) {
			t.Errorf("%q: %v\n%s", def, err, out)
		}
	}
}

func TestDefaultABI(t *testing.T) {
	for _, c := range []struct{ goos, goarch, want string }{
		{"windows", "amd64", "windows-amd64"}, {"windows", "386", "windows-386"}, {"windows", "arm64", "windows-amd64"},
		{"linux", "amd64", "linux-amd64"}, {"linux", "arm64", "linux-arm64"},
	} {
		if got := defaultABI(c.goos, c.goarch); got != c.want {
			t.Errorf("%s/%s: %s, want %s", c.goos, c.goarch, got, c.want)
		}
	}
	if _, ok := abiNamed(DefaultABI()); !ok {
		t.Errorf("DefaultABI %q is not one of ABIs", DefaultABI())
	}
}

// TestDocsRoundTrip: comments of any text come back from the generated YAML as they were.
func TestDocsRoundTrip(t *testing.T) {
	docs := []string{"key: value # not a comment", "two\nlines: here", "  'quoted' \"too\"", "- a list?", "3", "tab\there", "ünïcode → ok", "yes"}
	var b strings.Builder
	b.WriteString("struct S {\n")
	for i, d := range docs {
		fmt.Fprintf(&b, "  int m%d; /* %s */\n", i, d)
	}
	b.WriteString("};\n")
	out, err := Convert([]byte(b.String()), Options{ID: "x", Struct: "S"})
	if err != nil {
		t.Fatal(err)
	}
	k := parseKsy(t, out)
	for i, d := range docs {
		want := commentText([]byte("/* " + d + " */"))
		if got := k.Seq[i].Doc; got != want {
			t.Errorf("doc %d: %q, want %q\n%s", i, got, want, out)
		}
	}
}
