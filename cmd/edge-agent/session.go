package main

import (
	"errors"
	"log/slog"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/agent/config"
)

// newSession returns the session the agent drives.
func newSession(_ config.Config, _ *slog.Logger, post func(agent.Input)) agent.Session {
	return noSession{post: post}
}

// noSession stands in until the RTC session lands: every attempt fails, so
// the daemon runs the timeline of a server it cannot reach.
type noSession struct{ post func(agent.Input) }

var errNoSession = errors.New("no RTC session in this build")

func (s noSession) Join(agent.StartJoin)      { go s.post(agent.AttemptFailed{Err: errNoSession}) }
func (s noSession) Reconnect(agent.Reconnect) { go s.post(agent.AttemptFailed{Err: errNoSession}) }
func (noSession) Stop(agent.StopSession)      {}
func (noSession) RenewToken(string)           {}
func (noSession) LastData() time.Time         { return time.Time{} }
