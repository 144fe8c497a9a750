package mqtt

import (
	"encoding/json"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests run the reporter in a separate process (helper_test.go) so
// that it can be killed with SIGKILL, as systemd's watchdog or the OOM
// killer would.

func TestReporter_KillFiresWillThenHigherConnSeq(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, topicStatus, topicEvents)
	dir := t.TempDir()

	h1 := startHelper(t, b.URL, dir, "dev1")
	c1 := connSeqOf(t, h1.connected())
	sub.waitOn(t, topicStatus, 5*time.Second, "online", hasStatus(true, c1))
	h1.send("burst 1 300")
	sub.waitOn(t, topicEvents, 10*time.Second, "300 events", lastSeqAtLeast(300))

	killed := time.Now() // within the ack file's 250 ms: some may be re-sent
	h1.kill()
	got := sub.waitOn(t, topicStatus, 5*time.Second, "the will", hasStatus(false, c1))
	delay := got[len(got)-1].at.Sub(killed)
	t.Logf("SIGKILL → will (offline, conn_seq %v) in %s", c1, delay)
	if delay > time.Second {
		t.Errorf("will arrived %s after the kill, want within 1 s", delay)
	}

	h2 := startHelper(t, b.URL, dir, "dev1")
	c2 := connSeqOf(t, h2.connected())
	if c2 <= c1 {
		t.Fatalf("conn_seq after restart = %v, want > %v", c2, c1)
	}
	sub.waitOn(t, topicStatus, 5*time.Second, "online again", hasStatus(true, c2))
	h2.send("event 301")
	checkDelivery(t, sub.waitOn(t, topicEvents, 10*time.Second, "event 301", lastSeqAtLeast(301)), 301)
}

func connSeqOf(t *testing.T, line string) float64 {
	t.Helper()
	n, err := strconv.Atoi(strings.Fields(line)[1])
	if err != nil || n == 0 {
		t.Fatalf("helper said %q", line)
	}
	return float64(n)
}

// hasStatus matches a status message with online and conn_seq.
func hasStatus(online bool, connSeq float64) func([]received) bool {
	return func(msgs []received) bool {
		for _, m := range msgs {
			var d map[string]any
			if json.Unmarshal(m.payload, &d) == nil && d["online"] == online && d["conn_seq"] == connSeq {
				return true
			}
		}
		return false
	}
}

// outageDuration is how long the broker stays down: 30 s as required,
// EDGE_MQTT_OUTAGE to change it, 3 s under -short.
func outageDuration(t *testing.T) time.Duration {
	if v := os.Getenv("EDGE_MQTT_OUTAGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("EDGE_MQTT_OUTAGE: %v", err)
		}
		return d
	}
	if testing.Short() {
		return 3 * time.Second
	}
	return 30 * time.Second
}

func TestReporter_BrokerOutageAndKillLoseNothing(t *testing.T) {
	outage := outageDuration(t)
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, topicEvents)
	dir := t.TempDir()
	h1 := startHelper(t, b.URL, dir, "dev1")
	h1.connected()
	n := emit(h1, 0, 20)
	sub.waitOn(t, topicEvents, 10*time.Second, "20 live events", func(m []received) bool { return len(m) >= 20 })

	m.Stop()
	down := time.Now()
	n = emitDuring(h1, n, outage-outage/10)
	h1.send("sync")
	h1.expect("synced <nil>", 10*time.Second)
	h1.kill() // SIGKILL while the broker is down
	<-time.After(time.Until(down.Add(outage)))
	subs := sub.subscribed.Load()
	m.Restart()
	t.Logf("broker down %s; %d events emitted, reporter killed while it was down", time.Since(down).Round(time.Millisecond), n)
	waitUntil(t, 10*time.Second, "subscriber back", func() bool { return sub.subscribed.Load() > subs })

	h2 := startHelper(t, b.URL, dir, "dev1")
	n = emit(h2, n, 5)
	got := sub.waitOn(t, topicEvents, 60*time.Second, "every event", func(m []received) bool {
		return len(m) > 0 && seqOf(m[len(m)-1].payload) >= uint64(n)
	})
	checkDelivery(t, got, n)
}

// emit sends count events numbered after n (alternately transitions) and
// returns the new n.
func emit(h *helperProc, n, count int) int {
	for i := 0; i < count; i++ {
		n++
		kind := "event"
		if n%5 == 0 {
			kind = "transition"
		}
		h.send(kind + " " + strconv.Itoa(n))
	}
	return n
}

// emitDuring paces events over d (one per 200 ms, with a burst of 500 in
// the middle) and returns the new n.
func emitDuring(h *helperProc, n int, d time.Duration) int {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	end, burst := time.After(d), time.After(d/2)
	for {
		select {
		case <-tick.C:
			n = emit(h, n, 1)
		case <-burst:
			h.send("burst " + strconv.Itoa(n+1) + " " + strconv.Itoa(n+500))
			n += 500
		case <-end:
			return n
		}
	}
}

// checkDelivery asserts SPEC §6.3's promise on what a console received:
// seq 1..n each at least once, new seqs in order without gaps, and a
// repeated seq only with identical bytes.
func checkDelivery(t *testing.T, got []received, n int) {
	t.Helper()
	first := map[uint64][]byte{}
	var next uint64 = 1
	dups := 0
	for _, m := range got {
		seq := seqOf(m.payload)
		if prev, ok := first[seq]; ok {
			dups++
			if string(prev) != string(m.payload) {
				t.Fatalf("seq %d repeated with different content:\n%s\n%s", seq, prev, m.payload)
			}
			continue
		}
		if seq != next {
			t.Fatalf("seq %d arrived when %d was expected (gap or disorder)", seq, next)
		}
		var d struct {
			RemoteUID uint64 `json:"remote_uid"`
		}
		_ = json.Unmarshal(m.payload, &d)
		if d.RemoteUID != seq {
			t.Fatalf("seq %d carries event %d", seq, d.RemoteUID)
		}
		first[seq] = m.payload
		next++
	}
	if next != uint64(n)+1 {
		t.Fatalf("received seq 1..%d, want 1..%d", next-1, n)
	}
	t.Logf("%d events delivered in order, %d duplicates (identical)", n, dups)
}

func seqOf(payload []byte) uint64 {
	var d struct {
		Seq uint64 `json:"seq"`
	}
	_ = json.Unmarshal(payload, &d)
	return d.Seq
}
