//go:build !windows

package winsvc

import (
	"context"
	"errors"
	"io"
)

// Daemon is what the service runs (see the Windows build).
type Daemon struct {
	Check func(args []string) error
	Run   func(ctx context.Context, args []string, log io.Writer) error
}

// Command: Windows services are Windows only; on Linux systemd runs the daemon (examples/systemd).
func Command([]string, io.Writer, Daemon) error {
	return errors.New("service: Windows only; on Linux, run the daemon with systemd: see examples/systemd and the README")
}

// Dir is Windows'.
func Dir(name string) string { return "" }
