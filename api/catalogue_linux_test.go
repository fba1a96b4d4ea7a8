package api_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	producersOnce              sync.Once
	producersBin, producersErr string
)

// producerCommand is the catalogue's native producer, built with the system's C compiler.
func producerCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	producersOnce.Do(func() {
		cc, err := exec.LookPath("cc")
		if err != nil {
			producersErr = "no C compiler (cc) to build the producers"
			return
		}
		dir, _ := os.MkdirTemp("", "producers-")
		producersBin = filepath.Join(dir, "producers")
		if out, err := exec.Command(cc, "-std=gnu11", "-O2", "-Wall", "-Werror", "-o", producersBin, "../testdata/peers/producers.c", "-lpthread").CombinedOutput(); err != nil {
			producersErr = fmt.Sprintf("building the producers: %v\n%s", err, out)
		}
	})
	if producersErr != "" {
		needTool(t, "%s", producersErr)
	}
	return exec.Command(producersBin, args...)
}
