// Package config reads the daemon's configuration: the TOML file
// /etc/edge-agent/agent.toml and the flags of the same names (SPEC §6.1). A
// flag wins over the file. Every value is validated before anything starts,
// and an error names the key.
package config

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/edge-agent/edge-agent/agent"
)

// DefaultPath is where the daemon looks for its configuration file.
const DefaultPath = "/etc/edge-agent/agent.toml"

// Config is the daemon's configuration.
type Config struct {
	Server    string // ws:// or wss:// URL of the channel server
	AppID     string
	Channel   string
	UID       uint32
	Token     string // from token or token-file
	TokenFile string // watched: a change renews the token
	DeviceID  string

	MQTT             string // tcp://, ssl://, ws:// or wss://; empty: no reporting
	MQTTPrefix       string
	MQTTCA           string
	MQTTCert         string
	MQTTKey          string
	MQTTUsername     string
	MQTTPasswordFile string
	CommandKeyFile   string
	InsecureCommands bool

	StateDir   string
	RuntimeDir string
	Media      string // test, none, or rtp://HOST:PORT
	Sink       string // rtp://HOST:PORT or empty
	Netwatch   bool
	// NetwatchPoll follows the network by polling instead of netlink
	// notifications.
	NetwatchPoll bool
	LogLevel     string

	Timers agent.Timers
}

// Defaults returns the configuration before the file and flags apply.
func Defaults() Config {
	host, _ := os.Hostname()
	return Config{
		DeviceID:   host,
		MQTTPrefix: "edge",
		StateDir:   envOr("STATE_DIRECTORY", "/var/lib/edge-agent"),
		RuntimeDir: envOr("RUNTIME_DIRECTORY", "/run/edge-agent"),
		Media:      "test",
		Netwatch:   true,
		LogLevel:   "info",
		Timers:     agent.DefaultTimers(),
	}
}

// envOr returns the first path of the environment variable name (systemd
// may list several, separated by colons), or def.
func envOr(name, def string) string {
	v := os.Getenv(name)
	for i := range len(v) {
		if v[i] == ':' {
			return v[:i]
		}
	}
	if v == "" {
		return def
	}
	return v
}

// KeyError is a configuration error that names its key.
type KeyError struct {
	Key string
	Err error
}

func (e *KeyError) Error() string { return fmt.Sprintf("%s: %v", e.Key, e.Err) }
func (e *KeyError) Unwrap() error { return e.Err }

func keyErr(key string, format string, args ...any) error {
	return &KeyError{Key: key, Err: fmt.Errorf(format, args...)}
}

// ErrNotConfigured says a setting the daemon cannot run without is missing
// (a fresh install): the daemon should wait and say what to configure rather
// than fail.
var ErrNotConfigured = errors.New("not configured")

// durationRange bounds each timer so that a typo (4ms, 4h) is caught.
var durationRange = map[string][2]time.Duration{
	"interrupted-after":  {100 * time.Millisecond, time.Minute},
	"lost-after":         {200 * time.Millisecond, 10 * time.Minute},
	"offline-after":      {time.Second, 30 * time.Minute},
	"failed-after":       {time.Second, 24 * time.Hour},
	"retry-after-failed": {time.Second, 24 * time.Hour},
}
