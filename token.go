package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// minTokenLen is the shortest token accepted from SHMBRIDGE_TOKEN or a token file.
const minTokenLen = 16

// defaultTokenFile is where the daemon keeps its token: os.UserConfigDir()/shmbridge/token.
func defaultTokenFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "shmbridge", "token")
}

// loadToken reads the token at path, or makes one (crypto/rand, 130 bits) and writes it there, readable by
// this user only (mode 0600; on Windows a protected DACL granting only this user). An existing file that
// others can read is refused.
func loadToken(path string) (token string, created bool, err error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := checkPrivate(path); err != nil {
			return "", false, err
		}
		token = strings.TrimSpace(string(data))
		if len(token) < minTokenLen {
			return "", false, fmt.Errorf("the token in %s is shorter than %d characters", path, minTokenLen)
		}
		return token, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, err
	}
	token = rand.Text()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, err
	}
	_, err = f.WriteString(token + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = makePrivate(path)
	}
	if err != nil {
		os.Remove(path)
		return "", false, fmt.Errorf("writing the token to %s: %w", path, err)
	}
	return token, true, nil
}
