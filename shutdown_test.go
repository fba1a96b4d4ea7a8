package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
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
	var base string
	testutil.WaitFor(t, "the daemon to start", func() error {
		if m := regexp.MustCompile(`addr=(http://\S+)`).FindStringSubmatch(log.String()); m != nil {
			base = m[1]
			return nil
		}
		return fmt.Errorf("its log:\n%s", log)
	})
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
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the stream held the shutdown up for %v", d)
	}
	if !strings.Contains(log.String(), "msg=stopped closed_mappings=1") {
		t.Errorf("no clean stop:\n%s", log)
	}
}
