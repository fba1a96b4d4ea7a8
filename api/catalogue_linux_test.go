package api_test

import (
	"os/exec"
	"testing"
)

// producerCommand is the catalogue's native producer, built with the system's C compiler.
func producerCommand(t *testing.T, args ...string) *exec.Cmd {
	return exec.Command(cPeer(t, "producers.c", "-std=gnu11", "-lpthread"), args...)
}
