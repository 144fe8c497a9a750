package mqtt

import (
	"context"
	"testing"
	"time"
)

func TestStartEmbeddedBroker_CarriesReporterTraffic(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, stop, err := StartEmbeddedBroker(ctx, "127.0.0.1:0", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	b := Broker{URL: url}
	sub := newSub(t, b, topicEvents, topicStatus)
	r := startReporter(t, b, t.TempDir(), nil)
	_ = r.Event(time.Now(), testDoc("transition", 1))
	sub.waitOn(t, topicEvents, 10*time.Second, "event via the embedded broker", nonEmpty)
	closeReporter(t, r)
	sub.waitOn(t, topicStatus, 5*time.Second, "online and clean offline", func(m []received) bool { return len(m) >= 2 })
	sub.c.Disconnect(100)
	stop()
	stop() // idempotent
}
