package systest

import (
	"strings"
	"testing"
)

func TestMirror_Formats(t *testing.T) {
	tests := []struct {
		name, file, text, want string
	}{
		{"one-line", "sources.list", "deb http://m.example/debian bookworm main\n", "http://m.example/debian"},
		{"one-line options", "x.list", "deb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\n", "http://m.example/debian"},
		{"one-line skips security and src", "x.list",
			"# deb http://old/ bookworm main\ndeb-src http://src/ bookworm main\ndeb http://sec/ bookworm-security main\ndeb http://m/ bookworm main\n", "http://m/"},
		{"one-line other suite", "x.list", "deb http://m/ trixie main\n", ""},
		{"deb822", "debian.sources",
			"Types: deb\nURIs: http://m.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://sec/\nSuites: bookworm-security\n", "http://m.example/debian"},
		{"deb822 disabled", "x.sources", "Enabled: no\nTypes: deb\nURIs: http://off/\nSuites: bookworm\n\nTypes: deb deb-src\nURIs: http://on/\nSuites: bookworm\n", "http://on/"},
		{"deb822 src only", "x.sources", "Types: deb-src\nURIs: http://src/\nSuites: bookworm\n", ""},
		{"deb822 comments", "x.sources", "# URIs: http://no/\nTypes: deb\n# http://snapshot/\nURIs: http://yes/\nSuites: bookworm\n", "http://yes/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if strings.HasSuffix(tt.file, ".sources") {
				got = mirrorDeb822(strings.NewReader(tt.text), "bookworm")
			} else {
				got = mirrorOneLine(strings.NewReader(tt.text), "bookworm")
			}
			if got != tt.want {
				t.Errorf("mirror = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCacheKey_DependsOnPackagesOnly(t *testing.T) {
	a := cacheKey(packageList([]string{"mosquitto", "dbus"}))
	b := cacheKey(packageList([]string{"mosquitto"}))
	c := cacheKey(packageList([]string{"chromium"}))
	if a != b {
		t.Errorf("a repeated base package changed the key: %s != %s", a, b)
	}
	if a == c {
		t.Errorf("different packages, same key %s", a)
	}
}
