package debtest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/edge-agent/edge-agent/agent/config"
	"github.com/edge-agent/edge-agent/rtc/server"
)

// documented matches a documented key of agent.toml: "#key = value".
var documented = regexp.MustCompile(`(?m)^#([a-z][a-z0-9-]*) = `)

// flagName matches a flag in the help of `edge-agent run -h`.
var flagName = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// TestAgentTOML_DocumentsEveryKey checks that the shipped agent.toml shows
// every setting of the daemon, and only those.
func TestAgentTOML_DocumentsEveryKey(t *testing.T) {
	var help bytes.Buffer
	config.Parse([]string{"-h"}, &help)
	var keys []string
	for _, m := range flagName.FindAllStringSubmatch(help.String(), -1) {
		if m[1] != "config" {
			keys = append(keys, m[1])
		}
	}
	if len(keys) < 10 {
		t.Fatalf("found only %d keys in the help:\n%s", len(keys), help.String())
	}
	toml := readRepoFile(t, "packaging/debian/agent.toml")
	var doc []string
	for _, m := range documented.FindAllStringSubmatch(toml, -1) {
		doc = append(doc, m[1])
	}
	for _, k := range keys {
		if !slices.Contains(doc, k) {
			t.Errorf("agent.toml does not document %q", k)
		}
	}
	for _, k := range doc {
		if !slices.Contains(keys, k) {
			t.Errorf("agent.toml documents %q, which is no setting", k)
		}
	}
}

// TestAgentTOML_AsShippedWaits checks that the daemon, given the file as
// shipped, finds itself not configured (and so waits, under systemd)
// rather than misconfigured.
func TestAgentTOML_AsShippedWaits(t *testing.T) {
	path := filepath.Join(repoRoot(t), "packaging/debian/agent.toml")
	_, err := config.Parse([]string{"--config", path}, &bytes.Buffer{})
	if !errors.Is(err, config.ErrNotConfigured) {
		t.Errorf("Parse(shipped agent.toml) = %v, want ErrNotConfigured", err)
	}
}

// TestChanneldApps_ExampleIsValid checks that the example line of the
// shipped apps file, uncommented, is an app the server accepts.
func TestChanneldApps_ExampleIsValid(t *testing.T) {
	apps := readRepoFile(t, "packaging/debian/edge-channeld.apps")
	lines := strings.Split(strings.TrimSpace(apps), "\n")
	example := strings.TrimPrefix(lines[len(lines)-1], "#")
	if _, err := server.ParseApps(strings.NewReader(example)); err != nil {
		t.Errorf("example %q: %v", example, err)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "#") {
			t.Errorf("the shipped file has an uncommented line: %q", l)
		}
	}
}

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
