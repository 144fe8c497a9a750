package rtc

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
)

func TestWatch_SeesPeersComeAndGo(t *testing.T) {
	srv := startServer(t, server.Options{})
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var err error
	wg.Go(func() {
		cfg := Config{Server: srv.url, AppID: "demo", ICE: ICEConfig{Loopback: true, Interfaces: []string{"lo"}}}
		err = Watch(ctx, cfg, "lobby", 9, "", func(e Event, at time.Time) { rec.report(e) })
	})
	next[Joined](t, rec)
	a := newClient(t, srv, 1, MediaTest, nil)
	a.joined(t, "lobby", true)
	if e, _ := next[PeerJoined](t, rec); e.UID != 1 {
		t.Fatalf("%v, want peer 1", e)
	}
	a.Stop(true)
	if e, _ := next[PeerOffline](t, rec); e.UID != 1 || e.Reason != OfflineQuit {
		t.Fatalf("%v, want peer 1 QUIT", e)
	}
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
}

func TestWatch_RefusedReturnsAnError(t *testing.T) {
	srv := startServer(t, server.Options{})
	cfg := Config{Server: srv.url, AppID: "demo"}
	if err := Watch(context.Background(), cfg, "bad channel!", 9, "", func(Event, time.Time) {}); err == nil {
		t.Fatal("no error for a refused watcher")
	}
}
