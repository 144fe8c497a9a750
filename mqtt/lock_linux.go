//go:build linux

package mqtt

import (
	"fmt"
	"os"
	"syscall"
)

// lockDir takes an exclusive, non-blocking flock on dir/lock, so that two
// reporters never share an outbox. The kernel drops the lock when the
// process dies, however it dies.
func lockDir(dir string) (release func(), err error) {
	f, err := os.OpenFile(dir+"/lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock state dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock state dir %s (another reporter runs on it?): %w", dir, err)
	}
	return func() { _ = f.Close() }, nil
}
