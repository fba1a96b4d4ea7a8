//go:build linux

package e2e

import (
	"bufio"
	"bytes"
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

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestMirrorFromWine is the Proton recipe: the Windows daemon runs in the game's Wine prefix (the same
// WINEPREFIX, so the same wineserver) and holds the game's mapping and event; the Linux daemon mirrors them
// into /dev/shm; a native Linux program waits on the event there and reads the frames. The game is the
// catalogue's mingw producer of iRacing (a ring of three buffers at 60 Hz, its event set after each). The Linux
// daemon and its reader run in a mount namespace of their own, with a /dev/shm of their own: the names are
// iRacing's own, and nothing else on this machine sees them.
func TestMirrorFromWine(t *testing.T) {
	wine := wineOrSkip(t)
	unshare, nsenter := testutil.Tool(t, "unshare"), testutil.Tool(t, "nsenter")
	producers := "testdata/bin/producers.exe"
	if _, err := os.Stat(producers); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (.ci/build-peers builds it)", producers)
		}
		t.Skipf("%s is missing: build it with .ci/build-peers", producers)
	}
	dir := testutil.TempDir(t)
	reader := buildCPeer(t, dir, "sync_peer", "testdata/peers/sync_peer_linux.c")
	const token = "mirror-e2e-token-0123456789abcdef"
	t.Setenv("SHMBRIDGE_TOKEN", token)

	game := startUnderWine(t, wine, producers, "iracing")
	waitLine(t, game, "READY")
	source := startWindowsDaemon(t, wine, dir, token)
	post(t, source, token, "/v1/mappings", `{"name": "Local\\IRSDKMemMapFileName", "mode": "open"}`, 201)
	post(t, source, token, "/v1/events", `{"name": "Local\\IRSDKDataValidEvent", "mode": "open"}`, 201)

	// The Linux side, in a mount namespace with a /dev/shm of its own.
	private := []string{unshare, "-m", "--propagation", "private", "sh", "-c", `mount -t tmpfs -o size=64m tmpfs /dev/shm && exec "$0" "$@"`}
	addr, log, linux := startDaemonUnder(t, private, "-listen", "127.0.0.1:0", "-mirrors-file", "-", "-tokens-file", "-",
		"-publishers-dir", "-", "-layouts-dir", "-", "-recordings-dir", "-")
	creds := filepath.Join(dir, "source.token")
	os.WriteFile(creds, []byte(token), 0o600)
	mirror := post(t, "http://"+addr, token, "/v1/mirrors", fmt.Sprintf(`{"source": %q, "credentials": %q,
		"mapping": "Local\\IRSDKMemMapFileName", "event": "Local\\IRSDKDataValidEvent"}`, source, creds), 201)
	if !strings.Contains(mirror, `"as":"IRSDKMemMapFileName"`) || !strings.Contains(mirror, `"state":"following"`) {
		t.Fatalf("the mirror: %s\n%s", mirror, log)
	}

	// A native reader in the daemon's namespace: 30 wakes of the event, the newest tick after each (varBuf[0..2]
	// of irsdk_header: 16 bytes apart from offset 48).
	cmd := exec.Command(nsenter, "-t", strconv.Itoa(linux.Process.Pid), "-m", reader, "follow", "IRSDKMemMapFileName", "IRSDKDataValidEvent", "30", "48", "16", "3")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the native reader: %v\n%s%s\ndaemon:\n%s", err, out, &stderr, log)
	}
	lines := strings.Fields(string(out))
	if len(lines) != 32 || lines[0] != "OPENED" || lines[31] != "DONE" {
		t.Fatalf("the native reader printed:\n%s", out)
	}
	ticks := make([]int, 30)
	for i, l := range lines[1:31] {
		ticks[i], _ = strconv.Atoi(l)
		if i > 0 && ticks[i] < ticks[i-1] {
			t.Fatalf("the newest tick went back after a wake (%v): a frame older than the one before", ticks)
		}
	}
	if ticks[29] <= ticks[0] || ticks[0] < 2 {
		t.Fatalf("ticks after each wake %v: the frames did not flow", ticks)
	}
	t.Logf("a native Linux reader woke 30 times on the mirrored event; newest ticks %d … %d", ticks[0], ticks[29])
}

// wineOrSkip is wine's path, with WINEPREFIX set (.ci/wine-env): in CI their absence fails the test.
func wineOrSkip(t *testing.T) string {
	t.Helper()
	wine, err := exec.LookPath("wine")
	if err != nil || os.Getenv("WINEPREFIX") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI: wine and WINEPREFIX are required (source .ci/wine-env): %v", err)
		}
		t.Skip("no wine or WINEPREFIX (source .ci/wine-env)")
	}
	return wine
}

// buildCPeer compiles a native peer with cc into dir.
func buildCPeer(t *testing.T, dir, name, src string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	if out, err := exec.Command(testutil.Tool(t, "cc"), "-O2", "-Wall", "-Werror", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", src, err, out)
	}
	return bin
}

// wineProcess is a program under Wine, its stdout read line by line.
type wineProcess struct {
	cmd   *exec.Cmd
	lines *bufio.Scanner
}

// startUnderWine runs a Windows program under Wine until the test ends (its stdin closed: the producers stop).
func startUnderWine(t *testing.T, wine string, args ...string) *wineProcess {
	t.Helper()
	cmd := exec.Command(wine, args...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return &wineProcess{cmd: cmd, lines: bufio.NewScanner(stdout)}
}

// waitLine reads the process's lines until one starts with prefix.
func waitLine(t *testing.T, p *wineProcess, prefix string) {
	t.Helper()
	for p.lines.Scan() {
		if strings.HasPrefix(p.lines.Text(), prefix) {
			go io.Copy(io.Discard, stdoutRest(p))
			return
		}
	}
	t.Fatalf("%v ended before printing %s", p.cmd.Args, prefix)
}

// stdoutRest drains what the scanner has not read.
func stdoutRest(p *wineProcess) io.Reader {
	return readerFunc(func(b []byte) (int, error) {
		if !p.lines.Scan() {
			return 0, io.EOF
		}
		return copy(b, p.lines.Bytes()), nil
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(b []byte) (int, error) { return f(b) }

// startWindowsDaemon builds the Windows daemon and runs it under Wine on a free port, answering its URL once it
// serves. Its stores are in memory; the token is the test's.
func startWindowsDaemon(t *testing.T, wine, dir, token string) string {
	t.Helper()
	exe := filepath.Join(dir, "shmbridge.exe")
	build := exec.Command("go", "build", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	d := startUnderWine(t, wine, exe, "-listen", addr, "-mirrors-file", "-", "-tokens-file", "-", "-publishers-dir", "-",
		"-layouts-dir", "-", "-recordings-dir", "-")
	go io.Copy(io.Discard, stdoutRest(d))
	url := "http://" + addr
	testutil.WaitFor(t, "the Windows daemon under Wine serves", func() bool {
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return url
}

// post sends a JSON POST with the token, wants status, and answers the body.
func post(t *testing.T, base, token, path, body string, status int) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("POST %s%s: %d %s, want %d", base, path, resp.StatusCode, data, status)
	}
	var compact bytes.Buffer
	if json.Compact(&compact, data) == nil {
		return compact.String()
	}
	return string(data)
}
