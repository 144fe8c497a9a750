package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/agent/config"
	"github.com/edge-agent/edge-agent/mqtt"
	"github.com/edge-agent/edge-agent/rtc/server"
	"github.com/edge-agent/edge-agent/rtc/server/web"
)

// demoFlags are edge-agent demo's settings: everything else is embedded.
type demoFlags struct {
	listen, mqttListen, channel, stateDir, logLevel string
	uid                                             uint
}

// demo runs everything on one machine: a channel server with the web page,
// and an agent publishing the test clip. It prints the viewer's URL and the
// agent's callbacks as they happen, and leaves on Ctrl-C.
func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseDemoFlags(args)
	if err != nil {
		return err
	}
	log, level := newLogger(f.logLevel, stderr)
	ln, stopServer, err := startDemoServer(f.listen, log)
	if err != nil {
		return err
	}
	defer stopServer()
	brokerURL, stopBroker, err := mqtt.StartEmbeddedBroker(ctx, f.mqttListen, log)
	if err != nil {
		return fmt.Errorf("embedded MQTT broker: %w", err)
	}
	defer stopBroker()
	cfg, err := demoConfig(f, ln.Addr().(*net.TCPAddr).Port, brokerURL)
	if err != nil {
		return err
	}
	printer := &eventPrinter{w: stdout}
	d, err := newDaemon(cfg, log, daemonOptions{observers: []agent.Observer{printer}, iceLoopback: true, level: level})
	if err != nil {
		return err
	}
	printDemoBanner(stdout, ln.Addr().(*net.TCPAddr).Port, cfg)
	return d.run(ctx)
}

func parseDemoFlags(args []string) (demoFlags, error) {
	var f demoFlags
	fs := flag.NewFlagSet("edge-agent demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.listen, "listen", ":8080", "channel server's HTTP address (web page, signalling)")
	fs.StringVar(&f.mqttListen, "mqtt-listen", "127.0.0.1:0", "embedded MQTT broker's address (default: a free port)")
	fs.StringVar(&f.channel, "channel", "demo", "channel the agent joins")
	fs.UintVar(&f.uid, "uid", 1, "the agent's uid")
	fs.StringVar(&f.stateDir, "state-dir", "", "the agent's state directory (default: a new temporary one)")
	fs.StringVar(&f.logLevel, "log-level", "error", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fs.PrintDefaults()
		}
		return f, usageError{err}
	}
	return f, nil
}

// startDemoServer serves the channel server, tokens off, on addr.
func startDemoServer(addr string, log *slog.Logger) (net.Listener, func(), error) {
	srv, err := server.New(server.Options{Insecure: true, Page: web.Handler(), Logger: log,
		ICE: server.ICEOptions{Loopback: true}})
	if err != nil {
		return nil, nil, fmt.Errorf("channel server: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && addr == ":8080" {
		ln, err = net.Listen("tcp", ":0") // The default is taken: any free port will do.
	}
	if err != nil {
		srv.Close()
		return nil, nil, usageError{fmt.Errorf("listen: %w", err)}
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	return ln, func() { hs.Close(); srv.Close() }, nil
}

// demoConfig is the agent's configuration for the demo, validated like any.
func demoConfig(f demoFlags, port int, brokerURL string) (config.Config, error) {
	state := f.stateDir
	if state == "" {
		dir, err := os.MkdirTemp("", "edge-agent-demo-")
		if err != nil {
			return config.Config{}, err
		}
		state = dir
	}
	args := []string{
		"--config", os.DevNull,
		"--server", fmt.Sprintf("ws://127.0.0.1:%d/ws", port),
		"--app-id", "demo", "--channel", f.channel, "--uid", fmt.Sprint(f.uid),
		"--media", "test", "--state-dir", state, "--runtime-dir", state + "/run",
		"--log-level", f.logLevel,
		"--mqtt", brokerURL, "--insecure-commands", "--device-id", "demo-device",
	}
	cfg, err := config.Parse(args, io.Discard)
	if err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

func printDemoBanner(w io.Writer, port int, cfg config.Config) {
	fmt.Fprintf(w, "edge-agent demo %s\n", version)
	fmt.Fprintf(w, "  viewer:   http://127.0.0.1:%d/?channel=%s (or this machine's address)\n", port, cfg.Channel)
	fmt.Fprintf(w, "  channels: http://127.0.0.1:%d/api/v1/channels\n", port)
	fmt.Fprintf(w, "  status:   edge-agent status --runtime-dir %s\n", cfg.RuntimeDir)
	fmt.Fprintf(w, "  mqtt:     %s, topics %s/%s/# (edge-agent fleet --mqtt %s)\n", cfg.MQTT, cfg.MQTTPrefix, cfg.DeviceID, cfg.MQTT)
	fmt.Fprintf(w, "  agent uid %d in channel %q publishing the test clip; Ctrl-C leaves\n\n", cfg.UID, cfg.Channel)
}

// eventPrinter prints each callback as the SDK would name it.
type eventPrinter struct {
	mu sync.Mutex
	w  io.Writer
}

// Observe implements agent.Observer.
func (p *eventPrinter) Observe(u agent.Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%s  %s\n", u.Event.At.Format("15:04:05.000"), u.Event)
}
