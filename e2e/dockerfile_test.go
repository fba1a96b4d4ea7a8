//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"go.yaml.in/yaml/v3"
)

// image is what Dockerfile.windows's final stage gives the container, as BuildKit reads it.
type image struct {
	base, user string
	env        map[string]string
	entrypoint []string
	cmd        []string
	health     []string // HEALTHCHECK CMD, exec form
	expose     []string
	metaArgs   map[string]string
}

// readDockerfile parses Dockerfile.windows with BuildKit's parser and instruction reader (its light
// packages), failing on any parser warning. BuildKit's linter (every rule `docker build --check` runs) checks
// the same file in .ci/dockerfile-lint, a module of its own that .ci/test runs: the linter brings gRPC,
// OpenTelemetry and containerd, which this module would otherwise compile twice (go vet, go test -race).
func readDockerfile(t *testing.T) image {
	t.Helper()
	src, err := os.ReadFile("Dockerfile.windows")
	if err != nil {
		t.Fatal(err)
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Errorf("parser warning: %s (line %d)", w.Short, w.Location.Start.Line)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatal(err)
	}
	lex := shell.NewLex(res.EscapeToken)
	word := func(s string) string {
		v, _, err := lex.ProcessWord(s, shell.EnvsFromSlice(nil))
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return v
	}
	img := image{env: map[string]string{}, metaArgs: map[string]string{}}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				img.metaArgs[kv.Key] = *kv.Value
			}
		}
	}
	final := stages[len(stages)-1]
	img.base = final.BaseName
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				img.env[kv.Key] = word(kv.Value)
			}
		case *instructions.UserCommand:
			img.user = c.User
		case *instructions.EntrypointCommand:
			if c.PrependShell {
				t.Error("ENTRYPOINT in shell form: a signal would not reach the daemon")
			}
			img.entrypoint = c.CmdLine
		case *instructions.CmdCommand:
			img.cmd = c.CmdLine
		case *instructions.HealthCheckCommand:
			img.health = c.Health.Test
		case *instructions.ExposeCommand:
			img.expose = c.Ports
		}
	}
	return img
}

// TestDockerfileWindows: Dockerfile.windows passes BuildKit's parser (its linter: .ci/dockerfile-lint), builds a non-admin image on
// a nanoserver base chosen by a build ARG, bakes in no token, and every SHMBRIDGE_* variable it sets is a
// daemon flag (a misspelt one would be ignored silently).
func TestDockerfileWindows(t *testing.T) {
	img := readDockerfile(t)
	if !strings.Contains(img.base, "nanoserver:${WINDOWS_VERSION}") || img.metaArgs["WINDOWS_VERSION"] != "ltsc2022" {
		t.Errorf("final base %q, WINDOWS_VERSION default %q: want nanoserver with ARG WINDOWS_VERSION=ltsc2022", img.base, img.metaArgs["WINDOWS_VERSION"])
	}
	if img.user != "ContainerUser" {
		t.Errorf("USER %q, want the non-admin ContainerUser", img.user)
	}
	if len(img.health) < 2 || img.health[0] != "CMD" {
		t.Errorf("HEALTHCHECK %q: want an exec-form CMD", img.health)
	}
	if len(img.expose) != 1 || img.expose[0] != "8765" {
		t.Errorf("EXPOSE %q", img.expose)
	}
	flags := daemonFlags(t)
	for k := range img.env {
		if k == "SHMBRIDGE_TOKEN" {
			t.Error("the image bakes in a token (ENV SHMBRIDGE_TOKEN)")
		}
		name, ok := strings.CutPrefix(k, "SHMBRIDGE_")
		if ok && !flags[strings.ReplaceAll(strings.ToLower(name), "_", "-")] {
			t.Errorf("ENV %s names no daemon flag", k)
		}
	}
}

// TestDockerfileUnderWine runs the Windows binary under Wine exactly as the image would: the ENTRYPOINT and
// CMD arguments, the ENV variables (the port alone is changed to a free one, and C:\ is the Wine prefix's),
// the token given at run time as a mounted secret file or as SHMBRIDGE_TOKEN. It must serve /healthz, an
// authenticated route, extra Host names from SHMBRIDGE_ALLOW_HOST, pass its own HEALTHCHECK, and refuse to
// start with no token at all.
func TestDockerfileUnderWine(t *testing.T) {
	wine, err := exec.LookPath("wine")
	prefix := os.Getenv("WINEPREFIX")
	if err != nil || prefix == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI: wine and WINEPREFIX are required (source .ci/wine-env): %v", err)
		}
		t.Skip("no wine or WINEPREFIX (source .ci/wine-env)")
	}
	img := readDockerfile(t)
	exe := filepath.Join(t.TempDir(), "shmbridge.exe")
	build := exec.Command("go", "build", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The image's C:\ is the Wine prefix's drive_c.
	hostPath := func(win string) string {
		return filepath.Join(prefix, "drive_c", filepath.FromSlash(strings.ReplaceAll(strings.TrimPrefix(win, `C:\`), `\`, "/")))
	}
	argv := func(cmdline []string) []string { // the image's exe → the one just built, under wine
		if len(cmdline) == 0 || cmdline[0] != img.entrypoint[0] {
			t.Fatalf("%q does not run the ENTRYPOINT's binary %q", cmdline, img.entrypoint[0])
		}
		return append([]string{exe}, cmdline[1:]...)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	listen, ok := img.env["SHMBRIDGE_LISTEN"]
	if !ok || !strings.HasSuffix(listen, ":8765") {
		t.Fatalf("ENV SHMBRIDGE_LISTEN %q: want the container listening on port 8765", listen)
	}
	env := []string{"SHMBRIDGE_LISTEN=" + strings.TrimSuffix(listen, "8765") + port}
	for k, v := range img.env {
		if k != "SHMBRIDGE_LISTEN" {
			env = append(env, k+"="+v)
		}
	}
	var keep []string // Wine's own variables pass through; no SHMBRIDGE_* from the test's environment
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SHMBRIDGE_") {
			keep = append(keep, kv)
		}
	}
	tokenFile, ok := img.env["SHMBRIDGE_TOKEN_FILE"]
	if !ok {
		t.Fatal("no ENV SHMBRIDGE_TOKEN_FILE: where does a mounted secret go?")
	}
	secret := hostPath(tokenFile)
	os.RemoveAll(filepath.Dir(secret))
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(secret)) })

	start := func(extraEnv ...string) (*exec.Cmd, *testutil.LockedBuffer, chan error) {
		cmd := exec.Command(wine, argv(append(img.entrypoint, img.cmd...))...)
		cmd.Env = append(append(append([]string{}, keep...), env...), extraEnv...)
		out := &testutil.LockedBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		return cmd, out, done
	}
	get := func(path, token, host string) int {
		req, _ := http.NewRequest("GET", "http://127.0.0.1:"+port+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	t.Run("no token", func(t *testing.T) {
		_, out, done := start()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(out.String(), "no token: set SHMBRIDGE_TOKEN") {
				t.Fatalf("exit %v, output:\n%s", err, out)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("the daemon started without a token")
		}
	})
	const token = "container-token-0123456789abcdef"
	for _, way := range []string{"secret file", "SHMBRIDGE_TOKEN"} {
		t.Run(way, func(t *testing.T) {
			var extra []string
			if way == "secret file" {
				os.MkdirAll(filepath.Dir(secret), 0o700)
				if err := os.WriteFile(secret, []byte(token+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(secret)
			} else {
				extra = append(extra, "SHMBRIDGE_TOKEN="+token)
			}
			extra = append(extra, "SHMBRIDGE_ALLOW_HOST=myhost:8765,10.0.0.5:8765")
			cmd, out, done := start(extra...)
			defer func() {
				cmd.Process.Signal(os.Interrupt)
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					cmd.Process.Kill()
				}
				// Under Wine the launcher can end before the Windows process lets go of the port: the next
				// daemon's test must not talk to this one.
				testutil.WaitFor(t, "the port free again", func() bool { return get("/healthz", "", "") == 0 })
			}()
			// Its own line, not /healthz (which a daemon of the subtest before, still going, could answer).
			everyInterface := regexp.MustCompile(`addr=http://(0\.0\.0\.0|\[::\]):` + port)
			testutil.WaitFor(t, "the daemon listening on every interface", func() error {
				if everyInterface.MatchString(out.String()) {
					return nil
				}
				if len(done) > 0 {
					t.Fatalf("the daemon ended:\n%s", out)
				}
				return fmt.Errorf("its output:\n%s", out)
			})
			if code := get("/healthz", "", ""); code != 200 {
				t.Errorf("/healthz: %d", code)
			}
			if code := get("/v1/mappings", token, ""); code != 200 {
				t.Errorf("GET /v1/mappings with the token: %d", code)
			}
			if code := get("/v1/mappings", "", ""); code != 401 {
				t.Errorf("GET /v1/mappings without the token: %d, want 401", code)
			}
			if code := get("/v1/mappings", token, "myhost:8765"); code != 200 {
				t.Errorf("Host myhost:8765 from SHMBRIDGE_ALLOW_HOST: %d", code)
			}
			if code := get("/v1/mappings", token, "other:8765"); code != 403 {
				t.Errorf("Host other:8765: %d, want 403", code)
			}
			hc := exec.Command(wine, argv(img.health[1:])...)
			hc.Env = append(append(append([]string{}, keep...), env...), extra...)
			if out, err := hc.CombinedOutput(); err != nil || !strings.Contains(string(out), "ok: shmbridge") {
				t.Errorf("HEALTHCHECK %q: %v\n%s", img.health, err, out)
			}
		})
	}
}

// TestHostProcessManifest checks the shape of the (untested) Kubernetes example: a HostProcess pod on the host
// network, with the daemon kept on the node's loopback and the token from a Secret, never inline.
func TestHostProcessManifest(t *testing.T) {
	src, err := os.ReadFile("examples/kubernetes/hostprocess.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ds struct {
		Kind string
		Spec struct {
			Template struct {
				Spec struct {
					HostNetwork     bool `yaml:"hostNetwork"`
					SecurityContext struct {
						WindowsOptions struct {
							HostProcess   bool   `yaml:"hostProcess"`
							RunAsUserName string `yaml:"runAsUserName"`
						} `yaml:"windowsOptions"`
					} `yaml:"securityContext"`
					Containers []struct {
						Command []string
						Env     []struct {
							Name      string
							Value     *string
							ValueFrom *struct {
								SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
							} `yaml:"valueFrom"`
						}
					}
				}
			}
		}
	}
	if err := yaml.Unmarshal(src, &ds); err != nil {
		t.Fatal(err)
	}
	pod := ds.Spec.Template.Spec
	if ds.Kind != "DaemonSet" || !pod.HostNetwork || !pod.SecurityContext.WindowsOptions.HostProcess ||
		pod.SecurityContext.WindowsOptions.RunAsUserName == "" || len(pod.Containers) != 1 {
		t.Fatalf("not a HostProcess DaemonSet on the host network: %+v", ds)
	}
	env := map[string]bool{}
	for _, e := range pod.Containers[0].Env {
		switch {
		case e.Name == "SHMBRIDGE_LISTEN" && e.Value != nil && strings.HasPrefix(*e.Value, "127.0.0.1:"):
			env[e.Name] = true
		case e.Name == "SHMBRIDGE_TOKEN" && e.Value == nil && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef.Name != "":
			env[e.Name] = true
		}
	}
	if !env["SHMBRIDGE_LISTEN"] || !env["SHMBRIDGE_TOKEN"] {
		t.Fatalf("want SHMBRIDGE_LISTEN on loopback and SHMBRIDGE_TOKEN from a Secret: %+v", pod.Containers[0].Env)
	}
}
