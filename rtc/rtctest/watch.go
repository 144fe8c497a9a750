// Package rtctest watches a channel the way peers do, for end-to-end tests:
// a native peer (a real rtc session that receives the media) and a web-kind
// peer (a client of the signalling protocol, as the web page is), each
// keeping a log of what it saw and when.
package rtctest

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

// Event is what a watching peer saw, and when.
type Event struct {
	At    time.Time
	Event string // "joined 1", "offline 1 DROPPED", "offline 1 QUIT"
}

// Log is a peer's record of what it saw.
type Log struct {
	t       testing.TB
	name    string
	mu      sync.Mutex
	events  []Event
	changed chan struct{}
}

func newLog(t testing.TB, name string) *Log {
	return &Log{t: t, name: name, changed: make(chan struct{}, 1)}
}

func (p *Log) add(at time.Time, ev string) {
	p.mu.Lock()
	p.events = append(p.events, Event{At: at, Event: ev})
	p.mu.Unlock()
	p.t.Logf("%s peer: %s %s", p.name, at.Format("15:04:05.000"), ev)
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// Seen returns the events since index from.
func (p *Log) Seen(from int) []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	if from > len(p.events) {
		return nil
	}
	return append([]Event(nil), p.events[from:]...)
}

// Mark returns the number of events so far: an index for Seen and Await.
func (p *Log) Mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.events)
}

// Await waits for an event equal to ev after index from, failing the test
// after within.
func (p *Log) Await(from int, ev string, within time.Duration) Event {
	p.t.Helper()
	deadline := time.After(within)
	for {
		for _, e := range p.Seen(from) {
			if e.Event == ev {
				return e
			}
		}
		select {
		case <-p.changed:
		case <-deadline:
			p.t.Fatalf("%s peer: no %q within %s (saw %v)", p.name, ev, within, p.Seen(from))
		}
	}
}

// None checks that nothing was seen since from.
func (p *Log) None(from int) {
	p.t.Helper()
	if got := p.Seen(from); len(got) > 0 {
		p.t.Errorf("%s peer saw %v, want nothing", p.name, got)
	}
}

// Native is another agent in the channel: a real rtc session that
// receives the media and reports peers as the SDK would.
// Native is another agent in the channel: a real rtc session that receives
// the media and reports peers as the SDK would ("joined 1", "offline 1
// DROPPED", "offline 1 QUIT").
type Native struct {
	*Log
	mu    sync.Mutex
	media []rtc.Packet // the video packets received, of every publisher
}

// WatchNative joins channel on server (a ws:// URL, app "demo", no token)
// as uid, until the test ends.
func WatchNative(t testing.TB, server, channel string, uid uint32) *Native {
	p := &Native{Log: newLog(t, "native")}
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

func (p *Native) report(e rtc.Event, at time.Time) {
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

func (p *Native) packet(pk rtc.Packet) {
	if !strings.HasSuffix(pk.Track, "-video") {
		return
	}
	p.mu.Lock()
	p.media = append(p.media, pk)
	p.mu.Unlock()
}

// VideoSince returns the video packets received since index from.
func (p *Native) VideoSince(from int) []rtc.Packet {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]rtc.Packet(nil), p.media[from:]...)
}

// VideoMark returns the number of video packets so far.
func (p *Native) VideoMark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.media)
}

// AwaitVideo waits until at least n video packets arrived after from.
func (p *Native) AwaitVideo(from, n int, within time.Duration) []rtc.Packet {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for p.VideoMark()-from < n {
		if time.Now().After(deadline) {
			p.t.Fatalf("not within %s: %d video packets at the native peer", within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p.VideoSince(from)
}

// Web is a web-kind client of the signalling protocol, as the page is:
// it joins, keeps itself present with heartbeats, and logs stream-added,
// stream-removed and peer-leave as the page would. It takes no media: the
// web peer's timers are the server's business.
type Web struct {
	*Log
}

// WatchWeb joins channel on server as a web-kind uid, until the test ends.
func WatchWeb(t testing.TB, server, channel string, uid uint32) *Web {
	p := &Web{Log: newLog(t, "web")}
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

func (p *Web) heartbeat(conn *websocket.Conn, mu *sync.Mutex, stop chan struct{}) {
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

func (p *Web) read(conn *websocket.Conn) {
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
