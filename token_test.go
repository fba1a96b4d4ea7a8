package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

func TestTokenSources(t *testing.T) {
	dir := testutil.TempDir(t)
	c := &config{listen: DefaultListen, tokenFile: filepath.Join(dir, "t"), tokenCreate: true}
	t.Setenv("SHMBRIDGE_TOKEN", "short")
	if _, _, err := resolveToken(c); err == nil {
		t.Error("a short SHMBRIDGE_TOKEN was accepted")
	}
	t.Setenv("SHMBRIDGE_TOKEN", "a-long-enough-token-from-env")
	if tok, src, err := resolveToken(c); err != nil || src != "env" || tok != "a-long-enough-token-from-env" {
		t.Errorf("env token: %q %q %v", tok, src, err)
	}
	t.Setenv("SHMBRIDGE_TOKEN", "")
	c.tokenCreate = false // a container: no token given is an error naming both ways to give one
	if _, _, err := resolveToken(c); err == nil || !strings.Contains(err.Error(), "SHMBRIDGE_TOKEN") || !strings.Contains(err.Error(), c.tokenFile) {
		t.Errorf("-token-create=false without a token: %v", err)
	}
	c.tokenCreate = true
	if tok, src, err := resolveToken(c); err != nil || src != "created" || tok == "" {
		t.Errorf("file token: %q %q %v", tok, src, err)
	}
	c.tokenCreate = false // the file exists now
	if tok, src, err := resolveToken(c); err != nil || src != "file" || tok == "" {
		t.Errorf("-token-create=false with the file: %q %q %v", tok, src, err)
	}
}

func TestNoAuthOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8765": true, "[::1]:8765": true, "localhost:8765": true, "127.0.0.2:1": true,
		"0.0.0.0:8765": false, ":8765": false, "192.168.1.20:8765": false, "[::]:8765": false, "myhost:8765": false,
	} {
		tok, _, err := resolveToken(&config{noAuth: true, listen: addr})
		if (err == nil) != ok || tok != "" {
			t.Errorf("-no-auth -listen %s: token %q, err %v; want allowed=%v", addr, tok, err, ok)
		}
	}
}
