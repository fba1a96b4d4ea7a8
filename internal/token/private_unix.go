//go:build !windows

package token

import (
	"fmt"
	"os"
)

// makePrivate: the file was created 0600, which the umask can only narrow.
func makePrivate(string) error { return nil }

// checkPrivate refuses a token file that group or others can read or write.
func checkPrivate(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is open to other users (mode %04o): chmod 600 %s", path, st.Mode().Perm(), path)
	}
	return nil
}
