//go:build linux || windows

package api_test

// The spinlock protocol against a native producer (testdata/peers/spinlock_peer.c) that takes Le Mans
// Ultimate's lock around each frame it writes, word by word, slowly enough to tear: plain /data reads show torn
// frames, /fields reads by the spinlock layout show none, and the producer never finds its lock released by
// a reader nor sleeps unwoken.

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// spinlockPeer starts the producer; stop closes its stdin and answers its verdict (nil: it saw a reader break
// no rule). The test's end stops it too.
func spinlockPeer(t *testing.T, data, lock, event string) (stop func() error) {
	t.Helper()
	cmd := spinlockPeerCommand(t, data, lock, event)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { stdin.Close(); err = cmd.Wait() })
		return err
	}
	t.Cleanup(func() { stop() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); strings.TrimSpace(line) != "READY" {
		t.Fatalf("spinlock peer: %q %v", line, err)
	}
	return stop
}

func tornWords(words []uint32) bool {
	for _, w := range words[1:] {
		if w != words[0] {
			return true
		}
	}
	return false
}

// peerVerdicts are the spinlock peer's exit codes for a reader's faults.
var peerVerdicts = map[int]string{
	5: "a reader stored 0 into the lock while the producer held it",
	6: "the producer slept 5 s on the event while the lock was held: a release did not set it",
	7: "a reader changed waiters",
}

// TestSpinlockPeer: thousands of /fields reads of the native producer by its spinlock layout show no torn
// frame, while plain /data reads of it do; the producer ends without having seen a reader break a rule.
func TestSpinlockPeer(t *testing.T) {
	const reads = 3000
	b := newBridge(t, nil)
	n, lock, ev := name(t, ""), name(t, "-lock"), name(t, "-ev")
	stop := spinlockPeer(t, n, lock, ev)
	b.putLayout(t, "spinlock_frames", spinlockKsy("spinlock_frames", lock, ev), 201)
	b.create(createBody(n, 0, `,"mode":"open"`))

	plainTorn, plainReads := 0, 0
	for ; plainReads < reads || plainTorn == 0 && plainReads < 20*reads; plainReads++ {
		data := b.getOK(t, path(n, "/data?length=264"))
		words := make([]uint32, 64)
		for i := range words {
			words[i] = binary.LittleEndian.Uint32(data[8+4*i:])
		}
		if tornWords(words) {
			plainTorn++
		}
	}
	fieldsTorn, retries, refused := 0, 0, 0
	for got := 0; got < reads; {
		resp, data := b.do("GET", path(n, "/fields?layout=spinlock_frames"), nil)
		if resp.StatusCode == 503 && refused < reads/10 {
			refused++ // the producer held the lock for the whole deadline (descheduled mid-write on a busy machine)
			continue
		}
		expect(t, resp, data, 200)
		got++
		if c := resp.Header.Get("Shmbridge-Consistency"); c != "spinlock" {
			t.Fatalf("Shmbridge-Consistency %q, want spinlock", c)
		}
		var r int
		fmt.Sscan(resp.Header.Get("Shmbridge-Retries"), &r)
		retries += r
		var v struct{ Words []uint32 }
		if err := json.Unmarshal(data, &v); err != nil || len(v.Words) != 64 {
			t.Fatalf("decoded: %s %v", data, err)
		}
		if tornWords(v.Words) {
			fieldsTorn++
		}
	}
	fmt.Printf("consistency spinlock: plain /data reads torn %d of %d (%.1f%%); /fields reads torn %d of %d (%d tries found the lock taken, %d reads 503 inconsistent)\n",
		plainTorn, plainReads, 100*float64(plainTorn)/float64(plainReads), fieldsTorn, reads, retries, refused)
	if plainTorn == 0 {
		t.Errorf("no plain read was torn: the producer does not tear, so the test proves nothing")
	}
	if fieldsTorn != 0 {
		t.Errorf("%d of %d /fields reads were torn", fieldsTorn, reads)
	}
	if retries == 0 {
		t.Errorf("no read found the lock taken: the reads never contended with the producer, so the test proves nothing")
	}
	var exit *exec.ExitError
	if err := stop(); errors.As(err, &exit) {
		t.Errorf("the producer exited %d: %s", exit.ExitCode(), peerVerdicts[exit.ExitCode()])
	} else if err != nil {
		t.Error(err)
	}
}
