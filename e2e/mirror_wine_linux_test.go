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
	producers := producersExe(t)
	dir := testutil.TempDir(t)
	reader := buildCPeer(t, dir, "sync_peer", "testdata/peers/sync_peer_linux.c")
	const token = "mirror-e2e-token-0123456789abcdef"
	t.Setenv("SHMBRIDGE_TOKEN", token)

	game := startUnderWine(t, wine, producers, "iracing")
	waitLine(t, game, "READY")
	acc := startUnderWine(t, wine, producers, "acc")
	waitLine(t, acc, "READY")
	source, _ := startWindowsDaemon(t, wine, dir)
	for _, m := range []string{"IRSDKMemMapFileName", "acpmf_physics", "acpmf_graphics", "acpmf_static"} {
		post(t, source, token, "/v1/mappings", fmt.Sprintf(`{"name": "Local\\%s", "mode": "open"}`, m), 201)
	}
	post(t, source, token, "/v1/events", `{"name": "Local\\IRSDKDataValidEvent", "mode": "open"}`, 201)

	// The Linux side, in a mount namespace with a /dev/shm of its own.
	private := []string{unshare, "-m", "--propagation", "private", "sh", "-c", `mount -t tmpfs -o size=64m tmpfs /dev/shm && exec "$0" "$@"`}
	addr, log, linux := startDaemonUnder(t, private, "-listen", "127.0.0.1:0", "-mirrors-file", "-", "-tokens-file", "-",
		"-publishers-dir", "-", "-layouts-dir", "-", "-recordings-dir", "-")
	creds := filepath.Join(dir, "source.token")
	os.WriteFile(creds, []byte(token), 0o600)
	mirror := post(t, "http://"+addr, token, "/v1/mirrors", fmt.Sprintf(`{"source": %q, "credentials": %q,
		"mapping": "Local\\IRSDKMemMapFileName", "event": "Local\\IRSDKDataValidEvent", "layout": "iracing"}`, source, creds), 201)
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

	// ACC by naming it: its three pages, each by its layout's protocol where it has one.
	var producer struct {
		ID    string
		State string
		Pages []struct{ As, Layout, State string }
	}
	json.Unmarshal([]byte(post(t, "http://"+addr, token, "/v1/mirrors", fmt.Sprintf(`{"source": %q, "credentials": %q, "producer": "acc"}`,
		source, creds), 201)), &producer)
	got := fmt.Sprint(producer.Pages)
	if producer.State != "following" || got != "[{acpmf_physics acc_physics following} {acpmf_graphics acc_graphics following} {acpmf_static  following}]" {
		t.Fatalf("the acc mirror: %s %s", producer.State, got)
	}
	out, err = exec.Command(nsenter, "-t", strconv.Itoa(linux.Process.Pid), "-m", reader, "poll", "acpmf_physics", "0", "5", "20").CombinedOutput()
	ids := strings.Fields(string(out))
	if err != nil || len(ids) != 5 || atoi(ids[4]) <= atoi(ids[0]) {
		t.Fatalf("packetId of the mirrored physics page, every 20 ms: %v %s", err, out)
	}
}

// producersExe is the catalogue's mingw producers (.ci/build-peers): in CI its absence fails the test.
func producersExe(t *testing.T) string {
	t.Helper()
	const exe = "testdata/bin/producers.exe"
	if _, err := os.Stat(exe); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (.ci/build-peers builds it)", exe)
		}
		t.Skipf("%s is missing: build it with .ci/build-peers", exe)
	}
	return exe
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

// wineProcess is a program under Wine, its stdout read line by line, its stderr kept.
type wineProcess struct {
	cmd    *exec.Cmd
	lines  *bufio.Scanner
	stderr *testutil.LockedBuffer
}

// startUnderWine runs a Windows program under Wine until the test ends (its stdin closed: the producers stop).
func startUnderWine(t *testing.T, wine string, args ...string) *wineProcess {
	t.Helper()
	cmd := exec.Command(wine, args...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	stderr := &testutil.LockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return &wineProcess{cmd: cmd, lines: bufio.NewScanner(stdout), stderr: stderr}
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
	t.Fatalf("%v ended before printing %s:\n%s", p.cmd.Args, prefix, p.stderr)
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

// startWindowsDaemon builds the Windows daemon and runs it under Wine on a free port with args, answering its URL
// once it serves, and its process. Its stores are in memory; the token is the test's (SHMBRIDGE_TOKEN).
func startWindowsDaemon(t *testing.T, wine, dir string, args ...string) (string, *wineProcess) {
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
	d := startUnderWine(t, wine, append([]string{exe, "-listen", addr, "-mirrors-file", "-", "-tokens-file", "-", "-publishers-dir", "-",
		"-layouts-dir", "-", "-recordings-dir", "-"}, args...)...)
	go io.Copy(io.Discard, stdoutRest(d))
	url := "http://" + addr
	testutil.WaitFor(t, "the Windows daemon under Wine serves", func() bool {
		if d.cmd.ProcessState != nil {
			t.Fatalf("the Windows daemon ended:\n%s", d.stderr)
		}
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return url, d
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

// TestZeroCopyUnderWine: the Windows daemon, started in the prefix before the game with -zero-copy acc and a
// files root on the Linux side, creates ACC's three pages backed by files there; the game (the catalogue's
// mingw producer of ACC) then opens those objects, and a native Linux program reads its physics page from the
// file as the game writes it: no daemon copies anything. Started after the game, the daemon says it cannot.
func TestZeroCopyUnderWine(t *testing.T) {
	wine := wineOrSkip(t)
	producers := producersExe(t)
	dir := testutil.TempDir(t)
	reader := buildCPeer(t, dir, "sync_peer", "testdata/peers/sync_peer_linux.c")
	t.Setenv("SHMBRIDGE_TOKEN", "zero-copy-e2e-token-0123456789abcdef")
	files := filepath.Join(dir, "shm") // Linux's /dev/shm in real use: here a directory of the test's own
	os.Mkdir(files, 0o700)
	winFiles := `Z:` + strings.ReplaceAll(files, "/", `\`)

	startWindowsDaemon(t, wine, dir, "-files-root", winFiles, "-zero-copy", "acc")
	game := startUnderWine(t, wine, producers, "acc")
	waitLine(t, game, "READY")
	for name, size := range map[string]int64{"acpmf_physics": 800, "acpmf_graphics": 1588, "acpmf_static": 820} {
		if fi, err := os.Stat(filepath.Join(files, name)); err != nil || fi.Size() != size {
			t.Fatalf("%s: %v, want a file of %d bytes", name, err, size)
		}
	}
	// packetId, the physics page's first int32, counts the game's physics steps (about 333 Hz).
	out, err := exec.Command(reader, "poll", filepath.Join(files, "acpmf_physics"), "0", "5", "20").CombinedOutput()
	if err != nil {
		t.Fatalf("the native reader: %v\n%s", err, out)
	}
	ids := strings.Fields(string(out))
	first, _ := strconv.Atoi(ids[0])
	last, _ := strconv.Atoi(ids[len(ids)-1])
	if len(ids) != 5 || first <= 0 || last <= first {
		t.Fatalf("packetId read from the file every 20 ms: %v, want it counting up", ids)
	}
	t.Logf("a native Linux reader saw the game's packetId go %d … %d in the file, with no copy", first, last)

	// The game first, the daemon after: the prefix has the names, and the daemon says so.
	_, late := startWindowsDaemon(t, wine, dir, "-files-root", winFiles, "-zero-copy", "acc")
	testutil.WaitFor(t, "the late daemon's warning", func() bool {
		return strings.Contains(late.stderr.String(), "the mapping exists already (the game started before the daemon)")
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
