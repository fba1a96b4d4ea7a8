package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version describes this binary from its build information: the module version (a tag, or Go's pseudo-version
// for a build from a git checkout), the VCS commit and whether the tree had changes, the Go version and the
// target. shmbridge -version prints it; the start log and GET /healthz carry it.
func version() string {
	v, commit, modified := "(devel)", "unknown", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value[:min(12, len(s.Value))]
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += ", modified"
	}
	return fmt.Sprintf("shmbridge %s (commit %s) %s %s/%s", v, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
