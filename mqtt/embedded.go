package mqtt

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// StartEmbeddedBroker runs an in-process MQTT broker on addr (host:port;
// port 0 picks a free one) for `edge-agent demo`. It accepts anonymous
// clients, keeps retained messages in memory and nothing on disk: it is a
// demo broker, not a fleet's. It returns the tcp:// URL clients use and a
// stop function (idempotent); cancelling ctx stops it too. log may be nil.
func StartEmbeddedBroker(ctx context.Context, addr string, log *slog.Logger) (url string, stop func(), err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// mochi logs every client disconnect as a warning; keep its errors.
	log = slog.New(errorsOnly{log.Handler()}).With("component", "mqtt", "broker", "embedded")
	srv := mochi.New(&mochi.Options{Logger: log})
	if err := srv.AddHook(new(allowAll), nil); err != nil {
		return "", nil, fmt.Errorf("embedded broker: %w", err)
	}
	tcp := listeners.NewTCP(listeners.Config{Type: "tcp", ID: "tcp", Address: addr})
	if err := srv.AddListener(tcp); err != nil {
		return "", nil, fmt.Errorf("embedded broker listen %s: %w", addr, err)
	}
	if err := srv.Serve(); err != nil {
		_ = srv.Close()
		return "", nil, fmt.Errorf("embedded broker: %w", err)
	}
	stopped := make(chan struct{})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(stopped)
			_ = srv.Close()
		})
	}
	go func() {
		select {
		case <-ctx.Done():
			stop()
		case <-stopped:
		}
	}()
	return "tcp://" + tcp.Address(), stop, nil
}

// allowAll lets every client connect, publish and subscribe. (mochi's own
// auth hooks package would pull a YAML library in for nothing.)
type allowAll struct{ mochi.HookBase }

// ID names the hook.
func (*allowAll) ID() string { return "edge-agent-allow-all" }

// Provides says which hook methods allowAll implements.
func (*allowAll) Provides(b byte) bool {
	return b == mochi.OnConnectAuthenticate || b == mochi.OnACLCheck
}

// OnConnectAuthenticate accepts every client.
func (*allowAll) OnConnectAuthenticate(*mochi.Client, packets.Packet) bool { return true }

// OnACLCheck allows every topic.
func (*allowAll) OnACLCheck(*mochi.Client, string, bool) bool { return true }

// errorsOnly passes on records at level Error and above.
type errorsOnly struct{ slog.Handler }

// Enabled is true for errors only.
func (h errorsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && h.Handler.Enabled(ctx, l)
}

// WithAttrs keeps the filter on derived handlers.
func (h errorsOnly) WithAttrs(a []slog.Attr) slog.Handler { return errorsOnly{h.Handler.WithAttrs(a)} }

// WithGroup keeps the filter on derived handlers.
func (h errorsOnly) WithGroup(n string) slog.Handler { return errorsOnly{h.Handler.WithGroup(n)} }
