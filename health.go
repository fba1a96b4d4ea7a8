package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/peterbourgon/ff/v3"
)

// healthCommand is `shmbridge health`: it asks the daemon at -listen (or SHMBRIDGE_LISTEN, as the daemon reads
// it) for GET /healthz and succeeds when it answers "ok". A container's HEALTHCHECK runs it, so the check needs
// no curl and follows the daemon's own address.
func healthCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("shmbridge health", flag.ContinueOnError)
	fs.SetOutput(out)
	listen := fs.String("listen", DefaultListen, "the daemon's -listen address; an unspecified host (0.0.0.0, ::) is asked on loopback")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := ff.Parse(fs, args, ff.WithEnvVarPrefix(envPrefix)); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: *timeout}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var h struct{ Status, Version string }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&h); err != nil || resp.StatusCode != 200 || h.Status != "ok" {
		return fmt.Errorf("unhealthy: %s (status %q)", resp.Status, h.Status)
	}
	fmt.Fprintln(out, "ok:", h.Version)
	return nil
}
