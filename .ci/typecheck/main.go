// Command typecheck type-checks packages for another system from source, as `GOOS=… go build` would, without
// compiling them: `go run . -goos darwin -C ../.. ./...`. .ci/test uses it for a system
// without a backend of its own, where a build would compile Go's standard library and every dependency once
// more only to learn that the tree compiles there. It is a module of its own so that golang.org/x/tools is not
// one of the daemon's.
package main

import (
	"flag"
	"fmt"
	"os"

	"golang.org/x/tools/go/packages"
)

func main() {
	dir := flag.String("C", ".", "the directory the patterns are in")
	goos := flag.String("goos", "darwin", "the system to type-check for (GOOS)")
	flag.Parse()
	env := append(os.Environ(), "GOOS="+*goos, "CGO_ENABLED=0") // cgo is off when go builds for another system
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: *dir, Env: env}
	pkgs, err := packages.Load(cfg, flag.Args()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "typecheck:", err)
		os.Exit(2)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		fmt.Fprintf(os.Stderr, "typecheck: %d errors for GOOS=%s\n", n, *goos)
		os.Exit(1)
	}
	count := 0
	packages.Visit(pkgs, nil, func(*packages.Package) { count++ })
	fmt.Printf("typecheck: %d packages type-check for GOOS=%s\n", count, *goos)
}
