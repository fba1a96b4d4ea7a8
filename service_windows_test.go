//go:build windows

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/internal/winsvc"
)

// TestMain lets this test binary be the service: the service manager starts it as `… service run …`.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "service" {
		if err := serviceCommand(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "shmbridge:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestServiceLifecycle drives the real service manager (under Wine in CI): install with daemon flags, start,
// the API answers with the token install made, a native peer reads what the service created under a Global\
// name, a Local\ create carries the session-0 hint, stop closes every handle (the peer no longer finds the
// mapping), uninstall removes the service. Bad daemon flags fail the install itself.
func TestServiceLifecycle(t *testing.T) {
	name := fmt.Sprintf("shmbridge-test-%d", os.Getpid())
	svcCmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := serviceCommand(args, &out)
		return out.String(), err
	}
	if _, err := svcCmd("install", "-name", name, "-max-mappings", "lots"); err == nil {
		t.Fatal("install accepted a daemon flag the daemon refuses")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	out, err := svcCmd("install", "-name", name, "-listen", addr, "-log-level", "debug")
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		svcCmd("uninstall", "-name", name)
		testutil.RemoveAll(winsvc.Dir(name))
	})
	for _, want := range []string{`NT AUTHORITY\LocalService`, winsvc.Dir(name), `Global\`} {
		if !strings.Contains(out, want) {
			t.Errorf("install output does not mention %q:\n%s", want, out)
		}
	}
	if out, err := svcCmd("start", "-name", name); err != nil {
		t.Fatalf("start: %v\n%s", err, out)
	}
	out, err = svcCmd("status", "-name", name)
	if err != nil || !strings.Contains(out, "running") || !strings.Contains(out, "service run -name "+name) {
		t.Fatalf("status: %v\n%s", err, out)
	}
	token, err := os.ReadFile(filepath.Join(winsvc.Dir(name), "token"))
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, ctype, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		var resp *http.Response
		testutil.WaitFor(t, method+" "+path+" to be answered (the service starting under Wine)", func() (err error) {
			resp, err = http.DefaultClient.Do(req)
			return err
		})
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	global := `Global\` + name
	if code, body := call("POST", "/v1/mappings", "application/json", `{"name":"Global\\`+name+`","size":4096}`); code != 201 || strings.Contains(body, `"hint"`) {
		t.Fatalf("create %s: %d %s", global, code, body)
	}
	if code, body := call("PUT", "/v1/mappings/Global%5C"+name+"/data?encoding=utf-8&nul=true", "text/plain", "from the service"); code != 200 && code != 204 {
		t.Fatalf("write: %d %s", code, body)
	}
	code, body := call("POST", "/v1/mappings", "application/json", `{"name":"Local\\`+name+`","size":64}`)
	var created struct{ Hint string }
	json.Unmarshal([]byte(body), &created)
	if code != 201 || !strings.Contains(created.Hint, "session 0") {
		t.Fatalf("a Local\\ create by the service: %d, hint %q (%s)", code, created.Hint, body)
	}
	peer := func() (string, error) {
		out, err := exec.Command(`testdata/bin/win_peer.exe`, "read", global, "ascii").Output()
		return strings.TrimSpace(string(out)), err
	}
	if got, err := peer(); err != nil || got != fmt.Sprintf("%x", "from the service") {
		t.Fatalf("native peer read %q (%v), want the hex of %q", got, err, "from the service")
	}
	if out, err := svcCmd("stop", "-name", name); err != nil {
		t.Fatalf("stop: %v\n%s", err, out)
	}
	if got, err := peer(); err == nil {
		t.Fatalf("after stop the peer still opens %s (%q): the service left a handle open", global, got)
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("after stop the peer failed with %v, want exit 3 (not found)", err)
	}
	if out, err := svcCmd("uninstall", "-name", name); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, out)
	}
	if _, err := svcCmd("status", "-name", name); err == nil {
		t.Fatal("status still finds the service after uninstall")
	}
}
