package server

import (
	"sync"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// channelKey names a channel: channels of different apps are distinct.
type channelKey struct {
	app, name string
}

// channel is one room. Its lock owns presence and the forwarding table.
type channel struct {
	srv   *Server
	key   channelKey
	since time.Time

	mu         sync.Mutex
	sessions   map[uint32]*session // present sessions by uid
	relay      map[trackKey]*forwarder
	emptySince time.Time // zero while someone is present
	destroy    *time.Timer
	destroyGen uint64
	destroyed  bool
}

// channelFor returns the channel, creating it if needed. The caller must
// check destroyed under ch.mu and retry: a destroy may win the race.
func (s *Server) channelFor(k channelKey) *channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[k]
	if ch == nil {
		now := time.Now()
		ch = &channel{srv: s, key: k, since: now, emptySince: now,
			sessions: map[uint32]*session{}, relay: map[trackKey]*forwarder{}}
		s.channels[k] = ch
		s.log.Info("channel created", "app", k.app, "channel", k.name)
		ch.armDestroy()
	}
	return ch
}

// lockLive finds the channel and locks it; it retries when it raced with a
// destroy. The caller unlocks ch.mu.
func (s *Server) lockLive(k channelKey) *channel {
	for {
		ch := s.channelFor(k)
		ch.mu.Lock()
		if !ch.destroyed {
			return ch
		}
		ch.mu.Unlock()
	}
}

// armDestroy starts the countdown of an empty channel (under ch.mu, or
// before the channel is shared).
func (ch *channel) armDestroy() {
	ch.destroyGen++
	gen := ch.destroyGen
	ch.destroy = time.AfterFunc(ch.srv.opts.DestroyAfter, func() { ch.srv.destroyChannel(ch, gen) })
}

// cancelDestroy stops the countdown: someone joined (under ch.mu).
func (ch *channel) cancelDestroy() {
	ch.destroyGen++
	if ch.destroy != nil {
		ch.destroy.Stop()
		ch.destroy = nil
	}
	ch.emptySince = time.Time{}
}

func (s *Server) destroyChannel(ch *channel, gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.destroyed || gen != ch.destroyGen || len(ch.sessions) > 0 {
		return
	}
	ch.destroyed = true
	delete(s.channels, ch.key)
	s.metrics.channelsDestroyed.Add(1)
	s.log.Info("channel destroyed", "app", ch.key.app, "channel", ch.key.name)
}

// shutdown ends the channel with the server: timers stopped, connections and
// PeerConnections closed, nobody told.
func (ch *channel) shutdown() {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.destroyed = true
	if ch.destroy != nil {
		ch.destroy.Stop()
	}
	for _, s := range ch.sessions {
		s.ended = true
		s.stopTimers()
		ch.stopPeer(s)
		if s.conn != nil {
			s.conn.close()
		}
	}
	for k, f := range ch.relay {
		f.close()
		delete(ch.relay, k)
	}
}

// others calls f for every present session but except, in no set order.
func (ch *channel) others(except *session, f func(*session)) {
	for _, v := range ch.sessions {
		if v != except {
			f(v)
		}
	}
}

// peersFor lists what a viewer of kind k sees, except itself.
func (ch *channel) peersFor(self *session) []signal.Peer {
	peers := []signal.Peer{}
	ch.others(self, func(v *session) {
		if v.visibleTo(self.kind) {
			peers = append(peers, signal.Peer{UID: v.uid, Kind: v.kind})
		}
	})
	return peers
}
