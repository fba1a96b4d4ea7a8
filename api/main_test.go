package api_test

import (
	"os"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestMain fails the run if a test leaves a /dev/shm object behind.
func TestMain(m *testing.M) { os.Exit(testutil.RunChecked(m)) }
