package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/edge-agent/edge-agent/rtc"
)

// peerEvent is an event of the watching peer and when it was reported.
type peerEvent struct {
	At time.Time
	rtc.Event
}

// watcher is a native peer (rtc.Watch) in the channel: it records its
// events and every packet of the agent's video.
type watcher struct {
	events  *feed[peerEvent]
	packets *feed[rtc.Packet]
	stop    context.CancelFunc
	done    chan struct{}
	err     error // Watch's, once done is closed
}

// watchUID is the peer's uid; the agent is uid 1.
const watchUID = 2

// startWatcher joins channel as a native peer that publishes nothing. Its
// log goes to the work directory.
func (l *lab) startWatcher(ctx context.Context, channel string) (*watcher, error) {
	logf, err := os.Create(filepath.Join(l.dir, "peer-"+channel+".log"))
	if err != nil {
		return nil, fmt.Errorf("peer log: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &watcher{events: newFeed[peerEvent](), packets: newFeed[rtc.Packet](), stop: cancel, done: make(chan struct{})}
	cfg := rtc.Config{
		Server: l.url(), AppID: "demo", Media: rtc.MediaNone,
		ICE:    rtc.ICEConfig{Loopback: true, Interfaces: []string{"lo"}},
		Logger: slog.New(slog.NewTextHandler(logf, nil)).With("who", "peer"),
		OnPacket: func(p rtc.Packet) {
			if p.UID == 1 && p.Track == "u1-video" {
				w.packets.add(p)
			}
		},
	}
	go func() {
		defer close(w.done)
		defer logf.Close()
		w.err = rtc.Watch(ctx, cfg, channel, watchUID, "", func(e rtc.Event, at time.Time) {
			w.events.add(peerEvent{At: at, Event: e})
		})
	}()
	if _, _, err := w.events.await(0, startLimit, w.done, isJoined); err != nil {
		w.close()
		return nil, fmt.Errorf("peer join: %w (%v)", err, w.err)
	}
	return w, nil
}

func isJoined(e peerEvent) bool {
	_, ok := e.Event.(rtc.Joined)
	return ok
}

// close leaves and waits for Watch to return.
func (w *watcher) close() {
	w.stop()
	<-w.done
}

// awaitPeer waits, from event index from on, for news of uid 1: joined,
// or offline when offline is set.
func (w *watcher) awaitPeer(from int, offline bool) (peerEvent, error) {
	e, _, err := w.events.await(from, startLimit, w.done, func(e peerEvent) bool {
		switch ev := e.Event.(type) {
		case rtc.PeerJoined:
			return !offline && ev.UID == 1
		case rtc.PeerOffline:
			return offline && ev.UID == 1
		}
		return false
	})
	if err != nil {
		return e, fmt.Errorf("peer: news of uid 1 (offline %v): %w", offline, err)
	}
	return e, nil
}

// awaitPacket waits for the first video packet of the agent that arrived
// after t (a keyframe's first packet when keyframe is set).
func (w *watcher) awaitPacket(t time.Time, keyframe bool) (rtc.Packet, error) {
	p, _, err := w.packets.await(0, startLimit, w.done, func(p rtc.Packet) bool {
		return p.At.After(t) && (!keyframe || p.Keyframe)
	})
	if err != nil {
		return p, fmt.Errorf("peer: video after %s (keyframe %v): %w", t.Format("15:04:05.000"), keyframe, err)
	}
	return p, nil
}

// peerNews counts the peer's news of uid 1 from event index from on.
func (w *watcher) peerNews(from int) (joined, offline int) {
	for _, e := range w.events.since(from) {
		switch ev := e.Event.(type) {
		case rtc.PeerJoined:
			if ev.UID == 1 {
				joined++
			}
		case rtc.PeerOffline:
			if ev.UID == 1 {
				offline++
			}
		}
	}
	return joined, offline
}

// bitrate returns the agent's video received in [from, to), in bit/s of
// RTP (headers included, after SRTP), and the number of packets.
func (w *watcher) bitrate(from, to time.Time) (float64, int) {
	var bytes, n int
	for _, p := range w.packets.since(0) {
		if !p.At.Before(from) && p.At.Before(to) {
			bytes += p.Size
			n++
		}
	}
	return float64(bytes*8) / to.Sub(from).Seconds(), n
}
