package mqtt

import (
	"encoding/json"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
	"strings"
	"testing"
	"time"
)

// TestReporter_BurstMemoryBounded sends 10 000 events of 1 KiB while the
// broker is down (all into the outbox), lets them replay, then 10 000 more
// while it is up, and checks that the reporter process's live heap does
// not grow with the number of events (it would by ≥10 MiB per burst if
// events were kept in memory). RSS figures are reported, not asserted:
// they depend on the GC's pacing and the race detector.
func TestReporter_BurstMemoryBounded(t *testing.T) {
	const n, size = 10000, 1024
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, topicEvents)
	h := startHelper(t, b.URL, t.TempDir(), "dev1")
	h.connected()
	base := helperMem(t, h)

	m.Stop()
	h.send("bigburst 1 10000 1024")
	h.send("sync")
	h.expect("synced <nil>", 60*time.Second)
	queued := helperMem(t, h)
	subs := sub.subscribed.Load()
	m.Restart()
	waitUntil(t, 10*time.Second, "subscriber back", func() bool { return sub.subscribed.Load() > subs })
	sub.waitOn(t, topicEvents, 60*time.Second, "replay of 10 000", lastSeqAtLeast(n))
	replayed := helperMem(t, h)

	h.send("bigburst 10001 20000 1024")
	got := sub.waitOn(t, topicEvents, 60*time.Second, "live burst of 10 000", lastSeqAtLeast(2*n))
	live := helperMem(t, h)
	checkDelivery(t, got, 2*n)

	for _, f := range []struct {
		name string
		m    memFigures
	}{{"start", base}, {"10k queued on disk", queued}, {"after replay", replayed}, {"after live burst", live}} {
		t.Logf("%-20s heap live %5.1f MiB  RSS %5.1f MiB  peak RSS %5.1f MiB", f.name, mib(f.m.HeapLive), mib(f.m.RSS), mib(f.m.HWM))
		if f.m.HeapLive > base.HeapLive+6<<20 {
			t.Errorf("%s: live heap %.1f MiB, %.1f MiB above the start: grows with the events", f.name, mib(f.m.HeapLive), mib(f.m.HeapLive-base.HeapLive))
		}
	}
}

func helperMem(t *testing.T, h *helperProc) memFigures {
	t.Helper()
	h.send("mem")
	var f memFigures
	if err := json.Unmarshal([]byte(strings.TrimPrefix(h.expect("mem ", 30*time.Second), "mem ")), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func lastSeqAtLeast(n int) func([]received) bool {
	return func(m []received) bool { return len(m) > 0 && seqOf(m[len(m)-1].payload) >= uint64(n) }
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
