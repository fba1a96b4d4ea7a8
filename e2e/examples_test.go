package e2e

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// call is one API request an example makes: method ("" when the line does not say), route as in the spec
// (/v1/mappings/{name}/data), query keys.
type call struct {
	method, route string
	query         []string
}

var (
	objectCall  = regexp.MustCompile(`(?:obj|Get-ObjectPath)\(?\s*['"](\w+)['"],?\s+\$?[\w.]+(?:,?\s+f?['"]([^'"]*)['"])?`)
	literalPath = regexp.MustCompile(`['"](/v1/[^'"]*)['"]`)
	methodOf    = regexp.MustCompile(`(?i)(?:call\(\s*|-Method\s+)['"]?(GET|PUT|POST|PATCH|DELETE)\b`)
)

// exampleCalls reads the requests an example script makes.
func exampleCalls(t *testing.T, file string) []call {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var calls []call
	for _, line := range strings.Split(string(src), "\n") {
		var paths []string
		for _, m := range objectCall.FindAllStringSubmatch(line, -1) {
			paths = append(paths, "/v1/"+m[1]+"/{name}"+m[2])
		}
		for _, m := range literalPath.FindAllStringSubmatch(line, -1) {
			if !strings.Contains(strings.ToLower(m[1]), "kind") { // the path helper itself
				paths = append(paths, m[1])
			}
		}
		method := ""
		if m := methodOf.FindStringSubmatch(line); m != nil {
			method = strings.ToLower(m[1])
		}
		for _, p := range paths {
			route, query, _ := strings.Cut(p, "?")
			c := call{method: method, route: route}
			for _, kv := range strings.Split(query, "&") {
				if k, _, _ := strings.Cut(kv, "="); k != "" {
					c.query = append(c.query, k)
				}
			}
			calls = append(calls, c)
		}
	}
	return calls
}

// TestExamplesUseTheSpec: every route, method and query parameter the examples use exists in openapi.yaml —
// the PowerShell one included, which CI cannot run — and the PowerShell and Node examples make the same
// requests as the Python one, which CI runs.
func TestExamplesUseTheSpec(t *testing.T) {
	var spec struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
		}
	}
	raw, _ := os.ReadFile("openapi.yaml")
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	params := regexp.MustCompile(`\{\w+\}`)
	all := map[string][]call{}
	for _, f := range []string{"examples/python/example.py", "examples/python/interop.py", "examples/node/example.mjs", "examples/powershell/Example.ps1",
		"examples/python/my_producer.py", "examples/node/my-producer.mjs"} {
		calls := exampleCalls(t, f)
		if len(calls) < 4 && !strings.HasSuffix(f, "interop.py") {
			t.Fatalf("%s: found only %d requests", f, len(calls))
		}
		all[f] = calls
	next:
		for _, c := range calls {
			for p, ops := range spec.Paths {
				if params.ReplaceAllString(p, "{name}") != c.route {
					continue
				}
				for method, op := range ops {
					if c.method != "" && method != c.method {
						continue
					}
					known := func(k string) bool {
						return slices.ContainsFunc(op.Parameters, func(q struct{ Name, In string }) bool { return q.In == "query" && q.Name == k })
					}
					if !slices.ContainsFunc(c.query, func(k string) bool { return !known(k) }) {
						continue next
					}
				}
				t.Errorf("%s: %s %s?%s: a query parameter the spec does not have", f, c.method, c.route, strings.Join(c.query, "&"))
				continue next
			}
			t.Errorf("%s: %s %s is not a route of the spec", f, c.method, c.route)
		}
	}
	key := func(c call) string { return c.route + "?" + strings.Join(c.query, "&") }
	same(t, all, key, "examples/python/example.py", "examples/node/example.mjs", "examples/powershell/Example.ps1")
	same(t, all, key, "examples/python/my_producer.py", "examples/node/my-producer.mjs")
}

// same checks that the examples others make the requests of the example python, no more, no fewer.
func same(t *testing.T, all map[string][]call, key func(call) string, python string, others ...string) {
	want := map[string]bool{}
	for _, c := range all[python] {
		want[key(c)] = true
	}
	for _, f := range others {
		got := map[string]bool{}
		for _, c := range all[f] {
			got[key(c)] = true
		}
		for k := range want {
			if !got[k] {
				t.Errorf("%s does not make %s's request %s", f, python, k)
			}
		}
		for k := range got {
			if !want[k] {
				t.Errorf("%s makes %s, which %s does not", f, k, python)
			}
		}
	}
}
