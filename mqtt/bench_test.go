package mqtt

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// benchSub is a subscriber that reports each arrival on a channel, for
// timing (testSub polls, which would blur the figures).
func benchSub(b *testing.B, br Broker, topic string) (<-chan []byte, func()) {
	b.Helper()
	ch := make(chan []byte, 1<<16)
	o, _ := br.ClientOptions("bench-sub-" + newBootID())
	c := paho.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("bench subscriber connect: %v", tok.Error())
	}
	handler := func(_ paho.Client, m paho.Message) { ch <- m.Payload() }
	if tok := c.Subscribe(topic, 1, handler); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("bench subscribe: %v", tok.Error())
	}
	return ch, func() { c.Disconnect(100) }
}

// BenchmarkEventLatency measures Event → console on loopback through
// mosquitto, one event at a time: outbox append with fsync, PUBLISH,
// broker, delivery to a subscriber.
func BenchmarkEventLatency(b *testing.B) {
	m := mqtttest.Start(b, "")
	br := Broker{URL: m.URL("tcp")}
	ch, stop := benchSub(b, br, topicEvents)
	defer stop()
	r := startReporter(b, br, b.TempDir(), nil)
	waitUntil(b, 10*time.Second, "connected", func() bool { return r.Stats().Connected })
	doc := testDoc("transition", 1)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_ = r.Event(t0, doc)
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			b.Fatal("event not delivered in 10 s")
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// fillOutbox writes n typical events (~200 bytes) into the outbox of
// dir/mqtt, as a reporter cut off from its broker would.
func fillOutbox(b *testing.B, dir string, n int) {
	b.Helper()
	if err := os.MkdirAll(dir+"/mqtt", 0o700); err != nil {
		b.Fatal(err)
	}
	o, err := openOutbox(dir+"/mqtt", defaultOutboxBytes, defaultOutboxEvents, testLogger(b))
	if err != nil {
		b.Fatal(err)
	}
	var batch []outItem
	for i := 1; i <= n; i++ {
		batch = append(batch, outItem{class: classOrdinary, ts: time.Now(), doc: typicalDoc(i)})
		if len(batch) == maxBatch || i == n {
			if err := o.append(batch, time.Now()); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := o.close(); err != nil {
		b.Fatal(err)
	}
}

// typicalDoc is about the size of an agent's onConnectionStateChanged.
func typicalDoc(n int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"event":"onUserJoined","channel":"lobby-%d","uid":1001,"remote_uid":%d,`+
		`"elapsed_ms":187,"state":"CONNECTED","state_code":3,"reason":"JOIN_SUCCESS","reason_code":1}`, n%7, n))
}

// BenchmarkOutboxReplay measures how fast a backlog of 10 000 events
// drains after the broker comes back: reporter start to the last event at
// the subscriber.
func BenchmarkOutboxReplay(b *testing.B) {
	const n = 10000
	m := mqtttest.Start(b, "")
	br := Broker{URL: m.URL("tcp")}
	ch, stop := benchSub(b, br, topicEvents)
	defer stop()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		fillOutbox(b, dir, n)
		b.StartTimer()
		t0 := time.Now()
		r := startReporter(b, br, dir, nil)
		for got := 0; got < n; got++ {
			select {
			case <-ch:
			case <-time.After(30 * time.Second):
				b.Fatalf("replay stalled after %d events", got)
			}
		}
		total += time.Since(t0)
		b.StopTimer()
		closeReporter(b, r)
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "events/s")
}

// BenchmarkFullOutboxMemory fills the outbox past its default bound (16
// MiB / 65 536 events) with the broker unreachable, so the full-outbox
// policy runs, and reports the reporter's live heap: the in-memory index,
// not the events. ns/op is the cost of one Event while the outbox is full.
func BenchmarkFullOutboxMemory(b *testing.B) {
	const n = 100000
	for i := 0; i < b.N; i++ {
		before := liveHeap()
		r := startReporter(b, Broker{URL: "tcp://127.0.0.1:1"}, b.TempDir(), func(o *Options) {
			o.Backoff = func(int) time.Duration { return time.Hour }
		})
		t0 := time.Now()
		for j := 1; j <= n; j++ {
			_ = r.Event(time.Now(), typicalDoc(j))
		}
		_ = r.Sync(context.Background())
		per := time.Since(t0) / n
		heap := liveHeap() - before
		st := r.Stats()
		b.ReportMetric(float64(per.Nanoseconds()), "ns/event")
		b.ReportMetric(mib(heap), "heap-MiB")
		b.ReportMetric(mib(uint64(st.OutboxBytes)), "outbox-MiB")
		b.ReportMetric(float64(st.Pending), "events-kept")
		b.ReportMetric(float64(st.Dropped), "events-dropped")
		closeReporter(b, r)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
