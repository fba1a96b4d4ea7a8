package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestHelpStatesListenAddressAndFlags(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-h"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{DefaultListen, "-listen", "-files-root", "-allow-host", "-log-level"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, out.String())
		}
	}
}

func TestBadFlagsAreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-log-level", "loud"},
		{"-files-root", "/nonexistent/shmbridge"},
		{"-listen", "256.0.0.1:bad"},
		{"-no-such-flag"},
	} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
