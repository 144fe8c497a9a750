package server

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// metrics are the server's counters; gauges are computed when scraped.
type metrics struct {
	messagesIn, messagesOut       atomic.Uint64
	rtpPackets, rtpBytes          atomic.Uint64
	keyframeRequests              atomic.Uint64
	channelsDestroyed             atomic.Uint64
	joins, joinRefusals           counterVec
	protocolErrors, sessionsEnded counterVec
}

func newMetrics() *metrics { return &metrics{} }

// counterVec is a counter with one label.
type counterVec struct {
	mu sync.Mutex
	m  map[string]uint64
}

func (v *counterVec) inc(label string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string]uint64{}
	}
	v.m[label]++
}

func (v *counterVec) snapshot() map[string]uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string]uint64, len(v.m))
	for k, n := range v.m {
		out[k] = n
	}
	return out
}

// promWriter writes the Prometheus text exposition format, version 0.0.4.
type promWriter struct {
	w   io.Writer
	err error
}

func (p *promWriter) family(name, typ, help string) {
	p.printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func (p *promWriter) value(name string, v float64) { p.printf("%s %g\n", name, v) }

func (p *promWriter) labelled(name, label string, values map[string]uint64) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p.printf("%s{%s=%q} %d\n", name, label, k, values[k])
	}
}

func (p *promWriter) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// writeMetrics writes every metric. Label values are names from this
// package (codes, reasons, kinds), so %q quoting is exact.
func (s *Server) writeMetrics(w io.Writer) error {
	g := s.gauges()
	p := &promWriter{w: w}
	p.family("edge_channeld_channels", "gauge", "Channels that exist, empty ones included.")
	p.value("edge_channeld_channels", float64(g.channels))
	p.family("edge_channeld_sessions", "gauge", "Present sessions by kind.")
	p.labelled("edge_channeld_sessions", "kind", g.sessions)
	p.family("edge_channeld_sessions_web_offline", "gauge", "Present sessions that web peers see as offline (silent past --web-offline-after).")
	p.value("edge_channeld_sessions_web_offline", float64(g.webOffline))
	p.family("edge_channeld_connections", "gauge", "Open signalling connections.")
	p.value("edge_channeld_connections", float64(g.conns))
	s.writeCounters(p)
	return p.err
}

func (s *Server) writeCounters(p *promWriter) {
	m := s.metrics
	counters := []struct {
		name, help string
		v          *atomic.Uint64
	}{
		{"edge_channeld_messages_received_total", "Signalling messages received.", &m.messagesIn},
		{"edge_channeld_messages_sent_total", "Signalling messages sent, heartbeats included.", &m.messagesOut},
		{"edge_channeld_rtp_forwarded_packets_total", "RTP packets received from publishers and forwarded, counted once whatever the number of subscribers.", &m.rtpPackets},
		{"edge_channeld_rtp_forwarded_bytes_total", "RTP bytes (header and payload) received from publishers and forwarded, counted once whatever the number of subscribers.", &m.rtpBytes},
		{"edge_channeld_keyframe_requests_total", "PLIs sent to publishers.", &m.keyframeRequests},
		{"edge_channeld_channels_destroyed_total", "Channels destroyed after being empty for --destroy-after.", &m.channelsDestroyed},
	}
	for _, c := range counters {
		p.family(c.name, "counter", c.help)
		p.value(c.name, float64(c.v.Load()))
	}
	vecs := []struct {
		name, help, label string
		v                 *counterVec
	}{
		{"edge_channeld_joins_total", "Accepted joins: fresh or resumed.", "result", &m.joins},
		{"edge_channeld_join_refusals_total", "Refused joins (and sessions ended by a fatal error) by code.", "code", &m.joinRefusals},
		{"edge_channeld_protocol_errors_total", "Non-fatal protocol errors by code.", "code", &m.protocolErrors},
		{"edge_channeld_sessions_ended_total", "Sessions ended, by the reason peers were given.", "reason", &m.sessionsEnded},
	}
	for _, v := range vecs {
		p.family(v.name, "counter", v.help)
		p.labelled(v.name, v.label, v.v.snapshot())
	}
}

type gaugeSnapshot struct {
	channels, webOffline, conns int
	sessions                    map[string]uint64
}

func (s *Server) gauges() gaugeSnapshot {
	g := gaugeSnapshot{sessions: map[string]uint64{string(signal.KindNative): 0, string(signal.KindWeb): 0}}
	for _, ch := range s.channelList() {
		g.channels++
		ch.mu.Lock()
		for _, ss := range ch.sessions {
			g.sessions[string(ss.kind)]++
			if !ss.webVisible {
				g.webOffline++
			}
		}
		ch.mu.Unlock()
	}
	s.mu.Lock()
	g.conns = len(s.conns)
	s.mu.Unlock()
	return g
}

func (s *Server) channelList() []*channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*channel, 0, len(s.channels))
	for _, ch := range s.channels {
		out = append(out, ch)
	}
	return out
}
