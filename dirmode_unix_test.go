//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestOpenDirectoriesAtStart: an existing directory others can enter is warned of once at start, naming it
// and its mode: the daemon's own (a store's default beside the token file) made 0700, one a flag named (the
// token file's) left as it is.
func TestOpenDirectoriesAtStart(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", "")
	dir := filepath.Join(testutil.TempDir(t), "shared")
	recordings := filepath.Join(dir, "recordings")
	if err := os.MkdirAll(recordings, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	os.Chmod(recordings, 0o755)
	_, log := startDaemon(t, "-listen", "127.0.0.1:0", "-token-file", filepath.Join(dir, "token"))
	var warned []string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "open to other users") {
			warned = append(warned, l)
		}
	}
	if len(warned) != 2 || !strings.Contains(warned[0], "dir="+dir+" ") || !strings.Contains(warned[0], "mode=0755") ||
		!strings.Contains(warned[1], "dir="+recordings+" ") || !strings.Contains(warned[1], "made 0700") {
		t.Fatalf("warnings:\n%s", strings.Join(warned, "\n"))
	}
	for d, want := range map[string]os.FileMode{dir: 0o755, recordings: 0o700, filepath.Join(dir, "layouts"): 0o700} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v (%v), want %#o", d, st.Mode(), err, want)
		}
	}
}
