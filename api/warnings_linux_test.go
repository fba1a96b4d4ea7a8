package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestBenchFrameIsGCCs: gcc lays the story's struct out as benchFrame says (offsets, size), and writes the
// same bytes for the same values.
func TestBenchFrameIsGCCs(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		needTool(t, "no gcc")
	}
	dir := t.TempDir()
	prog := benchStruct + `#include <stdio.h>
#include <string.h>
#include <stddef.h>
_Static_assert(sizeof(struct bench_frame) == 72, "size");
_Static_assert(offsetof(struct bench_frame, timestamp) == 8, "timestamp");
_Static_assert(offsetof(struct bench_frame, label) == 26, "label");
_Static_assert(offsetof(struct bench_frame, odometer) == 64, "odometer");
int main(void) {
    struct bench_frame f;
    memset(&f, 0, sizeof f);
    f.seq = 7; f.mode = 2; f.timestamp = 1722.5; f.rpm = 6500; f.speed = 212.25; f.gear = 4;
    strcpy(f.label, "bench-rig-01"); f.odometer = 12345.5;
    fwrite(&f, sizeof f, 1, stdout);
    return 0;
}
`
	src := filepath.Join(dir, "bench.c")
	if err := os.WriteFile(src, []byte(prog), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gcc, "-std=c11", "-o", filepath.Join(dir, "bench"), src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	got, err := exec.Command(filepath.Join(dir, "bench")).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := benchFrame(); string(got) != string(want) {
		t.Fatalf("gcc writes\n% x\nthe test writes\n% x", got, want)
	}
}
