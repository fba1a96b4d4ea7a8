package api_test

// Consistent frames against a native producer (testdata/peers/frame_writer.c) that writes each frame field
// by field, slowly enough to tear: a plain /data read of it shows torn frames (so the test can fail), a
// /fields read by the layout's protocol shows none.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// frameWriter starts the producer; it stops when the test ends (its stdin closes).
func frameWriter(t *testing.T, args ...string) {
	t.Helper()
	if line := startPeer(t, exec.Command(cPeer(t, "frame_writer.c", "-lpthread"), args...)); line != "READY" {
		t.Fatalf("frame writer: %q", line)
	}
}

const wordsKsy = `
  - id: words
    type: u4
    repeat: expr
    repeat-expr: 64
`

var consistencyLayouts = map[string]string{
	"seqlock": "meta:\n  id: seqlock_frames\n  endian: le\n  -shmbridge:\n    consistency:\n      seqlock: seq\nseq:\n  - id: seq\n    type: u4\n  - id: pad\n    size: 4\n" + wordsKsy,
	"pair":    "meta:\n  id: pair_frames\n  endian: le\n  -shmbridge:\n    consistency:\n      seqlock: {begin: version_begin, end: version_end}\nseq:\n  - id: version_begin\n    type: u4\n  - id: version_end\n    type: u4\n" + wordsKsy,
	"mutex":   "meta:\n  id: mutex_frames\n  endian: le\n  -shmbridge:\n    consistency:\n      mutex: 'Local\\MUTEX'\nseq:\n  - id: pad\n    size: 8\n" + wordsKsy,
	"ring": `meta:
  id: ring_frames
  endian: le
  -shmbridge:
    consistency:
      ring: {buffers: var_buf, tick: tick_count, offset: buf_offset, length: buf_len}
seq:
  - id: num_buf
    type: u4
  - id: buf_len
    type: u4
  - id: var_buf
    type: var_buf
    repeat: expr
    repeat-expr: 3
types:
  var_buf:
    seq:
      - id: tick_count
        type: s4
      - id: buf_offset
        type: s4
    instances:
      words:
        pos: buf_offset
        type: u4
        repeat: expr
        repeat-expr: 64
`,
}

func torn(words []uint32) bool {
	for _, w := range words[1:] {
		if w != words[0] {
			return true
		}
	}
	return false
}

// TestConsistentFrames: for each protocol, thousands of /fields reads of a producer that tears show no torn
// frame, while plain /data reads of the same producer do.
func TestConsistentFrames(t *testing.T) {
	const reads = 3000
	for _, proto := range []string{"seqlock", "pair", "ring", "mutex"} {
		t.Run(proto, func(t *testing.T) {
			b := newBridge(t, nil)
			n := name(t, "")
			mx := name(t, "-mx")
			args := []string{posixName(n), proto}
			ksy := consistencyLayouts[proto]
			if proto == "mutex" {
				args = append(args, posixName(mx))
				ksy = strings.Replace(ksy, `Local\MUTEX`, mx, 1)
			}
			frameWriter(t, args...)
			id := strings.SplitN(strings.SplitN(ksy, "id: ", 2)[1], "\n", 2)[0]
			b.putLayout(t, id, ksy, 201)
			b.create(createBody(n, 0, `,"mode":"open"`))

			plainTorn, fieldsTorn, retries, plainReads := 0, 0, 0, 0
			// Plain reads until one tears (a ring's tear needs the producer to come round during the read: it
			// can take more than `reads`), at least `reads` of them.
			for ; plainReads < reads || plainTorn == 0 && plainReads < 20*reads; plainReads++ {
				data := b.getOK(t, path(n, "/data?length=1024"))
				off := 8
				if proto == "ring" {
					// As a reader without the protocol does it: find the newest buffer by its tick, then copy that
					// buffer (a second read: meanwhile the producer may come round to it again).
					newest := 0
					for i := 1; i < 3; i++ {
						if binary.LittleEndian.Uint32(data[8+8*i:]) > binary.LittleEndian.Uint32(data[8+8*newest:]) {
							newest = i
						}
					}
					off = 64 + 256*newest
					data = b.getOK(t, path(n, "/data?length=1024"))
				}
				words := make([]uint32, 64)
				for i := range words {
					words[i] = binary.LittleEndian.Uint32(data[off+4*i:])
				}
				if torn(words) {
					plainTorn++
				}
			}
			refused := 0
			for got := 0; got < reads; {
				resp, data := b.do("GET", path(n, "/fields?layout="+id), nil)
				if resp.StatusCode == 503 && refused < reads/10 {
					// inconsistent: the producer stayed mid-write for the whole deadline (descheduled on a busy
					// machine). A refusal, not a tear: try again, a bounded number of times.
					refused++
					continue
				}
				expect(t, resp, data, 200)
				got++
				var r int
				fmt.Sscan(resp.Header.Get("Shmbridge-Retries"), &r)
				retries += r
				var v struct {
					Words  []uint32
					VarBuf []struct {
						TickCount int32 `json:"tick_count"`
						Words     []uint32
					} `json:"var_buf"`
				}
				if err := json.Unmarshal(data, &v); err != nil {
					t.Fatal(err)
				}
				words := v.Words
				if proto == "ring" {
					var i int
					fmt.Sscan(resp.Header.Get("Shmbridge-Ring-Buffer"), &i)
					words = v.VarBuf[i].Words
				}
				if len(words) != 64 {
					t.Fatalf("decoded: %s", data)
				}
				if torn(words) {
					fieldsTorn++
				}
			}
			fmt.Printf("consistency %s: plain /data reads torn %d of %d (%.1f%%); /fields reads torn %d of %d (%d torn copies retried, %d reads 503 inconsistent)\n",
				proto, plainTorn, plainReads, 100*float64(plainTorn)/float64(plainReads), fieldsTorn, reads, retries, refused)
			if plainTorn == 0 {
				t.Errorf("no plain read was torn: the writer does not tear, so the test proves nothing")
			}
			if fieldsTorn != 0 {
				t.Errorf("%d of %d /fields reads were torn", fieldsTorn, reads)
			}
		})
	}
}
