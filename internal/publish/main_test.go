package publish

import (
	"os"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.RunChecked(m)) }
