package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestShutdownEndsStreams: stopping the daemon (Ctrl+C, SIGTERM, a service stop: its context ends) sends every
// watch stream event: closed with reason shutdown and ends it, and the daemon then stops cleanly at once.
func TestShutdownEndsStreams(t *testing.T) {
	const token = "shutdown-test-token-0123456789"
	t.Setenv("SHMBRIDGE_TOKEN", token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &testutil.LockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-listen", "127.0.0.1:0"}, runEnv{log: log}) }()
	base := daemonAddr(t, log)
	do := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	name := fmt.Sprintf("shmbridge-shutdown-%d", os.Getpid())
	do("POST", "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":64}`, name)).Body.Close()
	defer os.Remove("/dev/shm/" + name) // Linux: shutdown closes, never unlinks
	resp := do("GET", "/v1/mappings/"+name+"/watch", "")
	defer resp.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for l := range lines {
		if l == "event: snapshot" {
			break
		}
	}
	start := time.Now()
	cancel()
	var closed bool
	for l := range lines { // until the stream ends
		if strings.HasPrefix(l, "data: ") && strings.Contains(l, `"reason":"shutdown"`) {
			closed = true
		}
	}
	if !closed {
		t.Error("the stream ended without closed (reason shutdown)")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the daemon did not stop")
	}
	// A stream that held the shutdown up would have made it wait out its 5 s for connections, and say so in
	// the log (not timed here: a busy machine is slow, not wrong).
	if strings.Contains(log.String(), "connections still open at shutdown") {
		t.Errorf("the stream held the shutdown up (%v): %s", time.Since(start), log.String())
	}
	if !strings.Contains(log.String(), "msg=stopped closed_mappings=1") {
		t.Errorf("no clean stop:\n%s", log)
	}
}

// TestShutdownStopsPublishers: the daemon starts its kept mqtt publishers itself (the API starts none), and at
// shutdown stops them and waits for every one of their goroutines before it returns.
func TestShutdownStopsPublishers(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", "shutdown-test-token-0123456789")
	pubs := testutil.TempDir(t)
	kept := `{"id": "p00000000000b", "kind": "mqtt", "mapping": "shmbridge-nowhere", "topic": "sim/x", "created": "2026-01-01T00:00:00Z"}`
	if err := os.WriteFile(filepath.Join(pubs, "p00000000000b.json"), []byte(kept), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &testutil.LockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-publishers-dir", pubs, "-layouts-dir", "-", "-recordings-dir", "-",
			"-mqtt", "mqtt://127.0.0.1:1"}, runEnv{log: log}) // a broker that is never there
	}()
	publishers := func() int {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		return bytes.Count(buf, []byte("publish.(*Runtime).sample(")) + bytes.Count(buf, []byte("publish.(*Runtime).send("))
	}
	for deadline := time.Now().Add(30 * time.Second); publishers() != 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the kept publisher does not run (%d goroutines):\n%s", publishers(), log)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the daemon did not stop")
	}
	if n := publishers(); n != 0 {
		t.Errorf("%d publisher goroutines still running after the daemon stopped", n)
	}
}
