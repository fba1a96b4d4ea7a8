package api_test

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// startPeer starts a native peer that runs until its stdin closes (when the test ends), and answers the first
// line it prints (READY …).
func startPeer(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("%v: %q %v", cmd.Args, line, err)
	}
	return strings.TrimSpace(line)
}
