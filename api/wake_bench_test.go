package api_test

// BenchmarkWakeLatency measures a long-poll's wake-up: the time from sending POST …/set to the waiting
// client's POST …/wait response, per wake, and reports the median and p99 of those. The baseline, in the same
// run, is the same long-poll on bare net/http: a handler that blocks on a Go channel, woken by another request.
//
//	go test ./api -run '^$' -bench WakeLatency -count 6 | tee wake.txt && go tool benchstat wake.txt

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func BenchmarkWakeLatency(b *testing.B) {
	br := newBridge(b, nil)
	n := name(b, "")
	req := func(method, url string) *http.Request {
		r, _ := http.NewRequest(method, url, nil)
		r.Header.Set("Authorization", "Bearer "+testToken)
		return r
	}
	if resp, err := http.DefaultClient.Do(withJSON(req("POST", br.base+"/v1/events"), fmt.Sprintf(`{"name":%q}`, n))); err != nil || resp.StatusCode != 201 {
		b.Fatal(err, resp.Status)
	}
	ev, err := br.reg.GetEvent(n)
	if err != nil {
		b.Fatal(err)
	}

	var blocked atomic.Int32
	wake := make(chan struct{}, 1)
	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			wake <- struct{}{}
			w.Write([]byte(`{"state":"signaled"}`))
			return
		}
		blocked.Add(1)
		<-wake
		blocked.Add(-1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"signaled":true}`))
	}))
	b.Cleanup(base.Close)

	b.Run("bridge", func(b *testing.B) {
		measureWake(b, req("POST", br.base+eventPath(n, "/set")), req("POST", br.base+eventPath(n, "/wait?timeout=10s")),
			func() bool { return ev.Waiters() == 1 })
	})
	b.Run("baseline", func(b *testing.B) {
		measureWake(b, req("POST", base.URL+"/set"), req("POST", base.URL+"/wait"), func() bool { return blocked.Load() == 1 })
	})
}

func withJSON(r *http.Request, body string) *http.Request {
	r.Header.Set("Content-Type", "application/json")
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}

// measureWake: per iteration, start a wait, let it block (waiting reports it), send the set, and time from
// sending the set to the wait's response. Reports p50-µs and p99-µs.
func measureWake(b *testing.B, set, wait *http.Request, waiting func() bool) {
	setter := &http.Client{Transport: &http.Transport{}}
	waiter := &http.Client{Transport: &http.Transport{}}
	var lat []time.Duration
	for b.Loop() {
		done := make(chan time.Time, 1)
		go func() {
			resp, err := waiter.Do(wait.Clone(wait.Context()))
			if err != nil {
				b.Error(err)
				done <- time.Time{}
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			done <- time.Now()
		}()
		for !waiting() {
			time.Sleep(20 * time.Microsecond)
		}
		start := time.Now()
		resp, err := setter.Do(set.Clone(set.Context()))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, (<-done).Sub(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
