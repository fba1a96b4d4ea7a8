//go:build windows

package main

import (
	"context"
	"io"

	"github.com/shmbridge/shmbridge/internal/winsvc"
)

// serviceCommand is `shmbridge service …` (internal/winsvc), running this daemon.
func serviceCommand(args []string, out io.Writer) error {
	return winsvc.Command(args, out, winsvc.Daemon{
		Check: func(args []string) error { _, err := parseFlags(args, io.Discard); return err },
		Run: func(ctx context.Context, args []string, log io.Writer) error {
			return run(ctx, args, runEnv{log: log, session0: true})
		},
	})
}
