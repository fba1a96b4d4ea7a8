package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
	"go.yaml.in/yaml/v3"
)

// TestKaitaiThroughTheAPI runs Kaitai's own test specs (../shared/kaitai, beside the checkout) through the
// daemon: each data file into a mapping, each format through POST …/decode, and every assert whose actual is
// a field path checked against the JSON the daemon answers (the expected value as /fields shows it). A spec
// that expects an exception must be refused (422).
func TestKaitaiThroughTheAPI(t *testing.T) {
	dir := os.Getenv("SHMBRIDGE_KAITAI")
	if dir == "" {
		dir, _ = filepath.Abs("../../shared/kaitai")
	}
	if _, err := os.Stat(filepath.Join(dir, "spec")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Kaitai's test specs are not at %s (CI has them beside the checkout)", dir)
		}
		t.Skipf("SKIPPED: Kaitai's test specs are not at %s; set SHMBRIDGE_KAITAI", dir)
	}
	b := newBridge(t, nil)
	names, _ := filepath.Glob(filepath.Join(dir, "spec", "*.kst"))
	sort.Strings(names)
	pass, checked := 0, 0
	var failed []string
	for i, p := range names {
		n := name(t, strconv.Itoa(i))
		err := kaitaiSpecThroughAPI(b, dir, p, n, &checked)
		b.reg.CloseMapping(n, true)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", filepath.Base(p), err))
			continue
		}
		pass++
	}
	for _, f := range failed {
		t.Log("FAIL ", f)
	}
	fmt.Printf("kaitai specs through the API: %d of %d pass (%.0f%%), %d asserts checked against the daemon's JSON\n", pass, len(names), 100*float64(pass)/float64(len(names)), checked)
	if float64(pass) < 0.9*float64(len(names)) {
		t.Errorf("%d of %d specs pass through the API; at least 90%% must", pass, len(names))
	}
}

var fieldPath = regexp.MustCompile(`^[a-z][a-z0-9_]*(\[\d+\])*(\.[a-z][a-z0-9_]*(\[\d+\])*)*$`)

func kaitaiSpecThroughAPI(b *bridge, dir, specPath, n string, checked *int) error {
	raw, _ := os.ReadFile(specPath)
	var s struct {
		ID        string `yaml:"id"`
		Data      string `yaml:"data"`
		Exception any    `yaml:"exception"`
		Asserts   []struct {
			Actual    string `yaml:"actual"`
			Expected  any    `yaml:"expected"`
			Exception any    `yaml:"exception"`
		} `yaml:"asserts"`
	}
	if err := yaml.Unmarshal(raw, &s); err != nil {
		return err
	}
	ksy, err := os.ReadFile(filepath.Join(dir, "formats", s.ID+".ksy"))
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, "src", s.Data))
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("an empty data file: a mapping has at least one byte")
	}
	// The daemon's imports name saved layouts by id, not files: save each imported format under its id.
	if ksy, err = saveImports(b, filepath.Join(dir, "formats"), ".", ksy, map[string]bool{}); err != nil {
		return err
	}
	b.create(createBody(n, int64(len(data)), ""))
	if resp, body := b.do("PUT", path(n, "/data"), bytes.NewReader(data)); resp.StatusCode != 200 {
		return fmt.Errorf("writing the data: %d %s", resp.StatusCode, body)
	}
	// Only the fields the asserts look at (?fields=): an instance that fails elsewhere (an assert that expects
	// an exception) would fail the whole answer.
	var sel []string
	for _, a := range s.Asserts {
		if a.Exception == nil && fieldPath.MatchString(a.Actual) && !strings.HasPrefix(a.Actual, "_") {
			sel = append(sel, strings.TrimSuffix(methodSuffix.ReplaceAllString(a.Actual, ""), "."))
		}
	}
	q := ""
	if len(sel) > 0 && s.Exception == nil {
		q = "?fields=" + strings.Join(sel, ",")
	}
	resp, body := b.do("POST", path(n, "/decode"+q), bytes.NewReader(ksy), "Content-Type", "application/yaml")
	if s.Exception != nil {
		if resp.StatusCode != 422 {
			return fmt.Errorf("decoded (%d), but %v was expected", resp.StatusCode, s.Exception)
		}
		return nil
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("decode: %d %s", resp.StatusCode, body)
	}
	got, err := decodeNumbers(body)
	if err != nil {
		return err
	}
	// The expected values, as JSON: evaluated against the same data by the interpreter in this process.
	l, err := layout.Compile(ksy, func(_, id string) (string, []byte, error) {
		e, err := b.getLayoutSource(id)
		return id, e, err
	}, layout.DefaultLimits)
	if err != nil {
		return err
	}
	v, err := l.Decode(data)
	if err != nil {
		return err
	}
	for _, a := range s.Asserts {
		if a.Exception != nil || !fieldPath.MatchString(a.Actual) || strings.HasPrefix(a.Actual, "_") {
			continue // a method, a cast or an operator: not a field of the JSON
		}
		val, ok := jsonAt(got, a.Actual)
		want := []byte("null")
		if a.Expected != nil && a.Expected != "null" {
			if want, err = v.EvalJSON(fmt.Sprint(a.Expected)); err != nil {
				return fmt.Errorf("expected %v: %v", a.Expected, err)
			}
		}
		w, _ := decodeNumbers(want)
		if !ok && w == nil {
			*checked++
			continue
		}
		if !ok || !sameJSON(val, w) {
			return fmt.Errorf("%s is %v in the daemon's JSON, expected %s", a.Actual, val, want)
		}
		*checked++
	}
	return nil
}

// methodSuffix is a trailing Kaitai method of an assert's path (answered from the JSON, see jsonAt).
var methodSuffix = regexp.MustCompile(`\.(size|length|first|last|to_s)$`)

func (b *bridge) getLayoutSource(id string) ([]byte, error) {
	resp, data := b.do("GET", "/v1/layouts/"+id, nil)
	if resp.StatusCode != 200 {
		return nil, layout.ErrNotFound
	}
	var l struct{ Source string }
	json.Unmarshal(data, &l)
	return []byte(l.Source), nil
}

// saveImports saves what ksy imports (depth first) as layouts by their ids: the daemon resolves an import,
// written as Kaitai writes it (relative to the importing file, or with a leading / to the formats directory),
// to the saved layout whose id is its last part. ksy is answered as it is.
func saveImports(b *bridge, root, rel string, ksy []byte, seen map[string]bool) ([]byte, error) {
	var doc struct {
		Meta struct {
			Imports []string `yaml:"imports"`
		} `yaml:"meta"`
	}
	if yaml.Unmarshal(ksy, &doc) != nil || len(doc.Meta.Imports) == 0 {
		return ksy, nil
	}
	for _, im := range doc.Meta.Imports {
		file := filepath.Join(root, rel, im+".ksy")
		if strings.HasPrefix(im, "/") {
			file = filepath.Join(root, im+".ksy")
		}
		src, err := os.ReadFile(file)
		if err == nil && !seen[file] {
			seen[file] = true
			if _, err = saveImports(b, root, filepath.Dir(strings.TrimPrefix(file, root+"/")), src, seen); err != nil {
				return nil, err
			}
			b.do("PUT", "/v1/layouts/"+filepath.Base(im), bytes.NewReader(src), "Content-Type", "application/yaml")
		}
	}
	return ksy, nil
}

var pathPart = regexp.MustCompile(`([a-z_][a-z0-9_]*)|\[(\d+)\]`)

func jsonAt(v any, p string) (any, bool) {
	for _, m := range pathPart.FindAllStringSubmatch(p, -1) {
		if m[1] != "" {
			if obj, ok := v.(map[string]any); ok {
				if v, ok = obj[m[1]]; !ok {
					return nil, false
				}
				continue
			}
			// Kaitai's methods of arrays and strings, on the JSON
			switch x := v.(type) {
			case []any:
				switch {
				case m[1] == "size" || m[1] == "length":
					v = json.Number(strconv.Itoa(len(x)))
				case m[1] == "first" && len(x) > 0:
					v = x[0]
				case m[1] == "last" && len(x) > 0:
					v = x[len(x)-1]
				default:
					return nil, false
				}
			case string:
				if m[1] != "length" {
					return nil, false
				}
				v = json.Number(strconv.Itoa(len([]rune(x))))
			case json.Number:
				if m[1] != "to_s" {
					return nil, false
				}
				v = x.String()
			default:
				return nil, false
			}
			continue
		}
		arr, ok := v.([]any)
		i, _ := strconv.Atoi(m[2])
		if !ok || i >= len(arr) {
			return nil, false
		}
		v = arr[i]
	}
	return v, true
}

func sameJSON(a, b any) bool {
	// bytes are base64 in the JSON, an array of u1 items is numbers; an expected [0x50, 0x41] is either
	if as, ok := a.(string); ok {
		if bl, ok := b.([]any); ok {
			if raw, err := base64.StdEncoding.DecodeString(as); err == nil {
				a = bytesAsNumbers(raw)
				b = bl
			}
		}
	}
	if al, ok := a.([]any); ok {
		if bs, ok := b.(string); ok {
			if raw, err := base64.StdEncoding.DecodeString(bs); err == nil {
				b = bytesAsNumbers(raw)
				a = al
			}
		}
	}
	if x, ok := a.(json.Number); ok {
		if y, ok := b.(json.Number); ok {
			if x == y {
				return true
			}
			fx, err1 := x.Float64()
			fy, err2 := y.Float64()
			return err1 == nil && err2 == nil && strings.ContainsAny(string(x)+string(y), ".eE") && math.Abs(fx-fy) <= 1e-6*math.Max(1, math.Abs(fy))
		}
	}
	// a byte array is base64; an expected [0x50, 0x41] evaluates to bytes too
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func bytesAsNumbers(b []byte) []any {
	out := make([]any, len(b))
	for i, c := range b {
		out[i] = json.Number(strconv.Itoa(int(c)))
	}
	return out
}

func decodeNumbers(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	return v, d.Decode(&v)
}
