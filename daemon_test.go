package main

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// startDaemon runs the daemon with args until the test ends, and returns its address and log.
func startDaemon(t *testing.T, args ...string) (string, *testutil.LockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &testutil.LockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, runEnv{log: log}) }()
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
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(log.String()); m != nil {
			return m[1], log
		}
		select {
		case err := <-done:
			t.Fatalf("daemon ended: %v\n%s", err, log)
		default:
		}
	}
	t.Fatalf("daemon did not start:\n%s", log)
	return "", nil
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

// TestDashboardURLInATerminalOnly: in a terminal the start log prints the dashboard URL with the token (opening
// it logs the browser in, as Jupyter's does); a log that goes to a file or a journal never holds the token.
func TestDashboardURLInATerminalOnly(t *testing.T) {
	const token = "dashboard-test-token-0123456789"
	t.Setenv("SHMBRIDGE_TOKEN", token)
	for _, terminal := range []bool{true, false} {
		var log bytes.Buffer
		announceAuth(slog.New(slog.NewTextHandler(&log, nil)), token, "env", "", "127.0.0.1:8765", terminal)
		url := regexp.MustCompile(`msg="dashboard[^"]*" url="?(http://[^"\s]+)`).FindStringSubmatch(log.String())
		switch {
		case url == nil:
			t.Errorf("terminal %v: no dashboard URL in the log:\n%s", terminal, log.String())
		case terminal && url[1] != "http://127.0.0.1:8765/?token="+token:
			t.Errorf("in a terminal: URL %s, want the one that logs in", url[1])
		case !terminal && strings.Contains(log.String(), token):
			t.Errorf("not a terminal, yet the token is in the log:\n%s", log.String())
		}
	}
}
