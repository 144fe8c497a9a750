package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/edge-agent/edge-agent/rtc"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

// peerEvent is what a watching peer saw, and when.
type peerEvent struct {
	At    time.Time
	Event string // "joined 1", "offline 1 DROPPED", "offline 1 QUIT"
}

// peerLog is a peer's record of what it saw.
type peerLog struct {
	t       *testing.T
	name    string
	mu      sync.Mutex
	events  []peerEvent
	changed chan struct{}
}

func newPeerLog(t *testing.T, name string) *peerLog {
	return &peerLog{t: t, name: name, changed: make(chan struct{}, 1)}
}

func (p *peerLog) add(at time.Time, ev string) {
	p.mu.Lock()
	p.events = append(p.events, peerEvent{At: at, Event: ev})
	p.mu.Unlock()
	p.t.Logf("%s peer: %s %s", p.name, at.Format("15:04:05.000"), ev)
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// seen returns the events since index from.
func (p *peerLog) seen(from int) []peerEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	if from > len(p.events) {
		return nil
	}
	return append([]peerEvent(nil), p.events[from:]...)
}

func (p *peerLog) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.events)
}

// await waits for an event equal to ev after index from.
func (p *peerLog) await(from int, ev string, within time.Duration) peerEvent {
	p.t.Helper()
	deadline := time.After(within)
	for {
		for _, e := range p.seen(from) {
			if e.Event == ev {
				return e
			}
		}
		select {
		case <-p.changed:
		case <-deadline:
			p.t.Fatalf("%s peer: no %q within %s (saw %v)", p.name, ev, within, p.seen(from))
		}
	}
}

// none checks that nothing was seen since from.
func (p *peerLog) none(from int) {
	p.t.Helper()
	if got := p.seen(from); len(got) > 0 {
		p.t.Errorf("%s peer saw %v, want nothing", p.name, got)
	}
}

// nativePeer is another agent in the channel: a real rtc session that
// receives the media and reports peers as the SDK would.
type nativePeer struct {
	*peerLog
	mu    sync.Mutex
	media []rtc.Packet // the video packets of uid 1
}

func watchNative(t *testing.T, server, channel string, uid uint32) *nativePeer {
	p := &nativePeer{peerLog: newPeerLog(t, "native")}
	cfg := rtc.Config{Server: server, AppID: "demo", Media: rtc.MediaNone, ICE: rtc.ICEConfig{Loopback: true},
		OnPacket: p.packet}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := rtc.Watch(ctx, cfg, channel, uid, "", p.report); err != nil {
			t.Errorf("native peer: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

func (p *nativePeer) report(e rtc.Event, at time.Time) {
	switch e := e.(type) {
	case rtc.PeerJoined:
		p.add(at, fmt.Sprintf("joined %d", e.UID))
	case rtc.PeerOffline:
		p.add(at, fmt.Sprintf("offline %d %s", e.UID, []string{"QUIT", "DROPPED"}[e.Reason]))
	case rtc.Joined:
		for _, uid := range e.Peers {
			p.add(at, fmt.Sprintf("joined %d", uid))
		}
	}
}

func (p *nativePeer) packet(pk rtc.Packet) {
	if !strings.HasSuffix(pk.Track, "-video") {
		return
	}
	p.mu.Lock()
	p.media = append(p.media, pk)
	p.mu.Unlock()
}

// videoSince returns the video packets received since index from.
func (p *nativePeer) videoSince(from int) []rtc.Packet {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]rtc.Packet(nil), p.media[from:]...)
}

func (p *nativePeer) videoMark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.media)
}

// awaitVideo waits until at least n video packets arrived after from.
func (p *nativePeer) awaitVideo(from, n int, within time.Duration) []rtc.Packet {
	p.t.Helper()
	poll(p.t, within, fmt.Sprintf("%d video packets at the native peer", n), func() bool { return p.videoMark()-from >= n })
	return p.videoSince(from)
}

// webPeer is a web-kind client of the signalling protocol, as the page is:
// it joins, keeps itself present with heartbeats, and logs stream-added,
// stream-removed and peer-leave as the page would. It takes no media: the
// web peer's timers are the server's business.
type webPeer struct {
	*peerLog
}

func watchWeb(t *testing.T, server, channel string, uid uint32) *webPeer {
	p := &webPeer{peerLog: newPeerLog(t, "web")}
	conn, _, err := websocket.DefaultDialer.Dial(server, nil)
	if err != nil {
		t.Fatalf("web peer: %v", err)
	}
	join := signal.MustEncode(&signal.Join{AppID: "demo", Channel: channel, UID: uid, Kind: signal.KindWeb})
	if err := conn.WriteMessage(websocket.TextMessage, join); err != nil {
		t.Fatalf("web peer join: %v", err)
	}
	var wmu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{}, 2)
	go func() { p.heartbeat(conn, &wmu, stop); done <- struct{}{} }()
	go func() { p.read(conn); done <- struct{}{} }()
	t.Cleanup(func() { close(stop); conn.Close(); <-done; <-done })
	return p
}

func (p *webPeer) heartbeat(conn *websocket.Conn, mu *sync.Mutex, stop chan struct{}) {
	hb := signal.MustEncode(&signal.Heartbeat{})
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			mu.Lock()
			err := conn.WriteMessage(websocket.TextMessage, hb)
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

func (p *webPeer) read(conn *websocket.Conn) {
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		body, err := signal.Decode(msg)
		if err != nil {
			continue
		}
		switch b := body.(type) {
		case *signal.Joined:
			for _, peer := range b.Peers {
				p.add(now, fmt.Sprintf("stream-added %d", peer.UID))
			}
		case *signal.PeerJoined:
			p.add(now, fmt.Sprintf("stream-added %d", b.UID))
		case *signal.PeerOffline:
			ev := "stream-removed"
			if b.Reason == signal.OfflineQuit {
				ev = "peer-leave"
			}
			p.add(now, fmt.Sprintf("%s %d", ev, b.UID))
		}
	}
}
