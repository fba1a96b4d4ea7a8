package api_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// builtPeers are the C peers built by this test process, by source file: each is built once.
var builtPeers sync.Map // source → *builtPeer

type builtPeer struct {
	once     sync.Once
	bin, err string
}

// cPeer builds testdata/peers/SRC with the system's C compiler (once per test process) and answers the
// binary; no compiler is a skip, or in CI a failure.
func cPeer(t *testing.T, src string, flags ...string) string {
	t.Helper()
	v, _ := builtPeers.LoadOrStore(src, &builtPeer{})
	p := v.(*builtPeer)
	p.once.Do(func() {
		cc, err := exec.LookPath("cc")
		if err != nil {
			p.err = "no C compiler (cc) to build " + src
			return
		}
		dir, _ := os.MkdirTemp("", "peer-")
		p.bin = filepath.Join(dir, strings.TrimSuffix(src, ".c"))
		args := append([]string{"-O2", "-Wall", "-Werror", "-o", p.bin, "../testdata/peers/" + src}, flags...)
		if out, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
			p.err = fmt.Sprintf("building %s: %v\n%s", src, err, out)
		}
	})
	if p.err != "" {
		needTool(t, "%s", p.err)
	}
	return p.bin
}
