package layout

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// kaitaiDir is Kaitai Struct's language-neutral test suite (half of it) beside the checkout: reference data,
// never copied into the repository. SHMBRIDGE_KAITAI names another place.
func kaitaiDir(t *testing.T) string {
	dir := os.Getenv("SHMBRIDGE_KAITAI")
	if dir == "" {
		dir, _ = filepath.Abs("../../../shared/kaitai")
	}
	if _, err := os.Stat(filepath.Join(dir, "spec")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Kaitai's test specs are not at %s (CI has them beside the checkout): %v", dir, err)
		}
		t.Skipf("SKIPPED: Kaitai's test specs are not at %s; set SHMBRIDGE_KAITAI", dir)
	}
	return dir
}

// formatsImporter resolves imports as the daemon's store does, by id (the last part of the path Kaitai's
// compiler resolves relative to the importing file, or with a leading / to the formats directory): the file
// ID.ksy anywhere under root.
func formatsImporter(root string) Importer {
	files := map[string]string{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if id, ok := strings.CutSuffix(d.Name(), ".ksy"); ok && err == nil {
			files[id] = p
		}
		return nil
	})
	return func(_, id string) (string, []byte, error) {
		src, err := os.ReadFile(files[id])
		if err != nil {
			return "", nil, fmt.Errorf("%s: no such layout", id)
		}
		return id, src, nil
	}
}

type kst struct {
	ID        string `yaml:"id"`
	Data      string `yaml:"data"`
	Exception any    `yaml:"exception"`
	Asserts   []struct {
		Actual    string `yaml:"actual"`
		Expected  any    `yaml:"expected"`
		Exception any    `yaml:"exception"`
	} `yaml:"asserts"`
}

// runSpec runs one .kst: nil when every assert holds.
func runSpec(dir, name string) error {
	raw, err := os.ReadFile(filepath.Join(dir, "spec", name))
	if err != nil {
		return err
	}
	var s kst
	if err := yaml.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("spec: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "formats", s.ID+".ksy"))
	if err != nil {
		return err
	}
	l, err := Compile(src, formatsImporter(filepath.Join(dir, "formats")), DefaultLimits)
	if err != nil {
		return fmt.Errorf("compile: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "src", s.Data))
	if err != nil {
		return err
	}
	v, err := l.Decode(data)
	if s.Exception != nil { // the read's (its seq's: instances are lazy, read by the asserts that name them)
		if err == nil {
			return fmt.Errorf("decoded, but %v was expected", s.Exception)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("decode: %v", err)
	}
	for _, a := range s.Asserts {
		got, err := v.Eval(a.Actual)
		if a.Exception != nil {
			if err == nil {
				return fmt.Errorf("%s = %s, but %v was expected", a.Actual, show(got), a.Exception)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %v", a.Actual, err)
		}
		if a.Expected == nil || a.Expected == "null" {
			if got != nil {
				return fmt.Errorf("%s = %s, expected null", a.Actual, show(got))
			}
			continue
		}
		want, err := v.Eval(fmt.Sprint(a.Expected))
		if err != nil {
			return fmt.Errorf("expected %v: %v", a.Expected, err)
		}
		if !sameValue(got, want) {
			return fmt.Errorf("%s = %s, expected %s", a.Actual, show(got), show(want))
		}
	}
	return nil
}

func sameValue(got, want any) bool {
	if g, ok := asFloat(got); ok && !isInt(got) {
		if w, ok := asFloat(want); ok {
			return math.Abs(g-w) <= 1e-6*math.Max(1, math.Abs(w))
		}
	}
	if e, ok := got.(enumValue); ok {
		if w, ok := want.(enumValue); ok {
			return e.e == w.e && fmt.Sprint(e.v) == fmt.Sprint(w.v)
		}
		return isInt(want) && fmt.Sprint(e.v) == fmt.Sprint(want) // an unknown member is its integer
	}
	eq, ok := equal(got, want)
	return ok && eq
}

// TestKaitaiSpecs runs Kaitai's own test specs through the interpreter and prints the count.
func TestKaitaiSpecs(t *testing.T) {
	dir := kaitaiDir(t)
	names, _ := filepath.Glob(filepath.Join(dir, "spec", "*.kst"))
	sort.Strings(names)
	pass := 0
	var failed []string
	for _, p := range names {
		name := filepath.Base(p)
		if err := runSpec(dir, name); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		pass++
	}
	for _, f := range failed {
		t.Log("FAIL ", f)
	}
	fmt.Printf("kaitai specs: %d of %d pass (%.0f%%)\n", pass, len(names), 100*float64(pass)/float64(len(names)))
	if float64(pass) < 0.9*float64(len(names)) {
		t.Errorf("%d of %d specs pass; at least 90%% must", pass, len(names))
	}
}

// TestKaitaiRefused compiles the formats a compiler must refuse: each must be refused, at the path its
// header names.
func TestKaitaiRefused(t *testing.T) {
	dir := kaitaiDir(t)
	names, _ := filepath.Glob(filepath.Join(dir, "formats_err", "*.ksy"))
	sort.Strings(names)
	refused, atPath := 0, 0
	var wrong []string
	for _, p := range names {
		src, _ := os.ReadFile(p)
		want := ""
		if line, _, _ := strings.Cut(string(src), "\n"); strings.HasPrefix(line, "# ") {
			if _, rest, ok := strings.Cut(line, ".ksy: "); ok {
				want = strings.TrimSuffix(strings.TrimSpace(rest), ":")
			}
		}
		want = kaitaiPath(want)
		_, err := Compile(src, formatsImporter(filepath.Join(dir, "formats_err")), DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) {
			wrong = append(wrong, fmt.Sprintf("%s: accepted (want refused at %s)", filepath.Base(p), want))
			continue
		}
		refused++
		found := false
		for _, pr := range ps {
			if pr.Path == want {
				found = true
			}
		}
		if found {
			atPath++
		} else {
			wrong = append(wrong, fmt.Sprintf("%s: refused at %s, want %s", filepath.Base(p), ps[0].Path, want))
		}
	}
	for _, w := range wrong {
		t.Log("WRONG ", w)
	}
	fmt.Printf("kaitai formats to refuse: %d of %d refused, %d at the path Kaitai names\n", refused, len(names), atPath)
	if float64(refused) < 0.9*float64(len(names)) {
		t.Errorf("%d of %d refused; at least 90%% must be", refused, len(names))
	}
}

// kaitaiPath rewrites the parts of an error path where Kaitai's compiler prints its own syntax tree
// (IntNum(42), Str(foo), Name(identifier(x))) as the key is written in the layout.
func kaitaiPath(p string) string {
	p = regexp.MustCompile(`IntNum\((-?\d+)\)`).ReplaceAllString(p, "$1")
	p = regexp.MustCompile(`Str\(([^)]*)\)`).ReplaceAllString(p, `"$1"`)
	p = regexp.MustCompile(`Name\(identifier\((\w+)\)\)`).ReplaceAllString(p, "$1")
	if p == "" {
		return "/"
	}
	return p
}
