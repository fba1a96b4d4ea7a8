// Package dockerfilelint runs BuildKit's Dockerfile linter (dockerfile2llb.DockerfileLint: every rule
// `docker build --check` runs) on the repository's Dockerfile.windows, failing on any warning.
//
// It is a module of its own so that BuildKit's linter, which brings gRPC, OpenTelemetry, containerd and
// protobuf with it (about 260 packages), is compiled once by .ci/test, without -race, instead of twice (go vet
// and go test -race of ./...) for one check. The rest of what e2e/dockerfile_test.go checks (the final stage
// read with BuildKit's light parser and instruction reader, then run under Wine) stays in the main module.
package dockerfilelint

import (
	"context"
	"os"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// lintDockerfile runs BuildKit's Dockerfile linter (dockerfile2llb.DockerfileLint, as `docker build --check`)
// offline: base images resolve to a bare windows/amd64 configuration instead of a registry.
func lintDockerfile(t *testing.T, src []byte) []lint.Warning {
	t.Helper()
	ctx := context.Background()
	local := llb.Local("dockerfile")
	def, err := local.Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sm := llb.NewSourceMap(&local, "Dockerfile.windows", "Dockerfile", src)
	sm.Definition = def
	res, err := dockerfile2llb.DockerfileLint(ctx, src, dockerfile2llb.ConvertOpt{
		SourceMap:      sm,
		MetaResolver:   offlineImages{},
		TargetPlatform: &ocispecs.Platform{OS: "windows", Architecture: "amd64"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Error != nil {
		t.Fatalf("lint: %s", res.Error.Message)
	}
	return res.Warnings
}

// offlineImages resolves every image to a bare windows/amd64 configuration: the linter needs one per FROM,
// and the tests never reach a registry.
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return ref, digest.FromString(ref), []byte(`{"os":"windows","architecture":"amd64","config":{}}`), nil
}

// TestDockerfileLinterCatches: the linter really runs: a lower-case instruction and a shell-form ENTRYPOINT
// are reported.
func TestDockerfileLinterCatches(t *testing.T) {
	bad := "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nuser ContainerUser\nENTRYPOINT shmbridge.exe\n"
	rules := map[string]bool{}
	for _, w := range lintDockerfile(t, []byte(bad)) {
		rules[w.RuleName] = true
	}
	if !rules["ConsistentInstructionCasing"] || !rules["JSONArgsRecommended"] {
		t.Fatalf("the linter missed known faults: %v", rules)
	}
}

// TestDockerfileWindowsLint: Dockerfile.windows passes every rule of BuildKit's linter.
func TestDockerfileWindowsLint(t *testing.T) {
	src, err := os.ReadFile("../../Dockerfile.windows")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range lintDockerfile(t, src) {
		t.Errorf("lint %s: %s", w.RuleName, w.Detail)
	}
}
