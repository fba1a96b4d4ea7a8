package api_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"net/http"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// inflateKsy is a layout of one zlib stream (its length first) inflated to a string.
const inflateKsy = "meta:\n  id: inflate\n  endian: le\nseq:\n  - id: n\n    type: u4\n  - id: s\n    size: n\n    process: zlib\n    type: str\n    encoding: ASCII\n"

// inflating makes a mapping holding a zlib stream of plain, decoded by inflateKsy.
func (b *bridge) inflating(t *testing.T, suffix string, plain []byte) string {
	t.Helper()
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(plain)
	w.Close()
	data := binary.LittleEndian.AppendUint32(nil, uint32(z.Len()))
	data = append(data, z.Bytes()...)
	b.putLayout(t, "inflate", inflateKsy, 201)
	n := name(t, suffix)
	b.create(createBody(n, int64(len(data)), `,"layout":"inflate"`))
	resp, body := b.do("PUT", path(n, "/data"), bytes.NewReader(data))
	expect(t, resp, body, 200)
	return n
}

// TestDecodedJSONStopsAtTheCap: a few KiB of zlib that inflate to 31 MiB of control characters (186 MiB of
// JSON) is 413 decoded-too-large, refused at the cap: the request allocates about what the decode made, not
// the JSON it would have been.
func TestDecodedJSONStopsAtTheCap(t *testing.T) {
	plain := bytes.Repeat([]byte{1}, 31<<20)
	b := newBridge(t, nil)
	n := b.inflating(t, "", plain)
	l, err := layout.Compile([]byte(inflateKsy), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	data := b.getOK(t, path(n, "/data"))
	decoding := testutil.Allocated(func() { l.Decode(data) }) // what the decode alone allocates
	var resp *http.Response
	got := testutil.Allocated(func() { resp, data = b.do("GET", path(n, "/fields"), nil) })
	expect(t, resp, data, 413)
	wantProblem(t, data, "decoded-too-large")
	if got > decoding+32<<20 {
		t.Errorf("refusing it allocated %d MiB, the decode %d MiB", got>>20, decoding>>20)
	}
	t.Logf("refusing it allocated %d MiB, the decode %d MiB", got>>20, decoding>>20)
	b.getOK(t, "/healthz")
}

// TestDecodedOutputCharged: what a decode makes and its JSON come out of -max-buffered: an answer of 3 MiB
// whose decode inflated 3 MiB needs more than a budget of 4 MiB (413), and leaves the budget whole.
func TestDecodedOutputCharged(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBuffered = 4 << 20 })
	n := b.inflating(t, "", bytes.Repeat([]byte("ab"), 3<<19))
	resp, data := b.do("GET", path(n, "/fields"), nil)
	expect(t, resp, data, 413)
	wantProblem(t, data, "too-large", "-max-buffered")
	if got := value(b.scrape(), "shmbridge_buffered_bytes", nil); got != 0 {
		t.Errorf("%v bytes of the budget held after the answer", got)
	}
	resp, data = b.do("GET", path(n, "/fields?fields=n"), nil)
	expect(t, resp, data, 413) // the decode made 3 MiB all the same
	b2 := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBuffered = 16 << 20 })
	n = b2.inflating(t, "-2", bytes.Repeat([]byte("ab"), 3<<19))
	if data := b2.getOK(t, path(n, "/fields")); len(data) < 3<<20 {
		t.Errorf("a budget of 16 MiB: %d bytes", len(data))
	}
}
