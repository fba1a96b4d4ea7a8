// Command shmbridge is a local daemon that puts named shared memory on HTTP: Windows named file mappings and
// Linux POSIX shared memory (/dev/shm), created, opened, read, written and closed over a REST API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/shm"
)

// DefaultListen is the daemon's default address: loopback only.
const DefaultListen = "127.0.0.1:8765"

type hostList []string

func (h *hostList) String() string     { return strings.Join(*h, ",") }
func (h *hostList) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "shmbridge:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("shmbridge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", DefaultListen, "address to listen on (host:port)")
	filesRoot := fs.String("files-root", "", "directory file-backed mappings may use; empty disables them")
	logLevel := fs.String("log-level", "info", "log level: debug (one line per request), info, warn or error")
	var extraHosts hostList
	fs.Var(&extraHosts, "allow-host", "also accept this Host header value, e.g. myhost:8765 (repeatable)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: shmbridge [flags]\n\nServes named shared memory over HTTP on %s by default.\n\nFlags:\n", DefaultListen)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var root *os.Root
	if *filesRoot != "" {
		var err error
		if root, err = os.OpenRoot(*filesRoot); err != nil {
			return fmt.Errorf("-files-root: %w", err)
		}
		defer root.Close()
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	reg := shm.NewRegistry(root)
	srv := &http.Server{
		Handler:           api.New(reg, api.Config{Hosts: append(api.LoopbackHosts(addr), extraHosts...), Logger: log}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second, // data transfers extend their own deadlines
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("shmbridge listening", "addr", "http://"+addr, "files_root", *filesRoot)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("connections still open at shutdown", "err", err)
	}
	n := reg.CloseAll()
	log.Info("stopped", "closed_mappings", n)
	return nil
}
