package api

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// TestLayoutWriteBusy: a PUT or DELETE that other writes kept overtaking (the store gave up compiling it
// again) is a 503 busy with Retry-After, as any busy daemon answers.
func TestLayoutWriteBusy(t *testing.T) {
	err := busyLayouts(fmt.Errorf("%w: try again", layout.ErrConflict))
	p, h := problemFor(err, httptest.NewRequest("PUT", "/v1/layouts/x", nil))
	if p.Status != 503 || p.Type != ProblemTypePrefix+"busy" || h.Get("Retry-After") != "1" {
		t.Fatalf("%+v %v", p, h)
	}
	if other := fmt.Errorf("x: %w", layout.ErrNotFound); busyLayouts(other) != other {
		t.Fatal("another error was changed")
	}
}
