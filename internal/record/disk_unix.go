//go:build unix

package record

import (
	"errors"

	"golang.org/x/sys/unix"
)

// freeSpace is the bytes a file in dir may still take on its file system.
func freeSpace(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// diskFull reports a write refused for want of space.
func diskFull(err error) bool {
	return errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EDQUOT)
}
