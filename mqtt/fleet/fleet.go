// Package fleet is `edge-agent fleet`: a live table of every device that
// reports under an MQTT prefix, for operators who have no console yet. It
// subscribes to {prefix}/+/status, state and events and redraws the table
// once a second.
package fleet

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/edge-agent/edge-agent/mqtt"
)

// Options configures Run. Broker is required.
type Options struct {
	// Broker is where the devices report.
	Broker mqtt.Broker
	// Prefix is the devices' topic prefix; default "edge".
	Prefix string
	// Out receives the table; default os.Stdout. On a terminal each frame
	// replaces the last (ANSI clear); elsewhere frames are appended as
	// plain blocks.
	Out io.Writer
	// Refresh is the redraw period; default 1 s.
	Refresh time.Duration
	// Logger receives connection trouble; default: discard.
	Logger *slog.Logger
}

// connectWait bounds the first connection: an operator wants to hear at
// once that the broker is wrong, not watch an empty table.
const connectWait = 10 * time.Second

// Run shows the table until ctx ends. It returns an error when the first
// connection fails; later losses are retried in the background while the
// table keeps its last knowledge.
func Run(ctx context.Context, o Options) error {
	o = o.withDefaults()
	t := newTable()
	c, err := connect(o, t)
	if err != nil {
		return err
	}
	defer c.Disconnect(250)
	term := isTerminal(o.Out)
	tick := time.NewTicker(o.Refresh)
	defer tick.Stop()
	for {
		if err := draw(o.Out, t.snapshot(), time.Now(), term, c.IsConnectionOpen()); err != nil {
			return fmt.Errorf("fleet: write table: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = "edge"
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Refresh <= 0 {
		o.Refresh = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "fleet")
	return o
}

// connect subscribes to the three topics of every device, again after
// each reconnect (paho's automatic reconnect is fine for a viewer).
func connect(o Options, t *table) (paho.Client, error) {
	opts, err := o.Broker.ClientOptions(fmt.Sprintf("edge-fleet-%d", time.Now().UnixNano()))
	if err != nil {
		return nil, err
	}
	filters := map[string]byte{o.Prefix + "/+/status": 1, o.Prefix + "/+/state": 1, o.Prefix + "/+/events": 1}
	handler := func(_ paho.Client, m paho.Message) { t.update(o.Prefix, m.Topic(), m.Payload(), time.Now()) }
	opts.SetAutoReconnect(true).SetConnectTimeout(connectWait).SetOnConnectHandler(func(c paho.Client) {
		// Runs on its own goroutine: waiting here blocks nobody.
		if tok := c.SubscribeMultiple(filters, handler); !tok.WaitTimeout(connectWait) || tok.Error() != nil {
			o.Logger.Warn("subscribe failed", "err", tok.Error())
		}
	})
	opts.SetConnectionLostHandler(func(_ paho.Client, err error) { o.Logger.Warn("broker connection lost", "err", err) })
	c := paho.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(connectWait + time.Second) {
		return nil, fmt.Errorf("fleet: connect %s: no answer in %s", o.Broker.URL, connectWait)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("fleet: connect %s: %w", o.Broker.URL, err)
	}
	return c, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
