// Package e2e tests the repository as it ships, from outside: the daemon's binary with the real tools beside
// it (Prometheus, Caddy, prlimit, Wine for the Windows container's Dockerfile), the examples against the API's
// spec, and the watch benchmarks against bare baselines. They run from the repository's root.
package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

func TestMain(m *testing.M) {
	if err := os.Chdir(".."); err != nil { // the repository's root: the paths below are relative to it
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := testutil.RunChecked(m)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var binDir string

// daemonBinary builds the daemon once for the whole run.
var daemonBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "shmbridge-e2e-")
	if err != nil {
		return "", err
	}
	binDir = dir
	exe := filepath.Join(dir, "shmbridge")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return exe, nil
})

// startDaemon runs the daemon's binary with args (SHMBRIDGE_TOKEN from the environment, as a test sets it)
// until the test ends, and answers its address and its log.
func startDaemon(t testing.TB, args ...string) (string, *testutil.LockedBuffer) {
	t.Helper()
	addr, log, _ := startDaemonProcess(t, args...)
	return addr, log
}

// startDaemonProcess is startDaemon, answering the daemon's process too.
func startDaemonProcess(t testing.TB, args ...string) (string, *testutil.LockedBuffer, *exec.Cmd) {
	t.Helper()
	return startDaemonUnder(t, nil, args...)
}

// startDaemonUnder is startDaemonProcess with the daemon run by the command wrap (nil: none), such as
// unshare's.
func startDaemonUnder(t testing.TB, wrap []string, args ...string) (string, *testutil.LockedBuffer, *exec.Cmd) {
	t.Helper()
	exe, err := daemonBinary()
	if err != nil {
		t.Fatal(err)
	}
	log := &testutil.LockedBuffer{}
	argv := append(append(append([]string{}, wrap...), exe), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	out, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		log.Write([]byte(line + "\n"))
		if i := strings.Index(line, "addr=http://"); i >= 0 && strings.Contains(line, "shmbridge listening") {
			go func() {
				for sc.Scan() {
					log.Write([]byte(sc.Text() + "\n"))
				}
			}()
			return strings.Fields(line[i+len("addr=http://"):])[0], log, cmd
		}
	}
	t.Fatalf("the daemon did not start:\n%s", log)
	return "", nil, nil
}

// daemonFlags are the daemon's flags, as its -h lists them.
func daemonFlags(t testing.TB) map[string]bool {
	t.Helper()
	exe, err := daemonBinary()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(exe, "-h").CombinedOutput()
	flags := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f, ok := strings.CutPrefix(line, "  -"); ok {
			flags[strings.Fields(f)[0]] = true
		}
	}
	if len(flags) < 10 {
		t.Fatalf("-h lists %d flags:\n%s", len(flags), out)
	}
	return flags
}
