package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

// -demo alone is every producer, -demo=a,b those, SHMBRIDGE_DEMO the same; an unknown one is refused,
// naming those there are. (The daemon playing them: the README's session in CI runs it with -demo.)
func TestDemoFlag(t *testing.T) {
	for _, c := range []struct {
		args  []string
		env   string
		on    bool
		names []string
	}{
		{nil, "", false, nil},
		{[]string{"-demo"}, "", true, nil},
		{[]string{"-demo=true"}, "", true, nil},
		{[]string{"-demo=acc,hwinfo"}, "", true, []string{"acc", "hwinfo"}},
		{[]string{"-demo=false"}, "acc", false, nil},
		{nil, "iracing,rf2", true, []string{"iracing", "rf2"}},
		{nil, "true", true, nil},
	} {
		t.Setenv("SHMBRIDGE_DEMO", c.env)
		cf, err := parseFlags(c.args, &bytes.Buffer{})
		if err != nil || cf.demo.on != c.on || !slices.Equal(cf.demo.names, c.names) {
			t.Errorf("%q with SHMBRIDGE_DEMO=%q: %+v, %v", c.args, c.env, cf, err)
		}
	}
	t.Setenv("SHMBRIDGE_DEMO", "")
	if _, err := parseFlags([]string{"-demo=acc,lfs"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "acc, rf2, hwinfo, iracing") {
		t.Errorf("-demo=acc,lfs: %v", err)
	}
}

func TestDemoCommandArguments(t *testing.T) {
	var out bytes.Buffer
	if err := demoCommand(context.Background(), []string{"-h"}, &out); err != nil || !strings.Contains(out.String(), "acc, rf2, hwinfo, iracing") {
		t.Errorf("demo -h: %v\n%s", err, out.String())
	}
	if err := demoCommand(context.Background(), []string{"lfs"}, &out); err == nil || !strings.Contains(err.Error(), `"lfs"`) {
		t.Errorf("demo lfs: %v", err)
	}
	if cmd, args := subcommand([]string{"demo", "acc"}); cmd != "demo" || !slices.Equal(args, []string{"acc"}) {
		t.Errorf("subcommand(demo acc) = %q %q", cmd, args)
	}
}
