package mirror_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// scripted is a source whose stream sends what the test says, when it says: an 8-byte mapping "x".
type scripted struct {
	srv  *httptest.Server
	msgs chan string
	path chan string // the stream's path and query, as the mirror asked
}

func newScripted(t *testing.T) *scripted {
	s := &scripted{msgs: make(chan string), path: make(chan string, 8)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/mappings/x" {
			fmt.Fprint(w, `{"size": 8, "mapped_size": 4096}`)
			return
		}
		s.path <- r.URL.RequestURI()
		w.Header().Set("Content-Type", "text/event-stream")
		w.(http.Flusher).Flush()
		for {
			select {
			case m := <-s.msgs:
				fmt.Fprint(w, m)
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			}
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// send sends a message sampled at t0+ms.
func (s *scripted) send(typ string, ms int, data string) {
	at := t0.Add(time.Duration(ms) * time.Millisecond).Format(time.RFC3339Nano)
	switch typ {
	case "snapshot":
		s.msgs <- fmt.Sprintf("event: snapshot\ndata: {\"at\":%q,\"offset\":0,\"data\":%q}\n\n", at, base64.StdEncoding.EncodeToString([]byte(data)))
	case "change":
		s.msgs <- fmt.Sprintf("event: change\ndata: {\"at\":%q,\"spans\":[{\"offset\":0,\"data\":%q}]}\n\n", at, base64.StdEncoding.EncodeToString([]byte(data)))
	case "signal":
		s.msgs <- fmt.Sprintf("event: signal\ndata: {\"event\":%q,\"at\":%q}\n\n", data, at)
	}
}

// set reports whether ev was set here (taking the signal: an auto-reset event).
func set(t *testing.T, ev *registry.Event) bool {
	t.Helper()
	fired, err := ev.Wait(context.Background(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fired
}

// TestMirrorEventAfterItsFrame: a replicated event is set here only once a frame the source sampled at or after
// its signal is written; a frame sampled before it does not set it.
func TestMirrorEventAfterItsFrame(t *testing.T) {
	src, dst := newScripted(t), newDaemon(t, "", false)
	to, ev := name(t, "-dst"), name(t, "-ev")
	go src.send("snapshot", 0, "AAAAAAAA")
	// interval 1h: the "nothing changed" grace (two intervals) never comes within the test.
	m := dst.create(map[string]any{"source": src.srv.URL, "mapping": "x", "as": to, "interval": "1h", "events": []string{ev}})
	if got := <-src.path; got != "/v1/watch?event="+ev+"&interval=1h&mapping=x" {
		t.Errorf("the stream asked: %s", got)
	}
	local, err := dst.reg.GetEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	reader := openNative(t, to)
	src.send("signal", 10, ev)
	src.send("change", 9, "BBBBBBBB") // sampled before the signal: not the frame it announces
	testutil.WaitFor(t, "the older frame written", func() bool { return holds(reader, 0, []byte("BBBBBBBB")) })
	if set(t, local) {
		t.Fatal("the event was set before the frame it announces")
	}
	src.send("change", 11, "CCCCCCCC")
	testutil.WaitFor(t, "the event set after its frame", func() bool { return set(t, local) })
	if !holds(reader, 0, []byte("CCCCCCCC")) {
		t.Fatal("the event was set, its frame not written")
	}
	if got := dst.mirrorOf(m.ID).EventsSet; got != 1 {
		t.Errorf("events_set %d, want 1", got)
	}
}

// TestMirrorEventSampled: with event, the source samples on it, and each change is followed by the event here.
func TestMirrorEventSampled(t *testing.T) {
	src, dst := newScripted(t), newDaemon(t, "", false)
	to, ev := name(t, "-dst"), name(t, "-ev")
	go src.send("snapshot", 0, "AAAAAAAA")
	dst.create(map[string]any{"source": src.srv.URL, "mapping": "x", "as": to, "event": ev})
	if got := <-src.path; got != "/v1/mappings/x/watch?event="+ev {
		t.Errorf("the stream asked: %s", got)
	}
	local, err := dst.reg.GetEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	if set(t, local) {
		t.Fatal("the snapshot set the event: no frame was announced")
	}
	reader := openNative(t, to)
	for i, data := range []string{"BBBBBBBB", "CCCCCCCC"} {
		src.send("change", i+1, data)
		testutil.WaitFor(t, "the event set", func() bool { return set(t, local) })
		if !holds(reader, 0, []byte(data)) {
			t.Fatalf("change %d: the event was set before its frame", i)
		}
	}
}
