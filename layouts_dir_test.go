package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestLayoutsDirAtStart: files in -layouts-dir that are not regular files of at most a layout's size (a link
// to a secret, a 2 MiB file) are left out at start, each with one log line naming it and never quoting it;
// the daemon starts with the others.
func TestLayoutsDirAtStart(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", "layouts-dir-test-token-0123456789")
	dir := testutil.TempDir(t)
	secret := filepath.Join(testutil.TempDir(t), "secret")
	os.WriteFile(secret, []byte("root:x:0:0:SECRET-CONTENT\n"), 0o600)
	left := []string{"big.ksy"}
	if symlink(t, secret, filepath.Join(dir, "link.ksy")) {
		left = append(left, "link.ksy")
	}
	os.WriteFile(filepath.Join(dir, "big.ksy"), make([]byte, 2<<20), 0o600)
	os.WriteFile(filepath.Join(dir, "good.ksy"), []byte("meta:\n  id: good\nseq:\n  - id: a\n    type: u1\n"), 0o600)
	_, log := startDaemon(t, "-listen", "127.0.0.1:0", "-layouts-dir", dir, "-publishers-dir", "-", "-recordings-dir", "-")
	s := log.String()
	if strings.Contains(s, "SECRET") || strings.Contains(s, "root:") {
		t.Errorf("the log quotes a file:\n%s", s)
	}
	for _, f := range left {
		if n := strings.Count(s, "a layout file is left out"); n != len(left) || !strings.Contains(s, f) {
			t.Errorf("%s: %d lines left out:\n%s", f, n, s)
		}
	}
	if strings.Contains(s, "good.ksy") {
		t.Errorf("the good file is in the log:\n%s", s)
	}
}

// symlink makes a symbolic link and tells whether it is one: under Wine os.Symlink succeeds without making a link
// (Lstat sees a regular file), and that file is removed so that only real links are tested.
func symlink(t *testing.T, target, link string) bool {
	if err := os.Symlink(target, link); err != nil {
		t.Logf("no symbolic link here: %v", err)
		return false
	}
	if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return true
	}
	t.Logf("%s is not a symbolic link here (Wine): left out of the test", link)
	os.Remove(link)
	return false
}
