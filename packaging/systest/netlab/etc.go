package netlab

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteEtc writes the namespace's own copy of /etc/FILE (hosts,
// resolv.conf): /etc/netns/NAME/FILE, which "ip netns exec" (so Command)
// bind-mounts over /etc/FILE for the commands it starts. The first write
// must come before the command starts; later writes replace the content in
// place, so a running command sees them. The copy is removed when the test
// ends.
func (n *NS) WriteEtc(tb testing.TB, file, content string) {
	tb.Helper()
	dir := filepath.Join("/etc/netns", n.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("netlab: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
		tb.Fatalf("netlab: %v", err)
	}
}
