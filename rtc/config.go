package rtc

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"
)

// DefaultAttemptTimeout bounds one attempt (join, resume, ICE restart). On a
// LAN a join takes milliseconds; a few seconds leave room for a slow server
// while letting the agent try again well before its 4 s INTERRUPTED and 10 s
// lost thresholds have passed twice.
const DefaultAttemptTimeout = 3 * time.Second

// Media sources accepted by Config.Media besides rtp://HOST:PORT.
const (
	MediaTest = "test"
	MediaNone = "none"
)

// Config configures a Session.
type Config struct {
	// Server is the channel server's signalling URL, ws:// or wss://. A URL
	// without a path gets /ws.
	Server string
	// AppID is the app the session joins under. A name the server would
	// refuse is refused by Join the same way (Refused, reason 6).
	AppID string
	// StateDir is where the resume state lives (StateFile); empty keeps no
	// state, so a restarted process joins afresh.
	StateDir string
	// Media is what the session publishes: MediaTest (the built-in clip,
	// looped), "rtp://HOST:PORT" (VP8 RTP from a local encoder, received on
	// that UDP address), or MediaNone / "" (nothing).
	Media string
	// Sink, when set ("rtp://HOST:PORT"), receives every RTP packet of the
	// other users' tracks over UDP, as it arrived: video to PORT, audio to
	// PORT+2 (the layout of an SDP file with two m-lines; see README.md).
	Sink string
	// ICE configures the ICE agent.
	ICE ICEConfig
	// AttemptTimeout bounds one attempt; zero means DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// Logger receives the session's logs (with component=rtc); nil discards
	// them.
	Logger *slog.Logger
	// Report receives the session's events, in order, on the session's own
	// goroutine: it must return quickly and must not call the Session's
	// blocking methods (Stop, Close). Nil drops them.
	Report func(Event)
	// OnPacket, when set, is called for every RTP packet received from
	// another user, on that track's reader goroutine: for tests and
	// monitoring. It must return quickly.
	OnPacket func(Packet)
}

// ICEConfig configures the session's ICE agent.
type ICEConfig struct {
	// Loopback gathers loopback candidates: for tests and one-machine demos.
	Loopback bool
	// Interfaces, when not empty, restricts gathering to these interfaces.
	Interfaces []string
	// UDPPortMin and UDPPortMax bound the local UDP ports; zero means any.
	UDPPortMin, UDPPortMax uint16
	// DisconnectedTimeout and FailedTimeout are pion's ICE timeouts; zero
	// means 3 s and 6 s: the agent's silence timers decide recovery, so ICE
	// only has to notice a dead path in about the time of INTERRUPTED (4 s).
	DisconnectedTimeout, FailedTimeout time.Duration
}

// mediaSpec is a parsed Config.Media or Config.Sink.
type mediaSpec struct {
	kind string // MediaTest, MediaNone or "rtp"
	addr string // HOST:PORT for "rtp"
}

// validate checks the configuration and fills in defaults.
func (c *Config) validate() error {
	if _, err := signalURL(c.Server); err != nil {
		return err
	}
	if _, err := parseMedia(c.Media); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if c.Sink != "" {
		if _, err := parseRTPURL(c.Sink); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
	}
	if c.AttemptTimeout < 0 {
		return errors.New("attempt timeout: must not be negative")
	}
	if c.ICE.UDPPortMin > c.ICE.UDPPortMax {
		return fmt.Errorf("udp ports %d-%d: min above max", c.ICE.UDPPortMin, c.ICE.UDPPortMax)
	}
	return nil
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.AttemptTimeout == 0 {
		d.AttemptTimeout = DefaultAttemptTimeout
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	d.Logger = d.Logger.With("component", "rtc")
	if d.Report == nil {
		d.Report = func(Event) {}
	}
	if d.ICE.DisconnectedTimeout == 0 {
		d.ICE.DisconnectedTimeout = 3 * time.Second
	}
	if d.ICE.FailedTimeout == 0 {
		d.ICE.FailedTimeout = 6 * time.Second
	}
	return d
}

// signalURL checks a server URL and returns it with the /ws path when it
// has none.
func signalURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("server %q: %w", s, err)
	}
	if (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return "", fmt.Errorf("server %q: want ws://HOST[:PORT][/PATH] or wss://…", s)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/ws"
	}
	return u.String(), nil
}

// parseMedia parses Config.Media.
func parseMedia(s string) (mediaSpec, error) {
	switch s {
	case "", MediaNone:
		return mediaSpec{kind: MediaNone}, nil
	case MediaTest:
		return mediaSpec{kind: MediaTest}, nil
	}
	addr, err := parseRTPURL(s)
	if err != nil {
		return mediaSpec{}, err
	}
	return mediaSpec{kind: "rtp", addr: addr}, nil
}

// parseRTPURL parses rtp://HOST:PORT and returns HOST:PORT.
func parseRTPURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "rtp" || u.Path != "" || u.RawQuery != "" {
		return "", fmt.Errorf("%q: want test, none or rtp://HOST:PORT", s)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", fmt.Errorf("%q: %w", s, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("%q: bad port %q", s, port)
	}
	return net.JoinHostPort(host, port), nil
}
