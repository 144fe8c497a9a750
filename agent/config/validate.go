package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// nameRule is the channel server's rule for app ids and channel names.
var nameRule = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// deviceRule keeps device ids usable as one MQTT topic level.
var deviceRule = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// finish reads the token file and validates the whole configuration; set
// holds the keys given by a flag or the file.
func (c *Config) finish(set map[string]bool) error {
	if err := c.required(set); err != nil {
		return err
	}
	checks := []func() error{c.checkServer, c.checkNames, c.checkToken, c.checkMQTT, c.checkFiles,
		c.checkDirs, c.checkMedia, c.checkLogLevel, c.checkTimers}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// required reports the first missing setting the daemon cannot run without.
func (c *Config) required(set map[string]bool) error {
	for _, k := range []string{"server", "app-id", "channel", "uid"} {
		if !set[k] {
			return &KeyError{Key: k, Err: fmt.Errorf("%w: set it in %s or with --%s", ErrNotConfigured, DefaultPath, k)}
		}
	}
	return nil
}

func (c *Config) checkServer() error {
	return checkURL("server", c.Server, "ws", "wss")
}

// checkURL checks that raw is an absolute URL with a host and one of the
// schemes.
func checkURL(k, raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return keyErr(k, "not a URL: %q", raw)
	}
	if !slices.Contains(schemes, u.Scheme) {
		return keyErr(k, "%q: the scheme must be %s", raw, strings.Join(schemes, ":// or ")+"://")
	}
	if u.Host == "" {
		return keyErr(k, "%q has no host", raw)
	}
	return nil
}

func (c *Config) checkNames() error {
	switch {
	case !nameRule.MatchString(c.AppID):
		return keyErr("app-id", "%q: 1–64 characters of A–Z a–z 0–9 _ -", c.AppID)
	case !nameRule.MatchString(c.Channel):
		return keyErr("channel", "%q: 1–64 characters of A–Z a–z 0–9 _ -", c.Channel)
	case !deviceRule.MatchString(c.DeviceID):
		return keyErr("device-id", "%q: 1–64 characters of A–Z a–z 0–9 _ . -", c.DeviceID)
	}
	return nil
}

// checkToken reads the token file, if any.
func (c *Config) checkToken() error {
	if c.TokenFile == "" {
		return checkTokenText("token", c.Token)
	}
	if c.Token != "" {
		return keyErr("token-file", "token and token-file are exclusive: set one")
	}
	tok, err := ReadToken(c.TokenFile)
	if err != nil {
		return keyErr("token-file", "%v", err)
	}
	c.Token = tok
	return nil
}

// ReadToken reads a token file: the token, surrounding white space removed.
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return tok, checkTokenText("token", tok)
}

// checkTokenText applies the protocol's limits: printable ASCII, no spaces,
// at most 512 characters.
func checkTokenText(k, tok string) error {
	if len(tok) > 512 {
		return keyErr(k, "longer than 512 characters")
	}
	for _, r := range tok {
		if r <= ' ' || r > '~' {
			return keyErr(k, "holds a character that is not printable ASCII")
		}
	}
	return nil
}

func (c *Config) checkMQTT() error {
	if c.MQTT == "" {
		return nil
	}
	if err := checkURL("mqtt", c.MQTT, "tcp", "ssl", "ws", "wss"); err != nil {
		return err
	}
	p := c.MQTTPrefix
	if p == "" || strings.ContainsAny(p, "+#") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		return keyErr("mqtt-prefix", "%q: a topic without wildcards or empty levels", p)
	}
	if (c.MQTTCert == "") != (c.MQTTKey == "") {
		return keyErr("mqtt-cert", "mqtt-cert and mqtt-key go together")
	}
	return nil
}

// checkFiles checks that every file setting names a readable file.
func (c *Config) checkFiles() error {
	files := []struct{ key, path string }{
		{"mqtt-ca", c.MQTTCA}, {"mqtt-cert", c.MQTTCert}, {"mqtt-key", c.MQTTKey},
		{"mqtt-password-file", c.MQTTPasswordFile}, {"command-key-file", c.CommandKeyFile},
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		fh, err := os.Open(f.path)
		if err != nil {
			return keyErr(f.key, "%v", err)
		}
		fh.Close()
	}
	return nil
}

func (c *Config) checkDirs() error {
	if !filepath.IsAbs(c.StateDir) {
		return keyErr("state-dir", "%q is not an absolute path", c.StateDir)
	}
	if !filepath.IsAbs(c.RuntimeDir) {
		return keyErr("runtime-dir", "%q is not an absolute path", c.RuntimeDir)
	}
	return nil
}

func (c *Config) checkMedia() error {
	if c.Media != "test" && c.Media != "none" {
		if err := checkRTP("media", c.Media, "test, none or rtp://HOST:PORT"); err != nil {
			return err
		}
	}
	if c.Sink != "" {
		return checkRTP("sink", c.Sink, "rtp://HOST:PORT")
	}
	return nil
}

// checkRTP checks an rtp://HOST:PORT address.
func checkRTP(k, raw, want string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "rtp" || u.Path != "" || u.RawQuery != "" {
		return keyErr(k, "%q: want %s", raw, want)
	}
	if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
		return keyErr(k, "%q: want %s", raw, want)
	}
	return nil
}

func (c *Config) checkLogLevel() error {
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		return keyErr("log-level", "%q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// checkTimers checks the order of the timers and names the key at fault.
func (c *Config) checkTimers() error {
	t := c.Timers
	switch {
	case t.Lost <= t.Interrupted:
		return keyErr("lost-after", "%s must be longer than interrupted-after (%s)", t.Lost, t.Interrupted)
	case t.PeerOffline <= t.Lost:
		return keyErr("offline-after", "%s must be longer than lost-after (%s)", t.PeerOffline, t.Lost)
	}
	return nil
}
