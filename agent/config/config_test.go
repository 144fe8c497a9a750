package config

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// base is a complete configuration as flags.
var base = []string{"--server", "ws://127.0.0.1:8080/ws", "--app-id", "demo", "--channel", "lobby", "--uid", "1"}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParse_Errors(t *testing.T) {
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "missing-token")
	emptyTok := writeFile(t, "empty", "  \n")
	tests := []struct {
		name    string
		args    []string
		file    string // TOML; written to a temp file and passed with --config
		wantKey string
		wantErr string
	}{
		{name: "uid 0", args: []string{"--uid", "0"}, wantKey: "uid", wantErr: "must not be 0"},
		{name: "uid not a number", args: []string{"--uid", "one"}, wantKey: "uid"},
		{name: "uid too large", args: []string{"--uid", "4294967296"}, wantKey: "uid"},
		{name: "server not ws", args: []string{"--server", "http://x:1/ws"}, wantKey: "server", wantErr: "scheme"},
		{name: "server without host", args: []string{"--server", "ws:///ws"}, wantKey: "server", wantErr: "no host"},
		{name: "server not a URL", args: []string{"--server", "::"}, wantKey: "server"},
		{name: "bad channel name", args: []string{"--channel", "a b"}, wantKey: "channel"},
		{name: "bad app id", args: []string{"--app-id", strings.Repeat("a", 65)}, wantKey: "app-id"},
		{name: "bad device id", args: []string{"--device-id", "a/b"}, wantKey: "device-id"},
		{name: "unreadable token file", args: []string{"--token-file", unreadable}, wantKey: "token-file", wantErr: "no such file"},
		{name: "empty token file", args: []string{"--token-file", emptyTok}, wantKey: "token-file", wantErr: "empty"},
		{name: "token and token file", args: []string{"--token", "a", "--token-file", emptyTok}, wantKey: "token-file", wantErr: "exclusive"},
		{name: "token with a space", args: []string{"--token", "a b"}, wantKey: "token"},
		{name: "bad mqtt URL", args: []string{"--mqtt", "mqtt://broker:1883"}, wantKey: "mqtt", wantErr: "scheme"},
		{name: "mqtt prefix with a wildcard", args: []string{"--mqtt", "tcp://b:1883", "--mqtt-prefix", "edge/#"}, wantKey: "mqtt-prefix"},
		{name: "mqtt cert without key", args: []string{"--mqtt", "ssl://b:8883", "--mqtt-cert", emptyTok}, wantKey: "mqtt-cert"},
		{name: "unreadable command key", args: []string{"--command-key-file", unreadable}, wantKey: "command-key-file"},
		{name: "relative state dir", args: []string{"--state-dir", "state"}, wantKey: "state-dir"},
		{name: "bad media", args: []string{"--media", "camera"}, wantKey: "media"},
		{name: "media without port", args: []string{"--media", "rtp://127.0.0.1"}, wantKey: "media"},
		{name: "bad sink", args: []string{"--sink", "udp://1.2.3.4:5"}, wantKey: "sink"},
		{name: "bad log level", args: []string{"--log-level", "loud"}, wantKey: "log-level"},
		{name: "duration too short", args: []string{"--interrupted-after", "4ms"}, wantKey: "interrupted-after", wantErr: "out of range"},
		{name: "duration too long", args: []string{"--failed-after", "48h"}, wantKey: "failed-after", wantErr: "out of range"},
		{name: "not a duration", args: []string{"--lost-after", "ten"}, wantKey: "lost-after"},
		{name: "timers out of order", args: []string{"--lost-after", "3s"}, wantKey: "lost-after", wantErr: "longer than"},
		{name: "missing server", args: []string{"--server", ""}, wantKey: "server"},
		{name: "unknown key in the file", file: "colour = \"blue\"\n", wantKey: "colour", wantErr: "unknown key"},
		{name: "bad value in the file", file: "retry-after-failed = \"0s\"\n", wantKey: "retry-after-failed", wantErr: "out of range"},
		{name: "wrong type in the file", file: "media = 3.5\n", wantKey: "media"},
		{name: "a table in the file", file: "[media]\nx = 1\n", wantKey: "media"},
		{name: "file is not TOML", file: "uid = = 1\n", wantKey: "config"},
		{name: "missing config file", args: []string{"--config", unreadable}, wantKey: "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{}, base...), tt.args...)
			if tt.file != "" {
				args = append(args, "--config", writeFile(t, "agent.toml", tt.file))
			}
			_, err := Parse(args, io.Discard)
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != tt.wantKey {
				t.Fatalf("err = %v, want one naming %q", err, tt.wantKey)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to say %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("err spans lines: %q", err)
			}
		})
	}
}

func TestParse_FlagWinsOverFile(t *testing.T) {
	file := writeFile(t, "agent.toml", `
server = "ws://file:8080/ws"
app-id = "demo"
channel = "from-file"
uid = 7
interrupted-after = "3s"
netwatch = false
`)
	c, err := Parse([]string{"--config", file, "--channel", "from-flag"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Channel != "from-flag" || c.Server != "ws://file:8080/ws" || c.UID != 7 || c.Netwatch || c.Timers.Interrupted != 3*time.Second {
		t.Errorf("got %+v", c)
	}
}

func TestParse_Defaults(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "/var/lib/edge-agent:/var/lib/other")
	t.Setenv("RUNTIME_DIRECTORY", "")
	tok := writeFile(t, "token", "et1.demo.lobby.1.9.sig\n")
	c, err := Parse(append(append([]string{}, base...), "--token-file", tok), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name      string
		got, want any
	}{
		{"token read from the file", c.Token, "et1.demo.lobby.1.9.sig"},
		{"state dir from systemd", c.StateDir, "/var/lib/edge-agent"},
		{"runtime dir", c.RuntimeDir, "/run/edge-agent"},
		{"prefix", c.MQTTPrefix, "edge"},
		{"media", c.Media, "test"},
		{"interrupted", c.Timers.Interrupted, 4 * time.Second},
		{"lost", c.Timers.Lost, 10 * time.Second},
		{"failed", c.Timers.Failed, 20 * time.Minute},
		{"retry", c.Timers.RetryAfterFailed, time.Minute},
	}
	for _, w := range want {
		if w.got != w.want {
			t.Errorf("%s = %v, want %v", w.name, w.got, w.want)
		}
	}
	if host, _ := os.Hostname(); c.DeviceID != host {
		t.Errorf("device id = %q, want the host name %q", c.DeviceID, host)
	}
}

func TestParse_NotConfigured(t *testing.T) {
	_, err := Parse([]string{"--config", writeFile(t, "agent.toml", "# nothing yet\n")}, io.Discard)
	if !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("err = %v, want ErrNotConfigured", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("server = \"ws://a:1/ws\"\napp-id = \"x\"\nchannel = \"c\"\nuid = 1\n")
	f.Add("uid = -1\nmedia = \"rtp://[::1]:5004\"\n")
	f.Add("interrupted-after = \"1h\"\n[table]\nx = 1\n")
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(t.TempDir(), "agent.toml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Parse([]string{"--config", p}, io.Discard)
		if err != nil {
			return
		}
		if c.UID == 0 || c.Server == "" || c.Timers.Lost <= c.Timers.Interrupted {
			t.Fatalf("accepted an invalid configuration: %+v", c)
		}
	})
}

func TestParse_UIDZeroInTheFile(t *testing.T) {
	file := writeFile(t, "agent.toml", "server = \"ws://a:1/ws\"\napp-id = \"demo\"\nchannel = \"c\"\nuid = 0\n")
	_, err := Parse([]string{"--config", file}, io.Discard)
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != "uid" || !strings.Contains(err.Error(), file) {
		t.Fatalf("err = %v, want it to name uid and the file", err)
	}
}
