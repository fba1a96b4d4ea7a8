//go:build windows

package winsvc

import (
	"strings"
	"testing"
)

func TestResolveBuiltinAccounts(t *testing.T) {
	for _, n := range []string{"LocalService", "local service", `NT AUTHORITY\LocalService`, `nt authority\Local Service`} {
		if a, pw, err := resolveAccount(n); err != nil || a.sid != "S-1-5-19" || pw != "" {
			t.Errorf("%q: %+v %v", n, a, err)
		}
	}
	if a, _, err := resolveAccount("LocalSystem"); err != nil || a.name != "LocalSystem" {
		t.Errorf("LocalSystem: %+v %v", a, err)
	}
}

func TestSplitServiceArgs(t *testing.T) {
	o, rest, err := splitServiceArgs([]string{"-name", "n1", "--account=LocalSystem", "-listen", "127.0.0.1:1", "-name", "x"})
	if err != nil || o.name != "n1" || o.account != "LocalSystem" || strings.Join(rest, " ") != "-listen 127.0.0.1:1 -name x" {
		t.Fatalf("got %+v %q %v", o, rest, err)
	}
	if _, _, err := splitServiceArgs([]string{"-account"}); err == nil {
		t.Fatal("-account without a value accepted")
	}
}
