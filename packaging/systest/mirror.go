package systest

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// aptSources are where the host's apt configuration names its mirrors.
const (
	aptSourcesList = "/etc/apt/sources.list"
	aptSourcesDir  = "/etc/apt/sources.list.d"
)

// hostMirror returns the URI the host's apt uses for suite, or "" when
// none is configured (debootstrap then uses its own default). Reading the
// host's configuration keeps mirrors and proxies out of the code.
func hostMirror(suite string) string {
	files := []string{aptSourcesList}
	for _, pat := range []string{"*.list", "*.sources"} {
		m, _ := filepath.Glob(filepath.Join(aptSourcesDir, pat))
		files = append(files, m...)
	}
	for _, name := range files {
		if uri := mirrorInFile(name, suite); uri != "" {
			return uri
		}
	}
	return ""
}

// mirrorInFile returns the first mirror for suite in one apt sources file.
func mirrorInFile(name, suite string) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	if strings.HasSuffix(name, ".sources") {
		return mirrorDeb822(f, suite)
	}
	return mirrorOneLine(f, suite)
}

// mirrorOneLine parses the one-line format:
// "deb [options] URI suite component...".
func mirrorOneLine(r io.Reader, suite string) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "deb" {
			continue
		}
		f = f[1:]
		if strings.HasPrefix(f[0], "[") {
			f = skipOptions(f)
		}
		if len(f) >= 2 && f[1] == suite {
			return f[0]
		}
	}
	return ""
}

// skipOptions drops a "[key=value ...]" block from the fields of a line.
func skipOptions(f []string) []string {
	for i, w := range f {
		if strings.HasSuffix(w, "]") {
			return f[i+1:]
		}
	}
	return nil
}

// mirrorDeb822 parses the deb822 format: stanzas of "Field: value" lines
// separated by blank lines.
func mirrorDeb822(r io.Reader, suite string) string {
	sc := bufio.NewScanner(r)
	st := map[string]string{}
	for {
		more := sc.Scan()
		line := strings.TrimSpace(sc.Text())
		if !more || line == "" {
			if uri := stanzaMirror(st, suite); uri != "" {
				return uri
			}
			st = map[string]string{}
			if !more {
				return ""
			}
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			st[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
}

// stanzaMirror returns the stanza's first URI when it is an enabled "deb"
// source of suite.
func stanzaMirror(st map[string]string, suite string) string {
	if strings.EqualFold(st["enabled"], "no") || !hasWord(st["types"], "deb") || !hasWord(st["suites"], suite) {
		return ""
	}
	if uris := strings.Fields(st["uris"]); len(uris) > 0 {
		return uris[0]
	}
	return ""
}

func hasWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}
