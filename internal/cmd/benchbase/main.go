// Command benchbase is the baseline shmbridge's benchmarks compare it against: bare net/http, no checks, no
// registry, no shared memory. It serves
//
//	GET /bytes   64 bytes from a []byte (what a poll of a small telemetry block costs at the least)
//	GET /bytes-headers
//	             the same with the headers a poll of the daemon carries beyond it (its security headers and
//	             Accept-Ranges): what they cost by themselves
//	GET /watch   a Server-Sent Events stream broadcasting, from a channel, the same change messages the
//	             daemon's watch sends (64 changed bytes as base64 JSON) every -interval, to every client
//
// and on a second listener, GET /v1/mappings/{name}/data: the 64 bytes with the daemon's headers, routed by chi
// as the daemon routes (bare.Chi; its own listener, so that nothing routes the request before chi does).
//
// It prints its addresses on stdout, one per line: the bare server's, then chi's.
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/bare"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address")
	interval := flag.Duration("interval", 10*time.Millisecond, "how often /watch broadcasts a change")
	flag.Parse()
	payload := make([]byte, 64)
	var b broadcaster
	go b.run(*interval)
	mux := http.NewServeMux()
	mux.Handle("GET /bytes", bare.Bytes(payload, nil))
	mux.Handle("GET /bytes-headers", bare.Bytes(payload, bare.DaemonHeaders()))
	mux.HandleFunc("GET /watch", b.serve)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	lnChi, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr())
	fmt.Println(lnChi.Addr())
	go func() { log.Fatal(http.Serve(lnChi, bare.Chi(payload))) }()
	log.Fatal(http.Serve(ln, mux))
}

// broadcaster sends each message to every subscriber's channel (dropping it for one that is full).
type broadcaster struct {
	mu   sync.Mutex
	subs map[chan []byte]struct{}
}

func (b *broadcaster) run(interval time.Duration) {
	data := make([]byte, 64)
	for seq := 1; ; seq++ {
		time.Sleep(interval)
		for i := range data {
			data[i] = byte(seq)
		}
		msg, _ := json.Marshal(map[string]any{"mapping": "bench", "seq": seq, "at": time.Now().UTC().Format(time.RFC3339Nano),
			"spans": []map[string]any{{"offset": 0, "data": base64.StdEncoding.EncodeToString(data)}}})
		b.mu.Lock()
		for c := range b.subs {
			select {
			case c <- msg:
			default:
			}
		}
		b.mu.Unlock()
	}
}

func (b *broadcaster) serve(w http.ResponseWriter, r *http.Request) {
	c := make(chan []byte, 64)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[chan []byte]struct{})
	}
	b.subs[c] = struct{}{}
	b.mu.Unlock()
	defer func() { b.mu.Lock(); delete(b.subs, c); b.mu.Unlock() }()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	f := w.(http.Flusher)
	f.Flush()
	for id := 1; ; id++ {
		select {
		case msg := <-c:
			if _, err := fmt.Fprintf(w, "id: %s\nevent: change\ndata: %s\n\n", strconv.Itoa(id), msg); err != nil {
				return
			}
			f.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
