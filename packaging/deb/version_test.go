package deb

import (
	"os/exec"
	"testing"
	"time"
)

func TestSource_Upstream(t *testing.T) {
	at := time.Date(2026, 11, 30, 4, 10, 4, 0, time.UTC)
	const sha = "0efa2a81ac3d633bc7dbfce158cde55275dca73d"
	tests := []struct {
		name string
		src  Source
		want string
	}{
		{"no tag", Source{Commit: sha, Time: at}, "0.1.0~git20261130.041004.0efa2a8"},
		{"no tag, dirty", Source{Commit: sha, Time: at, Dirty: true}, "0.1.0~git20261130.041004.0efa2a8.dirty"},
		{"on a tag", Source{Commit: sha, Time: at, Tag: "v1.2.3"}, "1.2.3"},
		{"after a tag", Source{Commit: sha, Time: at, Tag: "v1.2.3", Ahead: 5}, "1.2.3+git20261130.041004.0efa2a8"},
		{"on a tag, dirty", Source{Commit: sha, Time: at, Tag: "v1.2.3", Dirty: true}, "1.2.3+git20261130.041004.0efa2a8.dirty"},
		{"release candidate", Source{Commit: sha, Time: at, Tag: "v1.3.0-rc1"}, "1.3.0~rc1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.src.Upstream()
			if err != nil || got != tt.want {
				t.Errorf("Upstream() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSource_UpstreamRefusesBadTag(t *testing.T) {
	s := Source{Commit: "0efa2a8", Tag: "v1.2.3_beta"}
	if v, err := s.Upstream(); err == nil {
		t.Errorf("Upstream() = %q, want an error", v)
	}
}

// TestDebianVersion_Order checks the order dpkg gives the versions the
// scheme produces: snapshots before their release, in commit order, and
// the next revision after the previous one.
func TestDebianVersion_Order(t *testing.T) {
	ordered := []string{
		DebianVersion("0.1.0~git20261130.041004.0efa2a8", 1),
		DebianVersion("0.1.0~git20261130.041004.0efa2a8", 2),
		DebianVersion("0.1.0~git20261130.050000.0123456", 1),
		DebianVersion("0.1.0~rc1", 1),
		DebianVersion("0.1.0", 1),
		DebianVersion("0.1.0+git20261201.000000.abcdef0", 1),
	}
	for i := 1; i < len(ordered); i++ {
		if !sortsBefore(t, ordered[i-1], ordered[i]) {
			t.Errorf("%s does not sort before %s", ordered[i-1], ordered[i])
		}
	}
}

// sortsBefore asks dpkg, the authority on version order.
func sortsBefore(t *testing.T, a, b string) bool {
	t.Helper()
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg is not installed")
	}
	err := exec.Command("dpkg", "--compare-versions", a, "lt", b).Run()
	if _, failed := err.(*exec.ExitError); err != nil && !failed {
		t.Fatalf("dpkg --compare-versions: %v", err)
	}
	return err == nil
}
