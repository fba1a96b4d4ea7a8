package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestHelpStatesListenAddressAndFlags(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, runEnv{log: &out}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{DefaultListen, "-listen", "-files-root", "-allow-host", "-log-level", "-max-mappings", "-max-body", "-rate-limit", "-burst", "-token-file", "-no-auth", "-allow-origin", "-max-watchers", "-min-watch-interval"} {
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
		{"-allow-origin", "*"},
		{"-allow-origin", "dash.example"},
		{"-allow-origin", "https://dash.example/app"},
		{"stray-argument"},
		{"-sddl", "not an sddl"}, // and on Linux any -sddl
		{"-min-watch-interval", "0s"},
		{"-min-watch-interval", "-1ms"},
	} {
		if err := run(context.Background(), args, runEnv{log: &bytes.Buffer{}}); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// TestSlowHeadersAreCut: a client that sends its request headers one byte per second (slowloris) is
// disconnected at ReadHeaderTimeout, and the server answers others meanwhile.
func TestSlowHeadersAreCut(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	srv := newServer(ok, slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	cut := make(chan time.Duration, 1)
	go func() { // the server closing the connection ends this read
		io.Copy(io.Discard, conn)
		cut <- time.Since(start)
	}()
	header := "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + strings.Repeat("a", 60) + "\r\n\r\n"
	for i := 0; i < len(header); i++ {
		select {
		case d := <-cut:
			// The server's clock starts at its accept, which can come a little before Dial returns here; a busy
			// machine can be late to cut, but far sooner than the header's 90 s of trickling would end.
			if d < readHeaderTimeout-100*time.Millisecond || d > 4*readHeaderTimeout {
				t.Fatalf("cut after %v, want about %v", d, readHeaderTimeout)
			}
			resp, err := http.Get("http://" + ln.Addr().String() + "/")
			if err != nil || resp.StatusCode != 204 {
				t.Fatalf("server not answering after the cut: %v", err)
			}
			return
		case <-time.After(time.Second):
		}
		if _, err := conn.Write([]byte{header[i]}); err != nil {
			break
		}
	}
	t.Fatalf("a client sending headers one byte per second was not cut in %v", time.Since(start))
}
