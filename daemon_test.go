package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// startDaemon runs the daemon with args until the test ends, and returns its address and log.
func startDaemon(t *testing.T, args ...string) (string, *testutil.LockedBuffer) {
	t.Helper()
	return startDaemonIn(t, runEnv{}, args...)
}

// startDaemonIn is startDaemon in env (its log is the returned buffer).
func startDaemonIn(t *testing.T, env runEnv, args ...string) (string, *testutil.LockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &testutil.LockedBuffer{}
	env.log = log
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, env) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
		if !strings.Contains(log.String(), "msg=stopped") {
			t.Errorf("no clean stop in the log:\n%s", log)
		}
	})
	addr := regexp.MustCompile(`msg="shmbridge listening" addr=http://(\S+)`)
	var m []string
	testutil.WaitFor(t, "the daemon to start", func() error {
		if m = addr.FindStringSubmatch(log.String()); m != nil {
			return nil
		}
		select {
		case err := <-done:
			t.Fatalf("daemon ended: %v\n%s", err, log)
		default:
		}
		return fmt.Errorf("its log:\n%s", log)
	})
	return m[1], log
}

// TestFlagsFromEnvironment: every flag can be set as SHMBRIDGE_<FLAG> (a container's configuration), a
// repeatable one comma-separated, and the command line wins over the environment.
func TestFlagsFromEnvironment(t *testing.T) {
	t.Setenv("SHMBRIDGE_LISTEN", "127.0.0.1:1")
	t.Setenv("SHMBRIDGE_ALLOW_HOST", "a.example:8765,b.example:8765")
	t.Setenv("SHMBRIDGE_MAX_MAPPINGS", "7")
	c, err := parseFlags([]string{"-listen", "127.0.0.1:2"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.listen != "127.0.0.1:2" || c.maxMappings != 7 || strings.Join(c.extraHosts, " ") != "a.example:8765 b.example:8765" {
		t.Fatalf("got listen %q, max-mappings %d, allow-host %q", c.listen, c.maxMappings, c.extraHosts)
	}
	t.Setenv("SHMBRIDGE_MAX_MAPPINGS", "many")
	if _, err := parseFlags(nil, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "max-mappings") {
		t.Fatalf("a bad SHMBRIDGE_MAX_MAPPINGS: %v", err)
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, runEnv{log: &out}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^shmbridge \S+ \(commit [^)]+\) go1\.\d+\S* \w+/\w+\n$`).MatchString(out.String()) {
		t.Fatalf("-version printed %q", out.String())
	}
}

// TestHealthCommand: `shmbridge health` (the container's HEALTHCHECK) succeeds against a running daemon,
// finding it through SHMBRIDGE_LISTEN as the daemon does, and fails when nothing answers.
func TestHealthCommand(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", "health-test-token-0123456789")
	addr, log := startDaemon(t, "-listen", "127.0.0.1:0")
	if !strings.Contains(log.String(), "version=") {
		t.Errorf("the start log does not carry the version:\n%s", log)
	}
	_, port, _ := strings.Cut(addr, ":")
	t.Setenv("SHMBRIDGE_LISTEN", "0.0.0.0:"+port) // as in the container: asked on loopback
	var out bytes.Buffer
	if err := healthCommand(nil, &out); err != nil {
		t.Fatalf("health: %v", err)
	}
	if !strings.HasPrefix(out.String(), "ok: shmbridge ") {
		t.Fatalf("health printed %q, want the daemon's version", out.String())
	}
	if err := healthCommand([]string{"-listen", "127.0.0.1:1", "-timeout", "2s"}, &out); err == nil {
		t.Fatal("health succeeded with no daemon at 127.0.0.1:1")
	}
}

// TestDashboardLoginLinkInATerminalOnly: in a terminal the start log prints the dashboard's login link, with a
// one-time code and never the token: the code logs one browser in (a session), once; the link left in the
// browser's history is worth nothing after. A log that goes to a file or a journal holds no code.
func TestDashboardLoginLinkInATerminalOnly(t *testing.T) {
	const token = "dashboard-test-token-0123456789"
	t.Setenv("SHMBRIDGE_TOKEN", token)
	for _, terminal := range []bool{true, false} {
		addr, log := startDaemonIn(t, runEnv{terminal: terminal}, "-listen", "127.0.0.1:0")
		url := regexp.MustCompile(`msg="dashboard[^"]*" url="?(http://[^"\s]+)`).FindStringSubmatch(log.String())
		if url == nil {
			t.Fatalf("terminal %v: no dashboard URL in the log:\n%s", terminal, log.String())
		}
		if strings.Contains(log.String(), token) {
			t.Errorf("terminal %v: the token is in the log:\n%s", terminal, log.String())
		}
		code, hasCode := strings.CutPrefix(url[1], "http://"+addr+"/#code=")
		if hasCode != terminal {
			t.Fatalf("terminal %v: dashboard URL %s", terminal, url[1])
		}
		if !terminal {
			continue
		}
		login := func() (int, string) {
			req, _ := http.NewRequest("POST", "http://"+addr+"/v1/sessions", strings.NewReader(`{"code":"`+code+`"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var s struct{ Session string }
			json.NewDecoder(resp.Body).Decode(&s)
			return resp.StatusCode, s.Session
		}
		status, session := login()
		if status != 201 || session == "" || strings.Contains(session, token) {
			t.Fatalf("login with the code: %d %q", status, session)
		}
		req, _ := http.NewRequest("GET", "http://"+addr+"/v1/mappings", nil)
		req.Header.Set("Authorization", "Bearer "+session)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("the session on the API: %v %v", resp, err)
		}
		if status, _ := login(); status != 401 {
			t.Fatalf("the code used a second time: %d, want 401", status)
		}
	}
}
