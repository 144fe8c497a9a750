package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// key is one setting: a TOML key and a flag of the same name.
type key struct {
	name    string
	usage   string
	boolean bool
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

func str(name, usage string, field func(c *Config) *string) key {
	return key{name: name, usage: usage,
		set: func(c *Config, v string) error { *field(c) = v; return nil },
		get: func(c *Config) string { return *field(c) }}
}

func boolean(name, usage string, field func(c *Config) *bool) key {
	return key{name: name, usage: usage, boolean: true,
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("not a boolean: %q", v)
			}
			*field(c) = b
			return nil
		},
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) }}
}

func duration(name, usage string, field func(c *Config) *time.Duration) key {
	return key{name: name, usage: usage,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("not a duration (like 4s or 20m): %q", v)
			}
			r := durationRange[name]
			if d < r[0] || d > r[1] {
				return fmt.Errorf("%s is out of range [%s, %s]", d, r[0], r[1])
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return field(c).String() }}
}

func uid() key {
	return key{name: "uid", usage: "this device's uid in the channel (1…4294967295)",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
			if err != nil {
				return fmt.Errorf("not a uid (1…4294967295): %q", v)
			}
			if n == 0 {
				return fmt.Errorf("must not be 0 (0 is not a valid uid)")
			}
			c.UID = uint32(n)
			return nil
		},
		get: func(c *Config) string { return strconv.FormatUint(uint64(c.UID), 10) }}
}

// keys lists every setting, in the order the help shows them.
var keys = []key{
	str("server", "channel server URL (ws:// or wss://)", func(c *Config) *string { return &c.Server }),
	str("app-id", "app id on the channel server", func(c *Config) *string { return &c.AppID }),
	str("channel", "channel to join", func(c *Config) *string { return &c.Channel }),
	uid(),
	str("token", "join token (or token-file)", func(c *Config) *string { return &c.Token }),
	str("token-file", "file holding the join token; a change renews it", func(c *Config) *string { return &c.TokenFile }),
	str("device-id", "device id in MQTT topics (default: the host name)", func(c *Config) *string { return &c.DeviceID }),
	str("mqtt", "MQTT broker URL (tcp://, ssl://, ws://, wss://); empty: no reporting", func(c *Config) *string { return &c.MQTT }),
	str("mqtt-prefix", "MQTT topic prefix", func(c *Config) *string { return &c.MQTTPrefix }),
	str("mqtt-ca", "CA certificate file for ssl:// and wss://", func(c *Config) *string { return &c.MQTTCA }),
	str("mqtt-cert", "client certificate file", func(c *Config) *string { return &c.MQTTCert }),
	str("mqtt-key", "client key file", func(c *Config) *string { return &c.MQTTKey }),
	str("mqtt-username", "MQTT user name", func(c *Config) *string { return &c.MQTTUsername }),
	str("mqtt-password-file", "file holding the MQTT password", func(c *Config) *string { return &c.MQTTPasswordFile }),
	str("command-key-file", "file holding the key that signs console commands", func(c *Config) *string { return &c.CommandKeyFile }),
	boolean("insecure-commands", "accept unsigned console commands (never in production)", func(c *Config) *bool { return &c.InsecureCommands }),
	str("state-dir", "state directory (default $STATE_DIRECTORY, else /var/lib/edge-agent)", func(c *Config) *string { return &c.StateDir }),
	str("runtime-dir", "runtime directory for the control socket (default $RUNTIME_DIRECTORY, else /run/edge-agent)", func(c *Config) *string { return &c.RuntimeDir }),
	str("media", "what to publish: test, none, or rtp://HOST:PORT", func(c *Config) *string { return &c.Media }),
	str("sink", "where received media goes: rtp://HOST:PORT", func(c *Config) *string { return &c.Sink }),
	boolean("netwatch", "follow the kernel's view of links, addresses and routes", func(c *Config) *bool { return &c.Netwatch }),
	boolean("netwatch-poll", "poll the network every second instead of following netlink notifications (hosts whose netlink subscriptions misbehave)", func(c *Config) *bool { return &c.NetwatchPoll }),
	str("log-level", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
	duration("interrupted-after", "silence before RECONNECTING(INTERRUPTED)", func(c *Config) *time.Duration { return &c.Timers.Interrupted }),
	duration("lost-after", "silence before onConnectionLost", func(c *Config) *time.Duration { return &c.Timers.Lost }),
	duration("offline-after", "the peers' window (the server's --offline-after)", func(c *Config) *time.Duration { return &c.Timers.PeerOffline }),
	duration("failed-after", "time after the peers' window before FAILED(JOIN_FAILED)", func(c *Config) *time.Duration { return &c.Timers.Failed }),
	duration("retry-after-failed", "wait in FAILED before joining again", func(c *Config) *time.Duration { return &c.Timers.RetryAfterFailed }),
}

// value adapts a key to flag.Value. The flag package flattens Set's error
// into text; failed keeps it, so that Parse can return the KeyError.
type value struct {
	k      *key
	c      *Config
	failed *error
}

func (v value) String() string {
	if v.k == nil {
		return ""
	}
	return v.k.get(v.c)
}
func (v value) Set(s string) error {
	err := v.k.set(v.c, s)
	if err != nil && *v.failed == nil {
		*v.failed = &KeyError{Key: v.k.name, Err: err}
	}
	return err
}
func (v value) IsBoolFlag() bool { return v.k != nil && v.k.boolean }
