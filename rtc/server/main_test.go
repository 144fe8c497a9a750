package server

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(childServerEnv) != "" {
		os.Exit(runChildServer())
	}
	goleak.VerifyTestMain(m)
}
