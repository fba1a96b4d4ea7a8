//go:build unix

package privdir

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestCheck: an existing 0755 directory of the daemon's own is made 0700; one the operator named is left 0755;
// each is warned of once, naming it and its mode; a private one and a missing one say nothing.
func TestCheck(t *testing.T) {
	root := t.TempDir()
	own, given, private := filepath.Join(root, "own"), filepath.Join(root, "given"), filepath.Join(root, "private")
	for _, d := range []string{own, given, private} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(own, 0o755)
	os.Chmod(given, 0o750)
	var logs testutil.LockedBuffer
	found := Check(slog.New(slog.NewTextHandler(&logs, nil)), []Dir{
		{Path: own, Own: true}, {Path: given}, {Path: given}, {Path: private, Own: true}, {Path: filepath.Join(root, "missing"), Own: true},
	})
	if len(found) != 2 || !found[0].Tightened || found[1].Tightened || found[0].Mode != 0o755 || found[1].Mode != 0o750 {
		t.Fatalf("found %+v", found)
	}
	for d, want := range map[string]os.FileMode{own: 0o700, given: 0o750, private: 0o700} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %#o", d, st.Mode(), err, want)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "dir="+own) || !strings.Contains(lines[0], "mode=0755") || !strings.Contains(lines[0], "made 0700") ||
		!strings.Contains(lines[1], "dir="+given) || !strings.Contains(lines[1], "mode=0750") || !strings.Contains(lines[1], "chmod 700") {
		t.Errorf("log:\n%s", logs.String())
	}
}
