package mqtt

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// received is one message a test subscriber got.
type received struct {
	topic    string
	payload  []byte
	retained bool
	at       time.Time
}

// testSub is a console stand-in: a paho client that reconnects by itself,
// subscribes to filters (QoS 1) after every connect, and records
// everything it receives. Its session is persistent (clean session off),
// so messages published while it reconnects are queued for it.
type testSub struct {
	c          paho.Client
	mu         sync.Mutex
	msgs       []received
	subscribed atomic.Int32 // connects whose subscriptions were acknowledged
}

func newSub(t testing.TB, b Broker, filters ...string) *testSub {
	t.Helper()
	s := &testSub{}
	o, err := b.ClientOptions("test-sub-" + newBootID())
	if err != nil {
		t.Fatal(err)
	}
	// A persistent session: what is published while it reconnects waits.
	o.SetCleanSession(false).SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond)
	o.SetOnConnectHandler(func(c paho.Client) {
		for _, f := range filters {
			if tok := c.Subscribe(f, 1, s.record); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
				return
			}
		}
		s.subscribed.Add(1)
	})
	s.c = paho.NewClient(o)
	s.c.Connect()
	t.Cleanup(func() { s.c.Disconnect(100) })
	waitUntil(t, 10*time.Second, "subscriber connected", func() bool { return s.subscribed.Load() > 0 })
	return s
}

func (s *testSub) record(_ paho.Client, m paho.Message) {
	s.mu.Lock()
	s.msgs = append(s.msgs, received{topic: m.Topic(), payload: m.Payload(), retained: m.Retained(), at: time.Now()})
	s.mu.Unlock()
}

// on returns what arrived on topic so far.
func (s *testSub) on(topic string) []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []received
	for _, m := range s.msgs {
		if m.topic == topic {
			out = append(out, m)
		}
	}
	return out
}

// waitOn polls until cond holds for the messages on topic.
func (s *testSub) waitOn(t testing.TB, topic string, timeout time.Duration, what string, cond func([]received) bool) []received {
	t.Helper()
	var got []received
	waitUntil(t, timeout, what, func() bool { got = s.on(topic); return cond(got) })
	return got
}

// waitUntil polls cond every 5 ms until it holds or timeout passes.
func waitUntil(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// decode unmarshals a payload into a map for assertions.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("payload %s: %v", b, err)
	}
	return m
}

// startReporter starts an in-process reporter for device dev1 on url;
// mod adjusts its options. It is closed when the test ends.
func startReporter(t testing.TB, b Broker, dir string, mod func(*Options)) *Reporter {
	t.Helper()
	o := Options{
		Broker: b, Device: "dev1", StateDir: dir, Version: "v-test", Logger: testLogger(t),
		Backoff: func(int) time.Duration { return 50 * time.Millisecond },
	}
	if mod != nil {
		mod(&o)
	}
	r, err := Start(o)
	if err != nil {
		t.Fatalf("start reporter: %v", err)
	}
	t.Cleanup(func() { closeReporter(t, r) })
	return r
}

func closeReporter(t testing.TB, r *Reporter) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Close(ctx); err != nil && err != ErrClosed {
		t.Errorf("close reporter: %v", err)
	}
}
