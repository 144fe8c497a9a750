package main

import (
	"fmt"
	"log/slog"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/agent/config"
	"github.com/edge-agent/edge-agent/rtc"
)

// newSession returns the RTC session the agent drives; what it reports is
// posted to the agent.
func newSession(cfg config.Config, log *slog.Logger, loopback bool, post func(agent.Input)) (*rtc.Session, error) {
	s, err := rtc.New(rtc.Config{
		Server:   cfg.Server,
		AppID:    cfg.AppID,
		StateDir: cfg.StateDir,
		Media:    cfg.Media,
		Sink:     cfg.Sink,
		ICE:      rtc.ICEConfig{Loopback: loopback},
		Logger:   log,
		Report: func(e rtc.Event) {
			if in := agent.RTCInput(e); in != nil {
				post(in)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("rtc session: %w", err)
	}
	return s, nil
}
