package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// The operators' side, with the real tools (Debian's prometheus, promtool and caddy): the daemon scraped by
// Prometheus with the configuration in examples/prometheus, and reached through Caddy with the one in
// examples/caddy.

const opsToken = "ops-test-token-0123456789abcdef"

// needTool finds a command; in CI a missing one is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	return testutil.Tool(t, name)
}

// privateShm is startDaemonUnder's wrap for a daemon in a mount namespace of its own, with a /dev/shm of its own
// (a tmpfs of 64 MiB), where a test can use a producer's real name and meet no other test's. Mounting needs root:
// nil for other users, whose test then uses the machine's /dev/shm.
func privateShm(t *testing.T) []string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Log("not root: the machine's /dev/shm, shared with any test running at once")
		return nil
	}
	return []string{needTool(t, "unshare"), "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=64m tmpfs /dev/shm && exec "$0" "$@"`}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).AddrPort().String()
}

// startTool runs a command until the test ends.
func startTool(t *testing.T, name string, args ...string) *testutil.LockedBuffer {
	t.Helper()
	out := &testutil.LockedBuffer{}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return out
}

func get(c *http.Client, url, token string) (int, []byte, error) {
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// TestPrometheusScrapes: Prometheus, with examples/prometheus/prometheus.yml (the token in a credentials file),
// finds the daemon up, sees a request counter move after traffic, and promtool passes the exposition. And the
// daemon as an exporter of a producer's fields: HWiNFO's readings (testdata/peers/producers.c, a native
// producer), published by POST /v1/publishers, are in Prometheus by their sensor names with the values the
// producer wrote.
func TestPrometheusScrapes(t *testing.T) {
	prom, promtool, cc := needTool(t, "prometheus"), needTool(t, "promtool"), needTool(t, "cc")
	t.Setenv("SHMBRIDGE_TOKEN", opsToken)
	// HWiNFO's own name, which api's demo test of HWiNFO makes too, maybe at the same time (go test runs packages
	// side by side): as root (CI), the daemon and the producer share a /dev/shm of their own.
	private := privateShm(t)
	addr, _, daemon := startDaemonUnder(t, private, "-listen", "127.0.0.1:0", "-publishers-dir", "-")
	producer := filepath.Join(t.TempDir(), "producers")
	if out, err := exec.Command(cc, "-std=gnu11", "-O2", "-o", producer, "testdata/peers/producers.c", "-lpthread").CombinedOutput(); err != nil {
		t.Fatalf("building the producer: %v\n%s", err, out)
	}
	hwinfo := exec.Command(producer, "hwinfo")
	if private != nil {
		hwinfo = exec.Command(needTool(t, "nsenter"), "-t", strconv.Itoa(daemon.Process.Pid), "-m", producer, "hwinfo")
	}
	stdin, _ := hwinfo.StdinPipe()
	stdout, _ := hwinfo.StdoutPipe()
	if err := hwinfo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); hwinfo.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.HasPrefix(line, "READY") {
		t.Fatalf("the producer: %q", line)
	}
	pub := `{"kind": "metrics", "mapping": "Global\\HWiNFO_SENS_SM2", "layout": "hwinfo", "name": "hwinfo_reading",
		"each": "readings", "value": "value", "labels": {"sensor": {"field": "label_user"}, "unit": {"field": "utf_unit"}}}`
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/publishers", strings.NewReader(pub))
	req.Header.Set("Authorization", "Bearer "+opsToken)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("POST /v1/publishers: %v %v", resp, err)
	}
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(opsToken), 0o600)
	conf, err := os.ReadFile("examples/prometheus/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	conf = []byte(strings.NewReplacer("/etc/prometheus/shmbridge-token", tokenFile, "127.0.0.1:8765", addr,
		"scrape_interval: 15s", "scrape_interval: 1s").Replace(string(conf)))
	os.WriteFile(filepath.Join(dir, "prometheus.yml"), conf, 0o600)
	web := freePort(t)
	log := startTool(t, prom, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+web)

	query := func(q string) (float64, error) {
		code, body, err := get(http.DefaultClient, "http://"+web+"/api/v1/query?query="+q, "")
		if err != nil || code != 200 {
			return 0, fmt.Errorf("%d %s %v\n%s", code, body, err, log)
		}
		var r struct {
			Data struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &r); err != nil || len(r.Data.Result) != 1 {
			return 0, fmt.Errorf("%s: %s", q, body)
		}
		var v float64
		fmt.Sscan(r.Data.Result[0].Value[1].(string), &v)
		return v, nil
	}
	testutil.WaitFor(t, "the target up", func() error {
		if v, err := query(`up{job="shmbridge"}`); err != nil || v != 1 {
			return fmt.Errorf("up = %v, %v", v, err)
		}
		return nil
	})
	for range 5 {
		if code, body, err := get(http.DefaultClient, "http://"+addr+"/v1/mappings", opsToken); code != 200 {
			t.Fatalf("GET /v1/mappings: %d %s %v", code, body, err)
		}
	}
	testutil.WaitFor(t, "the request counter moving", func() error {
		v, err := query(`shmbridge_http_requests_total{route="/v1/mappings",method="GET",code="2xx"}`)
		if err != nil || v < 5 {
			return fmt.Errorf("%v, %v", v, err)
		}
		return nil
	})

	testutil.WaitFor(t, "HWiNFO's readings by their sensor names", func() error {
		fan, err := query(`hwinfo_reading{sensor="GPU%20Fan",unit="RPM"}`)
		if err != nil || fan != 1200 {
			return fmt.Errorf("GPU Fan %v, %v", fan, err)
		}
		cpu, err := query(`hwinfo_reading{sensor="CPU%20(Tctl/Tdie)",unit="%C2%B0C"}`)
		if err != nil || cpu < 45.5 {
			return fmt.Errorf("CPU %v, %v", cpu, err)
		}
		return nil
	})

	_, exposition, err := get(http.DefaultClient, "http://"+addr+"/metrics", opsToken)
	if err != nil {
		t.Fatal(err)
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = bytes.NewReader(exposition)
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// TestBehindCaddy: Caddy with examples/caddy/Caddyfile (its own CA here: tls internal) serves the daemon over
// HTTPS; the daemon answers only because it was told the name clients use (-allow-host), and still wants the
// token.
func TestBehindCaddy(t *testing.T) {
	caddy := needTool(t, "caddy")
	t.Setenv("SHMBRIDGE_TOKEN", opsToken)
	front := freePort(t)
	_, port, _ := net.SplitHostPort(front)
	site := "shm.test:" + port
	addr, _ := startDaemon(t, "-listen", "127.0.0.1:0", "-allow-host", site)
	dir := t.TempDir()
	example, err := os.ReadFile("examples/caddy/Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	// Test-only global options: leave this machine's trust store and Caddy's admin port alone.
	conf := "{\n\tskip_install_trust\n\tadmin off\n}\n\n" + string(example)
	os.WriteFile(filepath.Join(dir, "Caddyfile"), []byte(conf), 0o600)
	t.Setenv("SHMBRIDGE_SITE", "https://"+site)
	t.Setenv("SHMBRIDGE_TLS", "internal")
	t.Setenv("SHMBRIDGE_UPSTREAM", addr)
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	log := startTool(t, caddy, "run", "--config", filepath.Join(dir, "Caddyfile"), "--adapter", "caddyfile")

	root := filepath.Join(dir, "data", "caddy", "pki", "authorities", "local", "root.crt")
	var client *http.Client
	testutil.WaitFor(t, "Caddy's CA", func() error {
		pem, err := os.ReadFile(root)
		if err != nil {
			return fmt.Errorf("%v\n%s", err, log)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		dialer := &net.Dialer{}
		client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, front) // shm.test is this machine
			},
		}}
		return nil
	})
	url := "https://" + site + "/v1/mappings"
	testutil.WaitFor(t, "the daemon through Caddy", func() error {
		code, body, err := get(client, url, opsToken)
		if err != nil || code != 200 {
			return fmt.Errorf("%d %s %v\n%s", code, body, err, log)
		}
		return nil
	})
	if code, _, err := get(client, url, ""); code != 401 {
		t.Errorf("without the token through Caddy: %d %v", code, err)
	}
	// A watch stream comes through as it happens (Caddy does not buffer it).
	req, _ := http.NewRequest("POST", "https://"+site+"/v1/mappings", strings.NewReader(`{"name":"shmbridge-ops-caddy","size":64}`))
	req.Header.Set("Authorization", "Bearer "+opsToken)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := client.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("create through Caddy: %v %v", resp, err)
	}
	defer os.Remove("/dev/shm/shmbridge-ops-caddy")
	req, _ = http.NewRequest("GET", "https://"+site+"/v1/mappings/shmbridge-ops-caddy/watch", nil)
	req.Header.Set("Authorization", "Bearer "+opsToken)
	client.Timeout = 0
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make(chan string, 1)
	go func() {
		b := make([]byte, 256)
		n, _ := io.ReadAtLeast(resp.Body, b, len("event: snapshot"))
		first <- string(b[:n])
	}()
	select {
	case s := <-first:
		if !strings.Contains(s, "event: snapshot") {
			t.Errorf("the stream through Caddy begins %q", s)
		}
	case <-time.After(30 * time.Second): // a buffering proxy holds a small first event for as long as the stream lasts
		t.Error("no snapshot through Caddy within 30 s: the proxy buffers the stream")
	}
}
