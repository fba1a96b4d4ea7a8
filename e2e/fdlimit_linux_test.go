package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestDescriptorLimit: the daemon started with 128 file descriptors (its default caps need about 3,600)
// lowers its caps to fit and says so; creates past the lowered cap are 409 limit-reached, and a new client's
// /healthz and a DELETE are still answered — also with more idle keep-alive connections open than it can hold.
func TestDescriptorLimit(t *testing.T) {
	prlimit := needTool(t, "prlimit")
	exe, err := daemonBinary()
	if err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	log := &testutil.LockedBuffer{}
	cmd := exec.Command(prlimit, "--nofile=128:128", exe, "-listen", addr)
	cmd.Env = append(os.Environ(), "SHMBRIDGE_TOKEN="+opsToken)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	base := "http://" + addr
	testutil.WaitFor(t, "the daemon to listen", func() error {
		if !strings.Contains(log.String(), "shmbridge listening") {
			return fmt.Errorf("log: %s", log)
		}
		return nil
	})
	if !strings.Contains(log.String(), "lowered") || !strings.Contains(log.String(), "-max-mappings 1024 → ") {
		t.Fatalf("the start log does not say the caps were lowered:\n%s", log)
	}
	client := func() *http.Client { return &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{}} }
	do := func(c *http.Client, method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+opsToken)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: no answer: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	c := client()
	var names []string
	defer func() {
		for _, n := range names {
			do(client(), "DELETE", "/v1/mappings/"+n+"?unlink=true", "")
		}
	}()
	created := 0
	for i := 0; i < 128; i++ {
		n := fmt.Sprintf("shmbridge-fdlimit-%d-%d", os.Getpid(), i)
		status, body := do(c, "POST", "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":4096}`, n))
		if status != 201 {
			if status != 409 || !strings.Contains(body, "limit-reached") {
				t.Fatalf("create %d: %d %s, want 201 or 409 limit-reached", i, status, body)
			}
			break
		}
		names = append(names, n)
		created++
	}
	if created == 0 || created >= 128-16 {
		t.Fatalf("%d creates before limit-reached under 128 descriptors", created)
	}
	// More idle keep-alive connections than descriptors are left.
	var idle []*http.Client
	for range 150 {
		ic := client()
		if status, _ := do(ic, "GET", "/healthz", ""); status != 200 && status != 503 {
			t.Fatalf("an idle-to-be connection: %d", status)
		}
		idle = append(idle, ic)
	}
	if status, body := do(client(), "GET", "/healthz", ""); status != 200 {
		t.Fatalf("/healthz on a new connection, %d mappings and 150 idle connections held: %d %s", created, status, body)
	}
	if status, body := do(client(), "DELETE", "/v1/mappings/"+names[0]+"?unlink=true", ""); status != 204 {
		t.Fatalf("DELETE on a new connection: %d %s", status, body)
	}
	names = names[1:]
	t.Logf("under 128 descriptors: %d mappings, then 409; /healthz and DELETE answered beside 150 idle connections", created)
	for _, ic := range idle {
		ic.CloseIdleConnections()
	}
}
