package systest

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Monotonic is the host's CLOCK_MONOTONIC. The container shares the kernel's
// clock (nspawn makes no time namespace), so it compares directly with the
// *TimestampMonotonic properties systemd keeps for every unit.
func Monotonic() time.Duration {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return time.Duration(ts.Nano())
}

// ParseMonotonic reads a *TimestampMonotonic property (microseconds).
func ParseMonotonic(v string) (time.Duration, error) {
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("monotonic timestamp %q: %w", v, err)
	}
	return time.Duration(us) * time.Microsecond, nil
}
