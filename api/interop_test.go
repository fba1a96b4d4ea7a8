package api_test

// Interop with real native peer processes, both directions: a native program creates a mapping and writes
// text, the bridge opens it and reads the text over HTTP; the bridge creates a mapping and writes text over
// HTTP, a native program opens it and prints what it finds. The peers are per OS (interop_*_test.go).

import (
	"bufio"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// peer is a native program that can play both roles. enc is the API's encoding name.
type peer struct {
	name  string
	write func(t *testing.T, name, enc, text string) *exec.Cmd // print READY, hold until stdin closes
	read  func(t *testing.T, name, enc string) *exec.Cmd       // print the text found, as hex UTF-8
}

// interopTexts: the ASCII case is what a non-UNICODE build's CopyMemory of a char string writes; UTF-16LE is
// a UNICODE build's TCHAR string.
var interopTexts = map[string]string{
	"utf-8":    "Hello from a native peer 42",
	"utf-16le": "Grüße aus C, 日本語 ✓",
}

// needTool fails in CI (where every tool must be there) and skips elsewhere.
func needTool(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format+" (set up with .ci/run; fails in CI)", args...)
}

// eachPeer runs f for every native peer and text encoding, with a fresh bridge and mapping name.
func eachPeer(t *testing.T, f func(t *testing.T, p peer, b *bridge, n, enc, text string)) {
	for _, p := range peers(t) {
		for _, enc := range []string{"utf-8", "utf-16le"} {
			t.Run(p.name+"/"+enc, func(t *testing.T) {
				f(t, p, newBridge(t, nil), name(t, ""), enc, interopTexts[enc])
			})
		}
	}
}

func TestInteropNativeWritesBridgeReads(t *testing.T) {
	eachPeer(t, func(t *testing.T, p peer, b *bridge, n, enc, text string) {
		cmd := p.write(t, n, enc, text)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := false
		defer func() {
			if !done {
				cmd.Process.Kill()
				cmd.Wait()
			}
		}()
		waitReady(t, stdout)

		m := b.create(createBody(n, 0, `,"mode":"open","access":"read"`))
		if m.Created || m.MappedSize < 4096 {
			t.Fatalf("opened the native mapping as %+v", m)
		}
		resp, data := b.do("GET", path(n, "/data?as=text&encoding="+enc), nil)
		expect(t, resp, data, 200)
		if string(data) != text {
			t.Fatalf("bridge read %q, native wrote %q", data, text)
		}
		resp, data = b.do("DELETE", path(n), nil)
		expect(t, resp, data, 204)

		stdin.Close()
		done = true
		if err := cmd.Wait(); err != nil {
			t.Fatalf("native writer: %v", err)
		}
	})
}

func TestInteropBridgeWritesNativeReads(t *testing.T) {
	eachPeer(t, func(t *testing.T, p peer, b *bridge, n, enc, text string) {
		b.create(createBody(n, 4096, ""))
		resp, data := b.do("PUT", path(n, "/data?nul=true&encoding="+enc), strings.NewReader(text))
		expect(t, resp, data, 200)

		cmd := p.read(t, n, enc)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("native reader: %v", err)
		}
		got, err := hex.DecodeString(strings.TrimSpace(string(out)))
		if err != nil || string(got) != text {
			t.Fatalf("native reader saw %q (%v), bridge wrote %q", got, err, text)
		}
	})
}

func waitReady(t *testing.T, r io.Reader) {
	t.Helper()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		if strings.TrimSpace(s) != "READY" {
			t.Fatalf("native writer said %q, want READY", s)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("native writer not ready after 60 s")
	}
}

func peerArgs(role, name, enc string, rest ...string) []string {
	return append([]string{role, name, map[string]string{"utf-8": "utf8", "utf-16le": "utf16"}[enc]}, rest...)
}
