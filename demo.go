package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shmbridge/shmbridge/internal/demo"
)

// demoCommand is `shmbridge demo [producer …]`: the demo producers play (all, or those named) until ctx ends
// (Ctrl+C, SIGTERM); then what they made is removed. A producer whose mapping exists already (the game runs)
// is left out, said why; none left to play is an error.
func demoCommand(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("shmbridge demo", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: shmbridge demo [producer …]   (producers: %s; default all)\n\n"+
			"Plays live data into the named mappings of the catalogue's producers, as each program writes them,\n"+
			"until Ctrl+C; then removes what it made. Read it with the daemon (shmbridge, or shmbridge -demo\n"+
			"to run both in one process) and its dashboard.\n", strings.Join(demo.Names(), ", "))
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ps, err := demo.Select(fs.Args())
	if err != nil {
		return err
	}
	d, refused := demo.Start(ps, nil)
	for _, err := range refused {
		fmt.Fprintln(out, "left out:", err)
	}
	if d == nil {
		return errors.New("no demo producer could start")
	}
	for _, p := range d.Playing() {
		fmt.Fprintf(out, "playing %s: %s\n", p.Producer.Title, demo.Describe(p))
	}
	fmt.Fprintln(out, "Ctrl+C stops the demo and removes what it made.")
	<-ctx.Done()
	d.Stop()
	return nil
}

// demoFlag is the daemon's -demo: every demo producer (-demo, -demo=true), or those listed (-demo=acc,hwinfo;
// SHMBRIDGE_DEMO=acc,hwinfo).
type demoFlag struct {
	on    bool
	names []string
}

func (f *demoFlag) String() string {
	if f == nil || !f.on {
		return "false"
	}
	if len(f.names) == 0 {
		return "true"
	}
	return strings.Join(f.names, ",")
}

// IsBoolFlag lets -demo stand alone.
func (f *demoFlag) IsBoolFlag() bool { return true }

// Set takes true, false, or producers' names (comma-separated, and again for each SHMBRIDGE_DEMO item).
func (f *demoFlag) Set(v string) error {
	if v == "" { // an empty SHMBRIDGE_DEMO, or the end of "acc,"
		return nil
	}
	if b, err := strconv.ParseBool(v); err == nil {
		f.on, f.names = b, nil
		return nil
	}
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			f.names = append(f.names, n)
		}
	}
	f.on = true
	return nil // the names are checked by config.check: a bool flag's Set error reads "invalid boolean value"
}

// startDemo starts the demo producers -demo asks for, beside the daemon; the runtime logs each that plays
// and each left out (the daemon serves either way, and POST /v1/demo may start it later).
func (d *daemon) startDemo() {
	if !d.c.demo.on {
		return
	}
	if _, err := d.demo.Start(d.c.demo.names); err != nil { // the names are checked by config.check
		d.log.Warn("demo: not started", "error", err)
	}
}

// stopDemo stops the demo producers, whoever started them, and removes what they made; none starts after.
func (d *daemon) stopDemo() {
	d.demo.Close()
}
