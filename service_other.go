//go:build !windows

package main

import (
	"io"

	"github.com/shmbridge/shmbridge/internal/winsvc"
)

// serviceCommand: Windows services are Windows only; on Linux systemd runs the daemon (examples/systemd).
func serviceCommand(args []string, out io.Writer) error {
	return winsvc.Command(args, out, winsvc.Daemon{})
}
