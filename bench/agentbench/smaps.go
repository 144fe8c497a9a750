package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// mapping is the resident memory of a group of mappings of a process.
type mapping struct {
	name   string // file base name and permissions, or [anon], [heap], [stack]…
	rssKiB int64
}

// readSmaps returns pid's resident memory by mapping group, largest first.
func readSmaps(pid int) ([]mapping, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return nil, fmt.Errorf("read smaps: %w", err)
	}
	return parseSmaps(string(b)), nil
}

// parseSmaps sums the Rss: of each mapping by group: the mapped file's
// base name and the permissions ("edge-agent r-xp"), or the pseudo-path
// ("[stack]"), or "[anon] rw-p" for anonymous memory (Go's heap, stacks
// and runtime structures live there).
func parseSmaps(s string) []mapping {
	sums := map[string]int64{}
	group := ""
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && len(f[1]) == 4 {
			group = mappingGroup(f)
			continue
		}
		if len(f) >= 2 && f[0] == "Rss:" {
			if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				sums[group] += n
			}
		}
	}
	out := make([]mapping, 0, len(sums))
	for name, kib := range sums {
		if kib > 0 {
			out = append(out, mapping{name: name, rssKiB: kib})
		}
	}
	slices.SortFunc(out, func(a, b mapping) int {
		if a.rssKiB != b.rssKiB {
			return int(b.rssKiB - a.rssKiB)
		}
		return strings.Compare(a.name, b.name)
	})
	return out
}

// mappingGroup names the mapping of a header line "start-end perms offset
// dev inode [path]".
func mappingGroup(f []string) string {
	perms := f[1]
	if len(f) < 6 {
		return "[anon] " + perms
	}
	path := strings.Join(f[5:], " ")
	if strings.HasPrefix(path, "[") {
		return path
	}
	return filepath.Base(path) + " " + perms
}
