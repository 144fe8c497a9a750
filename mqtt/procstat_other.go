//go:build !linux

package mqtt

import (
	"errors"
	"time"
)

var errNoProc = errors.New("process figures need Linux /proc")

func processCPU() (time.Duration, error) { return 0, errNoProc }

func processRSS() (uint64, error) { return 0, errNoProc }
