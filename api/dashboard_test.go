package api_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
	"github.com/shmbridge/shmbridge/web"
)

// TestDashboardServedPublicWithStrictCSP: the page and every file it loads (scripts by their imports too) answer
// 200 without a token, with the dashboard's CSP (own origin only, no inline code) and the right types; the
// API behind it still needs the token; files that are not the dashboard's are 404.
func TestDashboardServedPublicWithStrictCSP(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Dashboard = web.FS })
	get := func(p string) (*http.Response, []byte) { return b.do("GET", p, nil, "Authorization", "") }
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	resp, page := get("/")
	expect(t, resp, page, 200)
	if resp.Header.Get("Content-Security-Policy") != csp || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/: CSP %q, type %q", resp.Header.Get("Content-Security-Policy"), resp.Header.Get("Content-Type"))
	}
	files := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:src|href)="/ui/([^"]+)"`).FindAllSubmatch(page, -1) {
		files[string(m[1])] = true
	}
	for queue := []string{"app.js"}; len(queue) > 0; queue = queue[1:] { // the modules app.js imports, and theirs (import() too)
		_, js := get("/ui/" + queue[0])
		for _, m := range regexp.MustCompile(`(?:from |import\()'\./([^']+)'`).FindAllSubmatch(js, -1) {
			if f := string(m[1]); !files[f] {
				files[f] = true
				queue = append(queue, f)
			}
		}
	}
	if len(files) < 5 {
		t.Fatalf("the page loads %d files (%v), want its style sheet and every module", len(files), files)
	}
	types := map[string]string{".js": "text/javascript", ".css": "text/css"}
	for f := range files {
		resp, data := get("/ui/" + f)
		expect(t, resp, data, 200)
		ext := f[strings.LastIndex(f, "."):]
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), types[ext]) || resp.Header.Get("Content-Security-Policy") != csp ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("/ui/%s: type %q, CSP %q", f, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"))
		}
	}
	for _, p := range []string{"/ui/embed.go", "/ui/nothing.js", "/ui/", "/ui/..%2fopenapi.yaml"} {
		resp, data := b.do("GET", p, nil, "Authorization", "", "Invalid", "on purpose")
		expect(t, resp, data, 404)
	}
	resp, data := b.do("GET", "/v1/mappings", nil, "Authorization", "", "Invalid", "on purpose")
	expect(t, resp, data, 401)
}

// TestDashboardInsertsNoHTML: the page has no inline script, style or event handler (the CSP would refuse
// them), and the scripts never parse a string as HTML or code: names and texts go in as text.
func TestDashboardInsertsNoHTML(t *testing.T) {
	page, err := fs.ReadFile(web.FS, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script(?:\s+[^>]*)?>\s*[^<\s]`), // a script with a body
		regexp.MustCompile(`(?i)<script(?:(?:\s+type="module")?)>`),
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)\sstyle\s*=|<style`),
	} {
		if m := bad.Find(page); m != nil {
			t.Errorf("index.html: %s", m)
		}
	}
	sinks := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\('on|\.srcdoc`)
	scripts, _ := fs.Glob(web.FS, "*.js")
	for _, f := range scripts {
		js, _ := fs.ReadFile(web.FS, f)
		for _, m := range sinks.FindAll(js, -1) {
			t.Errorf("%s uses %s", f, m)
		}
	}
	if len(scripts) < 4 {
		t.Fatalf("found %d scripts", len(scripts))
	}
}

// TestOSObjects: GET /v1/os/objects lists what the OS has: a mapping a native program made (here this test
// process, outside the daemon's registry) unheld, one the daemon holds with held, an event with its kind;
// ?kind= filters; a bad kind is 400.
func TestOSObjects(t *testing.T) {
	b := newBridge(t, nil)
	held, native, event := name(t, "-held"), name(t, "-native"), name(t, "-event")
	b.create(createBody(held, 4096, ""))
	m, err := shm.Open(shm.Options{Name: native, Size: 8192, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { m.Close(); shm.Unlink(native) }()
	resp, data := b.do("POST", "/v1/events", strings.NewReader(`{"name":`+quoteJSON(event)+`,"manual_reset":true}`), "Content-Type", "application/json")
	expect(t, resp, data, 201)

	list := func(query string) map[string]api.OSObject {
		resp, data := b.do("GET", "/v1/os/objects"+query, nil)
		expect(t, resp, data, 200)
		var l api.OSObjects
		if err := json.Unmarshal(data, &l); err != nil || l.Truncated {
			t.Fatalf("%v (truncated %v): %s", err, l.Truncated, data)
		}
		byName := map[string]api.OSObject{}
		for _, o := range l.Objects {
			byName[o.Name] = o
		}
		return byName
	}
	// The OS's name for each: /dev/shm has no namespaces; Windows lists this session's objects as Local\.
	osName := func(n string) string {
		if runtime.GOOS == "windows" {
			return n
		}
		return strings.TrimPrefix(n, `Local\`)
	}
	all := list("")
	for n, want := range map[string]api.OSObject{
		held:   {Kind: "mapping", Held: "mapping"},
		native: {Kind: "mapping"},
		event:  {Kind: "event", Held: "event"},
	} {
		got, ok := all[osName(n)]
		if !ok {
			t.Errorf("%s is not listed", osName(n))
			continue
		}
		if got.Kind != want.Kind || got.Held != want.Held || got.OSType == "" {
			t.Errorf("%s: %+v, want kind %s held %q", n, got, want.Kind, want.Held)
		}
		if runtime.GOOS != "windows" && want.Kind == "mapping" && (got.Size == nil || *got.Size < 4096) {
			t.Errorf("%s: size %v", n, got.Size)
		}
	}
	events := list("?kind=event")
	if _, ok := events[osName(native)]; ok || len(events) == 0 {
		t.Errorf("?kind=event: %v", events)
	}
	if _, ok := events[osName(event)]; !ok {
		t.Errorf("?kind=event lacks %s", event)
	}
	resp, data = b.do("GET", "/v1/os/objects?kind=section", nil, "Invalid", "on purpose")
	expect(t, resp, data, 400)
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestNamesThatDisplayAsOthers: a name with a bidirectional-text control (U+202E makes adv3x‮gpj.exe display
// as adv3xexe.jpg) or a C1 control is refused with 400 invalid-name on every kind (what the OS has under such a
// name is listed as not openable: TestOSObjectsUnopenable).
func TestNamesThatDisplayAsOthers(t *testing.T) {
	b := newBridge(t, nil)
	for _, n := range []string{name(t, "-adv3x\u202egpj.exe"), name(t, "-\u2066x"), name(t, "-\u0085")} {
		for route, body := range map[string]string{"/v1/mappings": `,"size":64`, "/v1/events": "", "/v1/mutexes": ""} {
			resp, data := b.do("POST", route, strings.NewReader(`{"name":`+quoteJSON(n)+body+`}`), "Content-Type", "application/json")
			expect(t, resp, data, 400)
			wantProblem(t, data, "invalid-name")
		}
	}
}

// TestDashboardKinds: the dashboard's list of object kinds (web/api.js's KINDS) is the daemon's, in order,
// with the same plurals: one list, kept in two languages, held together here.
func TestDashboardKinds(t *testing.T) {
	js, err := fs.ReadFile(web.FS, "api.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`export const KINDS = \{([^}]*)\}`).FindSubmatch(js)
	if m == nil {
		t.Fatal("api.js has no KINDS")
	}
	var got []string
	for _, kv := range regexp.MustCompile(`(\w+): '(\w+)'`).FindAllSubmatch(m[1], -1) {
		got = append(got, string(kv[1])+"="+string(kv[2]))
	}
	var want []string
	for _, k := range registry.Kinds {
		want = append(want, string(k)+"="+k.Plural())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("web/api.js KINDS: %v, the daemon's: %v", got, want)
	}
}
