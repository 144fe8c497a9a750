package mqtt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
)

// Options configures a [Reporter]. Broker, Device and StateDir are
// required; every other field has a default.
type Options struct {
	// Broker says where the broker is and how to authenticate.
	Broker Broker
	// Prefix is the first level of every topic (SPEC §6.1 --mqtt-prefix);
	// default "edge". It may contain '/', never '+' or '#'.
	Prefix string
	// Device is the device id, the second level of every topic. It may not
	// contain '/', '+' or '#'.
	Device string
	// StateDir is the agent's state directory. The reporter keeps its files
	// in StateDir/mqtt (outbox, ack offset, conn_seq, seen command ids) and
	// holds a lock there: two reporters on one directory are refused.
	StateDir string
	// Version is the agent's version, published in status.
	Version string
	// ClientID is the MQTT client id; default "edge-agent-" + Device.
	ClientID string
	// Logger receives the reporter's logs, with component=mqtt; default:
	// discard.
	Logger *slog.Logger

	// OnCommand is called for every command that passed verification, once,
	// on the reporter's command goroutine (commands run one at a time, in
	// arrival order). Its error becomes the reply's "error". ctx ends after
	// CommandTimeout or when the reporter closes. Nil: no subscription to
	// cmd/+ at all.
	OnCommand func(ctx context.Context, cmd Command) error
	// CommandKey is the device's HMAC-SHA256 command key (see
	// ReadCommandKey). Empty, with InsecureCommands false: every command is
	// refused.
	CommandKey []byte
	// InsecureCommands accepts commands without a signature. It is the only
	// way to switch signing off. Staleness and replay checks still apply.
	InsecureCommands bool
	// CommandMaxSkew is how far a command's ts may be from the device's
	// clock, either way; default 60 s. It is also how long an id is
	// remembered to refuse replays.
	CommandMaxSkew time.Duration
	// CommandTimeout bounds one OnCommand call; default 10 s.
	CommandTimeout time.Duration

	// OutboxMaxBytes bounds the outbox file; default 16 MiB, minimum 1 MiB.
	OutboxMaxBytes int64
	// OutboxMaxEvents bounds the number of events kept; default 65 536,
	// minimum 64.
	OutboxMaxEvents int
	// Window is how many events may await their PUBACK at once; default 16.
	Window int

	// TelemetryInterval is the period of the telemetry topic; default 10 s;
	// negative: no periodic telemetry.
	TelemetryInterval time.Duration
	// Figures, when set, returns a JSON object of the agent's own figures
	// (RTT, bitrates, loss...) to merge into each periodic telemetry
	// message. It is called on the reporter's goroutine and must be quick.
	// The keys "ts" and "process" are the reporter's.
	Figures func() json.RawMessage

	// KeepAlive is the MQTT keep-alive; default 15 s, so a half-open
	// connection is noticed within about 1.5 × KeepAlive.
	KeepAlive time.Duration
	// ConnectTimeout bounds one connect attempt (dial, TLS, CONNACK,
	// SUBACK); default 10 s.
	ConnectTimeout time.Duration
	// WriteTimeout bounds one write to the broker; a broker that cannot
	// take a packet for that long is treated as gone; default 5 s.
	WriteTimeout time.Duration
	// Backoff returns the wait before connect attempt n (n >= 1 after a
	// failure); default 250 ms doubling to 5 s, ±20 % jitter.
	Backoff func(attempt int) time.Duration
}

// Defaults, each with its reason.
const (
	// defaultPrefix is SPEC §6.1's --mqtt-prefix default.
	defaultPrefix = "edge"
	// defaultMaxSkew: consoles and devices run NTP; a minute covers a
	// badly synchronised clock without keeping a replay window open long.
	defaultMaxSkew = 60 * time.Second
	// defaultCommandTimeout: a join or rejoin answers within seconds.
	defaultCommandTimeout = 10 * time.Second
	// defaultOutboxBytes: 16 MiB holds ~80 000 typical 200-byte events,
	// days of callbacks of a flapping link, and is small for any SD card.
	defaultOutboxBytes = 16 << 20
	// defaultOutboxEvents bounds the in-memory index (≈32 B per event).
	defaultOutboxEvents = 65536
	// defaultWindow: enough in flight to fill a loopback or LAN round trip
	// (replay runs at thousands of events/s) while a reconnect re-sends at
	// most 16 duplicates.
	defaultWindow = 16
	// defaultTelemetry: telemetry is a trend, not an alarm.
	defaultTelemetry = 10 * time.Second
	// defaultKeepAlive: the broker fires the will 1.5 × keep-alive after a
	// silent death (power loss); 15 s keeps that under the peers' 20 s.
	defaultKeepAlive = 15 * time.Second
	// defaultConnectTimeout: a LAN or mobile handshake with TLS fits well.
	defaultConnectTimeout = 10 * time.Second
	// defaultWriteTimeout: a write that cannot leave in 5 s means the path
	// is dead; reconnecting is better than waiting.
	defaultWriteTimeout = 5 * time.Second
)

// withDefaults returns o with every zero field set to its default, or an
// error naming the first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.Prefix == "" {
		o.Prefix = defaultPrefix
	}
	if err := checkNames(o.Prefix, o.Device); err != nil {
		return o, err
	}
	if o.StateDir == "" {
		return o, errors.New("mqtt options: StateDir is required")
	}
	if o.Broker.URL == "" {
		return o, errors.New("mqtt options: Broker.URL is required")
	}
	if o.ClientID == "" {
		o.ClientID = "edge-agent-" + o.Device
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "mqtt")
	o.setDurations()
	o.setLimits()
	return o, nil
}

func (o *Options) setDurations() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.CommandMaxSkew, defaultMaxSkew)
	def(&o.CommandTimeout, defaultCommandTimeout)
	def(&o.TelemetryInterval, defaultTelemetry)
	def(&o.KeepAlive, defaultKeepAlive)
	def(&o.ConnectTimeout, defaultConnectTimeout)
	def(&o.WriteTimeout, defaultWriteTimeout)
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
}

func (o *Options) setLimits() {
	if o.OutboxMaxBytes == 0 {
		o.OutboxMaxBytes = defaultOutboxBytes
	}
	o.OutboxMaxBytes = max(o.OutboxMaxBytes, 1<<20)
	if o.OutboxMaxEvents == 0 {
		o.OutboxMaxEvents = defaultOutboxEvents
	}
	o.OutboxMaxEvents = max(o.OutboxMaxEvents, 64)
	if o.Window <= 0 {
		o.Window = defaultWindow
	}
}

// checkNames refuses a prefix or device that would break the topic tree.
func checkNames(prefix, device string) error {
	if strings.ContainsAny(prefix, "+#\x00") || strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("mqtt options: Prefix %q: no '+', '#', NUL or leading/trailing '/'", prefix)
	}
	if device == "" || strings.ContainsAny(device, "/+#\x00\n") {
		return fmt.Errorf("mqtt options: Device %q: required, without '/', '+', '#'", device)
	}
	return nil
}

// DefaultBackoff waits 250 ms before the first retry, doubling up to 5 s,
// with ±20 % jitter so a fleet that lost its broker together does not
// reconnect in lockstep. 5 s keeps the console's view at most a few seconds
// behind a broker's return.
func DefaultBackoff(attempt int) time.Duration {
	d := 250 * time.Millisecond
	for i := 1; i < attempt && d < 5*time.Second; i++ {
		d *= 2
	}
	d = min(d, 5*time.Second)
	jitter := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
	return d + jitter
}
