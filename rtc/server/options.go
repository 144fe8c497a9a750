package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// Defaults, from SPEC §2–§4 and §6.2 unless said otherwise.
const (
	DefaultOfflineAfter    = 20 * time.Second
	DefaultWebOfflineAfter = 10 * time.Second
	DefaultDestroyAfter    = 10 * time.Second
	DefaultHeartbeat       = 500 * time.Millisecond
	// DefaultTokenWarning is how long before expiry token-will-expire is
	// sent: Agora's onTokenPrivilegeWillExpire fires 30 s ahead.
	DefaultTokenWarning = 30 * time.Second
	// DefaultMaxUsers bounds a channel: each user's media is forwarded to
	// every other, so the cost grows with the square of this number.
	DefaultMaxUsers = 32
	// DefaultJoinRate and DefaultJoinBurst bound joins per client IP: a
	// kiosk rejoining after a restart needs one, a building of kiosks behind
	// one NAT rebooting together needs a burst.
	DefaultJoinRate  = 5
	DefaultJoinBurst = 20
	// DefaultJoinTimeout closes a connection that has not joined by then, so
	// idle sockets cannot pile up.
	DefaultJoinTimeout = 10 * time.Second
	// maxHeartbeat is SPEC's promise: a heartbeat at least every 500 ms.
	maxHeartbeat = 500 * time.Millisecond
)

// Options configure a Server. Zero values mean the defaults above.
type Options struct {
	// Apps maps app ids to token secrets. Exactly one of Apps and Insecure
	// must be set.
	Apps signal.AppSecrets
	// Insecure accepts any token (and none): for demos and tests.
	Insecure bool

	// OfflineAfter is the silence after which native peers are told
	// DROPPED and the session ends (--offline-after).
	OfflineAfter time.Duration
	// WebOfflineAfter is the silence after which web peers are told DROPPED
	// (--web-offline-after).
	WebOfflineAfter time.Duration
	// DestroyAfter is how long an empty channel survives (--destroy-after).
	DestroyAfter time.Duration
	// Heartbeat is the longest gap between two server messages; at most
	// 500 ms (--heartbeat).
	Heartbeat time.Duration
	// TokenWarning is how long before expiry token-will-expire is sent.
	TokenWarning time.Duration
	// JoinTimeout closes connections that have not joined by then.
	JoinTimeout time.Duration

	// MaxUsers bounds the users of one channel; a join beyond it is refused
	// with REJECTED_BY_SERVER.
	MaxUsers int
	// JoinRate (joins per second) and JoinBurst bound joins per client IP.
	JoinRate  float64
	JoinBurst int

	// AdminToken, when set, enables POST
	// /api/v1/channels/{channel}/users/{uid}/kick with the header
	// "Authorization: Bearer <AdminToken>".
	AdminToken string

	// ICE configures media transport.
	ICE ICEOptions
	// SignallingOnly disables media: no PeerConnections and no offers. For
	// tests of presence and signalling (under testing/synctest).
	SignallingOnly bool

	// Page, when set, serves every path the server does not, "/" included:
	// the web page.
	Page http.Handler
	// CheckOrigin decides whether a WebSocket upgrade from a browser is
	// allowed; nil allows clients without an Origin header and same-origin
	// pages (gorilla/websocket's default).
	CheckOrigin func(*http.Request) bool
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// ICEOptions configure the server's ICE agent.
type ICEOptions struct {
	// UDPPortMin and UDPPortMax bound the UDP ports used for media; zero
	// means any ephemeral port.
	UDPPortMin, UDPPortMax uint16
	// PublicIPs are announced instead of the host's addresses, for a server
	// behind a 1:1 NAT (--public-ip).
	PublicIPs []string
	// Loopback gathers loopback candidates: for tests and one-machine demos.
	Loopback bool
	// Interfaces, when not empty, restricts gathering to these interfaces.
	Interfaces []string
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.OfflineAfter, DefaultOfflineAfter)
	def(&o.WebOfflineAfter, DefaultWebOfflineAfter)
	def(&o.DestroyAfter, DefaultDestroyAfter)
	def(&o.Heartbeat, DefaultHeartbeat)
	def(&o.TokenWarning, DefaultTokenWarning)
	def(&o.JoinTimeout, DefaultJoinTimeout)
	if o.MaxUsers == 0 {
		o.MaxUsers = DefaultMaxUsers
	}
	if o.JoinRate == 0 {
		o.JoinRate = DefaultJoinRate
	}
	if o.JoinBurst == 0 {
		o.JoinBurst = DefaultJoinBurst
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// validate reports the first bad option, naming it as the flag does.
func (o Options) validate() error {
	switch {
	case o.Insecure && o.Apps != nil:
		return errors.New("apps and insecure: choose one")
	case !o.Insecure && o.Apps == nil:
		return errors.New("apps: no apps configured (or set insecure)")
	case o.OfflineAfter < 0, o.WebOfflineAfter < 0, o.DestroyAfter < 0, o.TokenWarning < 0, o.JoinTimeout < 0:
		return errors.New("durations must not be negative")
	case o.Heartbeat < 0 || o.Heartbeat > maxHeartbeat:
		return fmt.Errorf("heartbeat %v: must be at most %v", o.Heartbeat, maxHeartbeat)
	case o.Heartbeat >= o.WebOfflineAfter || o.Heartbeat >= o.OfflineAfter:
		return fmt.Errorf("heartbeat %v: must be shorter than the offline limits", o.Heartbeat)
	case o.MaxUsers < 0 || o.JoinRate < 0 || o.JoinBurst < 0:
		return errors.New("limits must not be negative")
	case o.ICE.UDPPortMin > o.ICE.UDPPortMax:
		return fmt.Errorf("udp ports %d-%d: min above max", o.ICE.UDPPortMin, o.ICE.UDPPortMax)
	}
	for id, secret := range o.Apps {
		if err := checkApp(id, secret); err != nil {
			return err
		}
	}
	return nil
}

func checkApp(id, secret string) error {
	if !signal.ValidName(id) {
		return fmt.Errorf("app id %q: must be 1-%d characters of [A-Za-z0-9_-]", id, signal.MaxNameLen)
	}
	if len(secret) < signal.MinSecretLen {
		return fmt.Errorf("app %q: secret must be at least %d bytes", id, signal.MinSecretLen)
	}
	return nil
}
