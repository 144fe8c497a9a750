package main

import (
	"log/slog"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/netwatch"
)

// linkDoc is one interface in the state document.
type linkDoc struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Up      bool     `json:"up"`
	Carrier bool     `json:"carrier"`
	Oper    string   `json:"oper"`
	Addrs   []string `json:"addrs"`
	InUse   bool     `json:"in_use,omitempty"`
}

// linksDoc renders the kernel's view for the state document.
func linksDoc(s netwatch.Snapshot) []linkDoc {
	path := s.Path()
	out := make([]linkDoc, 0, len(s.Interfaces))
	for _, it := range s.Interfaces {
		addrs := make([]string, len(it.Addrs))
		for i, a := range it.Addrs {
			addrs[i] = a.String()
		}
		out = append(out, linkDoc{Name: it.Name, Type: it.Type.String(), Up: it.Up, Carrier: it.Carrier,
			Oper: it.Oper.String(), Addrs: addrs, InUse: path.Valid() && path.Index == it.Index})
	}
	return out
}

// startNetwatch starts the monitor and feeds the agent from it. Without
// netlink (or with it switched off) the agent still follows the silence
// timers of SPEC §2; it only loses the head start.
func startNetwatch(a *agent.Agent, pollOnly bool, log *slog.Logger) (stop func()) {
	m := netwatch.New(netwatch.Options{Logger: log, PollOnly: pollOnly})
	if err := m.Start(); err != nil {
		log.Warn("network monitor unavailable; following the silence timers only", "err", err)
		return func() {}
	}
	done := make(chan struct{})
	go func() { a.FollowNetwork(m); close(done) }()
	return func() { m.Close(); <-done }
}
