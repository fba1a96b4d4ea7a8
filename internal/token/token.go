// Package token makes and reads the daemon's bearer token: a random secret (130 bits) in a file only its
// owners can read. The daemon run by a user keeps it in the user's config directory, readable by that user
// alone; the Windows service keeps it in its folder under %ProgramData%, whose ACL the service sets up.
package token

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MinLen is the shortest token accepted from SHMBRIDGE_TOKEN or a token file.
const MinLen = 16

// DefaultFile is where a user's daemon keeps its token: os.UserConfigDir()/shmbridge/token ("" if there is no
// config directory).
func DefaultFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "shmbridge", "token")
}

// New is a new token: crypto/rand, 130 bits, in base32.
func New() string { return rand.Text() }

// Create writes a new token to path unless a file is there already (a reinstall, a restart: the token
// stays), and answers whether it made one. The file is made 0600 (Windows: what its folder's ACL gives).
func Create(path string) (created bool, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = f.WriteString(New() + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return false, err
	}
	return true, nil
}

// Load reads the token at path, or makes one there (its folder too), readable by this user only (mode 0600;
// on Windows a protected ACL granting only this user). An existing file that others can read is refused, as
// is a token shorter than MinLen.
func Load(path string) (token string, created bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, err
	}
	if created, err = Create(path); err != nil {
		return "", false, fmt.Errorf("writing the token to %s: %w", path, err)
	}
	if created {
		if err := makePrivate(path); err != nil {
			os.Remove(path)
			return "", false, fmt.Errorf("writing the token to %s: %w", path, err)
		}
	} else if err := checkPrivate(path); err != nil {
		return "", false, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false, err
	}
	token = strings.TrimSpace(string(data))
	if len(token) < MinLen {
		return "", false, fmt.Errorf("the token in %s is shorter than %d characters", path, MinLen)
	}
	return token, created, nil
}
