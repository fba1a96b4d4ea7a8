package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// ourGoroutines lists the goroutines running code of this module (package main or github.com/shmbridge/…),
// by id, with their stacks; the caller's own goroutine is left out.
func ourGoroutines() map[string]string {
	out := map[string]string{}
	for i, g := range testutil.Goroutines() {
		id, _, _ := strings.Cut(strings.TrimPrefix(g, "goroutine "), " ")
		if i > 0 && ourFrame.MatchString(g) && !strings.Contains(g, "testing.tRunner") {
			out[id] = g
		}
	}
	return out
}

var ourFrame = regexp.MustCompile(`(?m)^(main\.|github\.com/shmbridge/shmbridge)`)

// TestShutdownJoinsGoroutines: when run returns, every goroutine the daemon started has returned — the
// server's, the watch samplers (raw, decoded, an event's), a recording's, a looped replay's, a metrics
// publisher's — none is left running behind it.
func TestShutdownJoinsGoroutines(t *testing.T) {
	const token = "goroutines-test-token-0123456789"
	t.Setenv("SHMBRIDGE_TOKEN", token)
	dir := testutil.TempDir(t)
	before := ourGoroutines()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &testutil.LockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-layouts-dir", dir + "/layouts",
			"-recordings-dir", dir + "/recordings", "-publishers-dir", dir + "/publishers"}, runEnv{log: log})
	}()
	base := daemonAddr(t, log)
	c := &client{t: t, base: base, token: token}
	name := fmt.Sprintf("shmbridge-goroutines-%d", os.Getpid())
	event := name + "-event"
	defer os.Remove("/dev/shm/" + name) // Linux: shutdown closes, never unlinks
	defer os.Remove("/dev/shm/" + event)
	c.do("POST", "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":64}`, name), 201)
	c.do("POST", "/v1/events", fmt.Sprintf(`{"name":%q,"manual_reset":true}`, event), 201) // Windows watches only a manual-reset one
	c.do("PUT", "/v1/layouts/pair", "meta: {id: pair, endian: le}\nseq:\n  - {id: a, type: u4}\n  - {id: b, type: u4}\n", 201)
	path := "/v1/mappings/" + name
	c.stream(path+"/watch", true) // left open: the shutdown ends them
	c.stream(path+"/watch?layout=pair", true)
	c.stream("/v1/watch?event="+event, false) // a message only when the event is set
	rec := c.do("POST", "/v1/recordings", fmt.Sprintf(`{"mapping":%q,"interval":"10ms"}`, name), 201)["id"].(string)
	c.do("POST", "/v1/recordings/"+rec+"/stop", "", 200)
	c.do("POST", "/v1/recordings", fmt.Sprintf(`{"mapping":%q,"interval":"10ms"}`, name), 201) // left recording
	c.do("POST", path+"/replay", fmt.Sprintf(`{"recording":%q,"loop":true}`, rec), 202)
	c.do("POST", "/v1/publishers", fmt.Sprintf(`{"kind":"metrics","mapping":%q,"layout":"pair","name":"pair","fields":["a","b"]}`, name), 201)
	c.do("GET", "/metrics", "", 200)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the daemon did not stop")
	}
	// A joined goroutine may still be on its way out when run returns (past its WaitGroup's Done, at its last
	// brace): running or runnable, it is given time to go. One that waits (a channel, a select, a lock, a
	// sleep) after run returned was not joined: that fails at once.
	testutil.WaitFor(t, "the daemon's goroutines to return", func() error {
		var left []string
		for id, g := range ourGoroutines() {
			if _, ok := before[id]; ok {
				continue
			}
			header, _, _ := strings.Cut(g, "\n")
			if !strings.Contains(header, "[running") && !strings.Contains(header, "[runnable") {
				t.Fatalf("still waiting after run returned:\n%s", g)
			}
			left = append(left, g)
		}
		if len(left) > 0 {
			return fmt.Errorf("still running after run returned:\n%s", strings.Join(left, "\n\n"))
		}
		return nil
	})
}

// daemonAddr waits for the daemon's listening line in its log, and answers its base URL.
func daemonAddr(t *testing.T, log *testutil.LockedBuffer) string {
	t.Helper()
	var base string
	testutil.WaitFor(t, "the daemon to start", func() error {
		if m := regexp.MustCompile(`addr=(http://\S+)`).FindStringSubmatch(log.String()); m != nil {
			base = m[1]
			return nil
		}
		return fmt.Errorf("its log:\n%s", log)
	})
	return base
}

// client makes the test's requests: each must answer the status it expects.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) request(method, path, body string) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	if strings.HasPrefix(path, "/v1/layouts/") {
		req.Header.Set("Content-Type", "application/yaml")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

// do makes a request and answers its JSON object (nil for none).
func (c *client) do(method, path, body string, want int) map[string]any {
	c.t.Helper()
	resp := c.request(method, path, body)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	var v map[string]any
	json.Unmarshal(b, &v)
	return v
}

// stream opens a watch stream and, if first, reads it to its first message; the body is left open.
func (c *client) stream(path string, first bool) {
	c.t.Helper()
	resp := c.request("GET", path, "")
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("GET %s: %d: %s", path, resp.StatusCode, b)
	}
	c.t.Cleanup(func() { resp.Body.Close() })
	sc := bufio.NewScanner(resp.Body)
	for first && sc.Scan() && !strings.HasPrefix(sc.Text(), "data: ") {
	}
}
