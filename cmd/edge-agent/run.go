package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/agent/config"
	"github.com/edge-agent/edge-agent/mqtt"
	"github.com/edge-agent/edge-agent/rtc"
)

// leaveTimeout bounds the leave on SIGTERM: peers are told at once when the
// server is reachable; when it is not, they learn by silence anyway.
const leaveTimeout = 3 * time.Second

// run is the daemon: configuration, then the agent until a signal.
// SIGTERM and SIGINT leave the channel (peers see QUIT) and exit 0.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := config.Parse(args, stderr)
	if err != nil && os.Getenv("NOTIFY_SOCKET") == "" {
		return usageError{err}
	}
	if err != nil {
		// Under systemd an exit would be restarted ten times a second: wait
		// for a configuration that works instead, saying what is wrong.
		if cfg, err = waitForConfig(ctx, args, err, stderr); err != nil {
			return err
		}
	}
	log, level := newLogger(cfg.LogLevel, stderr)
	d, err := newDaemon(cfg, log, daemonOptions{level: level})
	if err != nil {
		return err
	}
	return d.run(ctx)
}

// daemonOptions are what the demo changes beyond the configuration.
type daemonOptions struct {
	// observers receive every callback besides the daemon's own.
	observers []agent.Observer
	// iceLoopback offers loopback candidates: everything on one machine.
	iceLoopback bool
	// level is the logger's level, which the console may change.
	level *slog.LevelVar
}

// newLogger returns the daemon's logger: text on stderr, which journald
// stamps and keeps; the level can change while it runs (console command).
func newLogger(level string, w io.Writer) (*slog.Logger, *slog.LevelVar) {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // Validated by config.
	v := new(slog.LevelVar)
	v.Set(l)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: v})), v
}

// daemon is the running agent with everything wired to it.
type daemon struct {
	cfg      config.Config
	log      *slog.Logger
	agent    *agent.Agent
	sess     *rtc.Session
	notify   *notifier
	reporter *mqtt.Reporter
	level    *slog.LevelVar
}

func newDaemon(cfg config.Config, log *slog.Logger, opts daemonOptions) (*daemon, error) {
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	d := &daemon{cfg: cfg, log: log, notify: newNotifier(log), level: opts.level}
	if d.level == nil {
		d.level = new(slog.LevelVar)
	}
	sess, err := newSession(cfg, log, opts.iceLoopback, func(in agent.Input) { d.agent.Post(in) })
	if err != nil {
		return nil, err
	}
	d.sess = sess
	if d.reporter, err = d.startReporter(); err != nil {
		sess.Close()
		return nil, err
	}
	observers := append([]agent.Observer{d.notify}, opts.observers...)
	if d.reporter != nil {
		observers = append(observers, reporterObserver{d: d, r: d.reporter})
	}
	d.agent = agent.New(agent.Options{
		Machine:   agent.NewMachine(cfg.Timers, nil),
		Session:   agent.RTCSession{S: sess},
		Join:      &agent.JoinRequested{Channel: cfg.Channel, UID: cfg.UID, Token: cfg.Token},
		Observers: observers,
		Logger:    log,
		Tick:      d.notify.tick,
		TickEvery: d.notify.tickEvery(),
	})
	return d, nil
}

// stateDoc returns the current state document.
func (d *daemon) stateDoc() any { return d.stateDocOf(d.agent.Status()) }

// stateDocOf returns the state document of st, with the links as they are.
func (d *daemon) stateDocOf(st agent.Status) stateDoc {
	return stateDoc{Device: d.cfg.DeviceID, Version: version, StatusDoc: st.Document(), Links: linksDoc(d.agent.Links())}
}

// run runs the agent until ctx ends (a signal), then leaves.
func (d *daemon) run(ctx context.Context) error {
	ctl, err := listenControl(d.cfg.RuntimeDir, d.stateDoc, d.log)
	if err != nil {
		return err
	}
	defer ctl.close()
	defer d.sess.Close()
	if d.reporter != nil {
		defer d.closeReporter()
		d.publishState(d.reporter, time.Now(), d.agent.Status())
	}
	loop, stop := context.WithCancel(context.Background())
	defer stop()
	ended := make(chan error, 1)
	go func() { ended <- d.agent.Run(loop) }()
	// Ready: configured, listening and joining. The network monitor starts
	// after, as it may wait for the server's name to resolve.
	d.notify.ready()
	if d.cfg.Netwatch {
		defer startNetwatch(d.agent, d.cfg.Server, d.cfg.NetwatchPoll, d.log)()
	}
	if d.cfg.TokenFile != "" {
		go watchToken(loop, d.cfg.TokenFile, d.cfg.Token, d.agent, d.log)
	}
	select {
	case err := <-ended:
		return err
	case <-ctx.Done():
	}
	d.notify.stopping()
	d.stop()
	stop()
	return <-ended
}

// stop ends the daemon on SIGTERM or SIGINT: a stop leaves the channel
// (peers see QUIT); a restart systemd has queued hands over instead, like a
// kill that comes back at once (peers see nothing, SPEC §3).
func (d *daemon) stop() {
	restart, err := restartQueued(context.Background())
	if err != nil {
		d.log.Warn("cannot tell a restart from a stop; leaving", "err", err)
	}
	if restart {
		d.log.Info("stopping for a restart: keeping the session", "job", "restart", "action", "handover")
		d.notify.send("STATUS=restarting: session kept")
		return
	}
	d.log.Info("stopping: leaving the channel", "action", "leave")
	leave, cancel := context.WithTimeout(context.Background(), leaveTimeout)
	defer cancel()
	if err := d.agent.Do(leave, agent.LeaveRequested{}); err != nil {
		d.log.Warn("leave did not complete", "err", err)
	}
}

// closeReporter delivers what it can and says offline, cleanly.
func (d *daemon) closeReporter() {
	ctx, cancel := context.WithTimeout(context.Background(), closeReporterTimeout)
	defer cancel()
	if err := d.reporter.Close(ctx); err != nil {
		d.log.Warn("mqtt close", "err", err)
	}
}
