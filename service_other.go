//go:build !windows

package main

import (
	"errors"
	"io"
)

// serviceCommand: Windows services are Windows only; on Linux systemd runs the daemon (examples/systemd).
func serviceCommand([]string, io.Writer) error {
	return errors.New("service: Windows only; on Linux, run the daemon with systemd: see examples/systemd and the README")
}

// checkSDDL: security descriptors are Windows'; on Linux objects are created mode 0600 for the daemon's user.
func checkSDDL(string) error {
	return errors.New("security descriptors are for Windows; on Linux objects are created mode 0600, owned by the daemon's user")
}
