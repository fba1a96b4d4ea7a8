//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// TestMirrorAcrossHosts: two hosts on one machine: the source daemon in a network namespace of its own (and a
// mount namespace, with a /dev/shm of its own), reached only over a veth pair from this one, the target. A
// native producer there writes a counter and sets a manual-reset event 100 times; the mirror here follows
// them into /dev/shm, and a native wait here on the replicated event wakes. Plain http:// to the other host is
// refused unless the mirror says insecure.
func TestMirrorAcrossHosts(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: network namespaces need root")
		}
		t.Skip("network namespaces need root")
	}
	ip, unshare, nsenter := testutil.Tool(t, "ip"), testutil.Tool(t, "unshare"), testutil.Tool(t, "nsenter")
	dir := testutil.TempDir(t)
	peer := buildCPeer(t, dir, "sync_peer", "testdata/peers/sync_peer_linux.c")
	host := netnsHost(t, ip)
	const token = "netns-e2e-token-0123456789abcdef"
	t.Setenv("SHMBRIDGE_TOKEN", token)
	addr := host.addr + ":8765"
	private := []string{ip, "netns", "exec", host.ns, unshare, "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=16m tmpfs /dev/shm && exec "$0" "$@"`}
	_, srcLog, src := startDaemonUnder(t, private, "-listen", addr, "-allow-host", addr, "-mirrors-file", "-", "-tokens-file", "-",
		"-publishers-dir", "-", "-layouts-dir", "-", "-recordings-dir", "-")
	base := "http://" + addr
	name := fmt.Sprintf("shmbridge-e2e-%d-netns", os.Getpid())
	post(t, base, token, "/v1/mappings", fmt.Sprintf(`{"name": %q, "size": 4096}`, name), 201)
	post(t, base, token, "/v1/events", fmt.Sprintf(`{"name": %q, "manual_reset": true}`, name+"-ev"), 201)

	// This host: the target daemon.
	local, _ := startDaemon(t, "-listen", "127.0.0.1:0", "-mirrors-file", "-", "-tokens-file", "-", "-publishers-dir", "-",
		"-layouts-dir", "-", "-recordings-dir", "-")
	creds := filepath.Join(dir, "token")
	os.WriteFile(creds, []byte(token), 0o600)
	spec := fmt.Sprintf(`{"source": %q, "credentials": %q, "mapping": %q, "interval": "2ms", "events": [%q]`, base, creds, name, name+"-ev")
	if body := post(t, "http://"+local, token, "/v1/mirrors", spec+"}", 400); !strings.Contains(body, "insecure") {
		t.Errorf("plain http to another host: %s", body)
	}
	var m struct{ ID, State string }
	json.Unmarshal([]byte(post(t, "http://"+local, token, "/v1/mirrors", spec+`, "insecure": true}`, 201)), &m)
	if m.State != "following" {
		t.Fatalf("the mirror: %+v\nsource:\n%s", m, srcLog)
	}
	view, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer view.Close()
	ev, err := shm.OpenEvent(shm.EventOptions{Name: name + "-ev", Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()

	// The producer, on the source host: a counter at 0 and 60 bytes, the event set after each, 100 times.
	tick := exec.Command(nsenter, "-t", strconv.Itoa(src.Process.Pid), "-m", "-n", peer, "tick", name, name+"-ev", "100", "10")
	if err := tick.Start(); err != nil {
		t.Fatal(err)
	}
	defer tick.Wait()
	woke := 0
	testutil.WaitFor(t, "the replicated event wakes a native wait here 10 times", func() bool {
		if ok, _ := ev.Wait(t.Context(), time.Second); ok {
			woke++
		}
		return woke >= 10
	})
	counter := make([]byte, 4)
	testutil.WaitFor(t, "the producer's 100th frame here", func() bool {
		view.ReadAt(counter, 0)
		return counter[0] == 100
	})
	if status := deleteMirror(t, "http://"+local, token, m.ID); status != 204 {
		t.Errorf("DELETE the mirror: %d", status)
	}
}

// netnsHostInfo is a network namespace joined to this one by a veth pair: its address, and this side's.
type netnsHostInfo struct{ ns, addr string }

func netnsHost(t *testing.T, ip string) netnsHostInfo {
	t.Helper()
	pid := os.Getpid() % 100000
	ns, here, there := fmt.Sprintf("shmb-%d", pid), fmt.Sprintf("sbh%d", pid), fmt.Sprintf("sbt%d", pid)
	octet := 1 + pid%250
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", ns)
	t.Cleanup(func() { exec.Command(ip, "netns", "del", ns).Run() }) // its veth end goes with it, and ours
	run("link", "add", here, "type", "veth", "peer", "name", there)
	run("link", "set", there, "netns", ns)
	run("addr", "add", fmt.Sprintf("10.231.%d.1/30", octet), "dev", here)
	run("link", "set", here, "up")
	run("-n", ns, "addr", "add", fmt.Sprintf("10.231.%d.2/30", octet), "dev", there)
	run("-n", ns, "link", "set", there, "up")
	run("-n", ns, "link", "set", "lo", "up")
	return netnsHostInfo{ns: ns, addr: fmt.Sprintf("10.231.%d.2", octet)}
}

// deleteMirror is DELETE /v1/mirrors/{id}: the mapping and event it made removed.
func deleteMirror(t *testing.T, base, token, id string) int {
	req, _ := http.NewRequest("DELETE", base+"/v1/mirrors/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
