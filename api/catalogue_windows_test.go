package api_test

import (
	"os"
	"os/exec"
	"testing"
)

// producerCommand is the catalogue's native producer, built with mingw by .ci/build-peers.
func producerCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	const bin = `../testdata/bin/producers.exe`
	if _, err := os.Stat(bin); err != nil {
		needTool(t, "%s is missing: build it with .ci/build-peers (mingw)", bin)
	}
	return exec.Command(bin, args...)
}
