package mqtt

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the reporter helper process when the test binary is
// re-executed as one (see helper_test.go), and otherwise the tests, with
// a goroutine leak check at the end.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperMain())
	}
	goleak.VerifyTestMain(m)
}
