package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// The apps file (--apps FILE) lists the apps the server accepts and their
// token secrets, one app per line:
//
//	# comment
//	APP_ID SECRET
//
// Fields are separated by spaces or tabs; blank lines and lines starting
// with '#' are ignored. APP_ID follows the name rule (1–64 characters of
// [A-Za-z0-9_-]); SECRET is any run of at least 16 non-space characters. An
// app id may appear once. The file should be readable by the server only.

// LoadApps reads an apps file. Errors name the file and line.
func LoadApps(path string) (signal.AppSecrets, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("apps file: %w", err)
	}
	defer f.Close()
	apps, err := ParseApps(f)
	if err != nil {
		return nil, fmt.Errorf("apps file %s: %w", path, err)
	}
	return apps, nil
}

// ParseApps parses the apps file format from r. Errors start with the line
// number ("line 3: ...").
func ParseApps(r io.Reader) (signal.AppSecrets, error) {
	apps := signal.AppSecrets{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: want \"APP_ID SECRET\", got %d fields", n, len(f))
		}
		if err := checkApp(f[0], f[1]); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if _, dup := apps[f[0]]; dup {
			return nil, fmt.Errorf("line %d: app id %q appears twice", n, f[0])
		}
		apps[f[0]] = f[1]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(apps) == 0 {
		return nil, errors.New("no apps")
	}
	return apps, nil
}
