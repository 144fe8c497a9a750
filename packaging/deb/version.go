package deb

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FirstVersion is the upstream version snapshots count towards while the
// repository has no release tag: a snapshot is 0.1.0~git..., which sorts
// before 0.1.0 itself, so the first tagged release upgrades every snapshot.
const FirstVersion = "0.1.0"

// Source is the commit a build comes from.
type Source struct {
	Commit string    // full hash
	Time   time.Time // commit time (committer date), UTC
	Tag    string    // the nearest release tag (vX.Y.Z), or ""
	Ahead  int       // commits since Tag (or since the root without a tag)
	Dirty  bool      // tracked files differ from the commit
}

// ReadSource asks git about the work tree at root. It takes no lock in the
// repository (others may be committing at the same time).
func ReadSource(ctx context.Context, root string) (Source, error) {
	var s Source
	out, err := git(ctx, root, "log", "-1", "--format=%H %ct")
	if err != nil {
		return s, err
	}
	var epoch int64
	if _, err := fmt.Sscan(out, &s.Commit, &epoch); err != nil {
		return s, fmt.Errorf("git log: %q: %w", out, err)
	}
	s.Time = time.Unix(epoch, 0).UTC()
	if s.Tag, err = git(ctx, root, "describe", "--tags", "--abbrev=0", "--match", "v[0-9]*"); err != nil {
		s.Tag = "" // No release tag yet.
	}
	if s.Tag != "" {
		n, err := git(ctx, root, "rev-list", "--count", s.Tag+"..HEAD")
		if err != nil {
			return s, err
		}
		s.Ahead, _ = strconv.Atoi(n)
	}
	st, err := git(ctx, root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return s, err
	}
	s.Dirty = st != ""
	return s, nil
}

// git runs a git command in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ShortCommit is the abbreviated hash in versions (7 hex digits, as git's
// default) and in the binaries' `version` output (12).
func (s Source) ShortCommit(n int) string {
	return s.Commit[:min(n, len(s.Commit))]
}

// Upstream returns the upstream part of the Debian version:
//
//	no tag                     0.1.0~git20261130.041004.0efa2a8
//	on tag v1.2.3              1.2.3
//	5 commits after v1.2.3     1.2.3+git20261130.041004.0efa2a8
//	tag v1.3.0-rc1             1.3.0~rc1
//
// with ".dirty" appended to a snapshot built from a modified tree (a dirty
// build on a tag becomes a snapshot). The commit time in the snapshot makes
// successive snapshots of one branch sort in order; the hash says which
// commit it was.
func (s Source) Upstream() (string, error) {
	stamp := s.Time.Format("20060102.150405") + "." + s.ShortCommit(7)
	var v string
	switch {
	case s.Tag == "":
		v = FirstVersion + "~git" + stamp
	case s.Ahead == 0 && !s.Dirty:
		v = tagVersion(s.Tag)
	default:
		v = tagVersion(s.Tag) + "+git" + stamp
	}
	if s.Dirty {
		v += ".dirty"
	}
	if !upstreamRule.MatchString(v) {
		return "", fmt.Errorf("version %q (from tag %q) is not a Debian upstream version", v, s.Tag)
	}
	return v, nil
}

// tagVersion turns a release tag into an upstream version: the leading v
// goes, and a pre-release suffix sorts before the release (- becomes ~).
func tagVersion(tag string) string {
	return strings.ReplaceAll(strings.TrimPrefix(tag, "v"), "-", "~")
}

// upstreamRule is Debian policy 5.6.12 for an upstream version followed by a
// revision: starts with a digit; letters, digits, . + ~ only (a hyphen
// would be read as the start of the revision).
var upstreamRule = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`)

// DebianVersion is the package version: upstream and Debian revision.
func DebianVersion(upstream string, revision int) string {
	return fmt.Sprintf("%s-%d", upstream, revision)
}
