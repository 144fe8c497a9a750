package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/mqtt"
)

// closeReporterTimeout bounds the reporter's goodbye: the leave's events and
// the offline status get this long to reach the broker.
const closeReporterTimeout = 3 * time.Second

// startReporter connects the fleet reporting, when an MQTT broker is
// configured; nil when it is not.
func (d *daemon) startReporter() (*mqtt.Reporter, error) {
	c := d.cfg
	if c.MQTT == "" {
		return nil, nil
	}
	var key []byte
	if c.CommandKeyFile != "" {
		k, err := mqtt.ReadCommandKey(c.CommandKeyFile)
		if err != nil {
			return nil, usageError{fmt.Errorf("command-key-file: %w", err)}
		}
		key = k
	}
	r, err := mqtt.Start(mqtt.Options{
		Broker: mqtt.Broker{URL: c.MQTT, CAFile: c.MQTTCA, CertFile: c.MQTTCert, KeyFile: c.MQTTKey,
			Username: c.MQTTUsername, PasswordFile: c.MQTTPasswordFile},
		Prefix: c.MQTTPrefix, Device: c.DeviceID, StateDir: c.StateDir, Version: version,
		Logger: d.log, OnCommand: d.command, CommandKey: key, InsecureCommands: c.InsecureCommands,
		Figures: d.figures,
	})
	if err != nil {
		return nil, fmt.Errorf("mqtt: %w", err)
	}
	return r, nil
}

// reporterObserver hands each callback and the state after it to the
// reporter, on the observer's own goroutine (never the agent's loop).
type reporterObserver struct {
	d *daemon
	r *mqtt.Reporter
}

// Observe implements agent.Observer.
func (o reporterObserver) Observe(u agent.Update) {
	ev, err := json.Marshal(u.Event.Document())
	if err == nil {
		err = o.r.Event(u.Event.At, ev)
	}
	if err != nil {
		o.d.log.Warn("event not reported", "event", u.Event.String(), "err", err)
	}
	o.d.publishState(o.r, u.Event.At, u.Status)
}

// publishState hands the reporter the state document of st.
func (d *daemon) publishState(r *mqtt.Reporter, at time.Time, st agent.Status) {
	doc, err := json.Marshal(d.stateDocOf(st))
	if err == nil {
		err = r.State(at, doc)
	}
	if err != nil {
		d.log.Warn("state not reported", "err", err)
	}
}

// figures are the agent's own telemetry figures.
func (d *daemon) figures() json.RawMessage {
	sent := d.sess.Sent()
	st := d.agent.Status()
	b, _ := json.Marshal(map[string]any{
		"state": st.State.String(), "peers": len(st.Peers),
		"silence_ms": time.Since(d.sess.LastData()).Milliseconds(),
		"media_sent": sent,
	})
	return b
}

// command carries out a console command that passed verification; its
// error is the reply's.
func (d *daemon) command(ctx context.Context, c mqtt.Command) error {
	in, err := d.commandInput(c)
	if err != nil || in == nil {
		return err
	}
	return d.agent.Do(ctx, in)
}

// commandInput turns a command into the agent's input; nil for a command
// that is not one (log-level).
func (d *daemon) commandInput(c mqtt.Command) (agent.Input, error) {
	switch c.Name {
	case mqtt.CmdJoin:
		var a mqtt.JoinArgs
		if err := json.Unmarshal(c.Args, &a); err != nil {
			return nil, err
		}
		tok := a.Token
		if tok == "" {
			tok = d.agent.Status().Token
		}
		return agent.JoinRequested{Channel: a.Channel, UID: a.UID, Token: tok}, nil
	case mqtt.CmdLeave:
		return agent.LeaveRequested{}, nil
	case mqtt.CmdRejoin:
		return agent.RejoinRequested{}, nil
	case mqtt.CmdRenewToken:
		var a mqtt.RenewTokenArgs
		if err := json.Unmarshal(c.Args, &a); err != nil {
			return nil, err
		}
		return agent.TokenChanged{Token: a.Token}, nil
	case mqtt.CmdLogLevel:
		var a mqtt.LogLevelArgs
		if err := json.Unmarshal(c.Args, &a); err != nil {
			return nil, err
		}
		var l slog.Level
		if err := l.UnmarshalText([]byte(a.Level)); err != nil {
			return nil, err
		}
		d.level.Set(l)
		d.log.Info("log level changed by the console", "level", l)
		return nil, nil
	}
	return nil, fmt.Errorf("unknown command %q", c.Name)
}
