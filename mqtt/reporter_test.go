package mqtt

import (
	"encoding/json"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
	"testing"
	"time"
)

const (
	topicStatus = "edge/dev1/status"
	topicState  = "edge/dev1/state"
	topicEvents = "edge/dev1/events"
)

func TestReporter_LateSubscriberGetsRetainedStatusAndState(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	r := startReporter(t, b, t.TempDir(), nil)
	_ = r.Event(time.Now(), testDoc("transition", 1))
	_ = r.State(time.Now(), json.RawMessage(`{"state":"CONNECTED","reason":"JOIN_SUCCESS"}`))
	waitUntil(t, 10*time.Second, "event acknowledged", func() bool { return r.Stats().Acked == 1 })

	late := newSub(t, b, topicStatus, topicState)
	st := late.waitOn(t, topicStatus, 5*time.Second, "retained status", nonEmpty)
	state := late.waitOn(t, topicState, 5*time.Second, "retained state", nonEmpty)
	if !st[0].retained || !state[0].retained {
		t.Fatal("status or state not retained")
	}
	s := decode(t, st[0].payload)
	if s["online"] != true || s["conn_seq"].(float64) < 1 || s["version"] != "v-test" || s["boot"] == "" {
		t.Fatalf("status = %s", st[0].payload)
	}
	d := decode(t, state[0].payload)
	if d["seq"].(float64) != 1 || d["state"] != "CONNECTED" || d["ts"] == nil {
		t.Fatalf("state = %s, want seq 1 and the document", state[0].payload)
	}
}

func nonEmpty(m []received) bool { return len(m) > 0 }

func TestReporter_EventsArriveInOrderWithSeq(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, topicEvents)
	r := startReporter(t, b, t.TempDir(), nil)
	for i := 1; i <= 200; i++ {
		_ = r.Event(time.Now(), testDoc("event", i))
	}
	got := sub.waitOn(t, topicEvents, 10*time.Second, "200 events", func(m []received) bool { return len(m) >= 200 })
	for i, m := range got {
		d := decode(t, m.payload)
		if d["seq"].(float64) != float64(i+1) || d["remote_uid"].(float64) != float64(i+1) {
			t.Fatalf("message %d = %s", i, m.payload)
		}
	}
}

func TestReporter_CleanStopPublishesOffline(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, topicStatus)
	r := startReporter(t, b, t.TempDir(), nil)
	on := sub.waitOn(t, topicStatus, 10*time.Second, "online", nonEmpty)
	closeReporter(t, r)
	all := sub.waitOn(t, topicStatus, 5*time.Second, "offline", func(m []received) bool { return len(m) >= 2 })
	first, last := decode(t, on[0].payload), decode(t, all[len(all)-1].payload)
	if last["online"] != false || last["clean"] != true || last["conn_seq"] != first["conn_seq"] {
		t.Fatalf("after a clean stop: %s (online was %s)", all[len(all)-1].payload, on[0].payload)
	}
}

func TestReporter_TelemetryHasProcessAndAgentFigures(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, "edge/dev1/telemetry")
	startReporter(t, b, t.TempDir(), func(o *Options) {
		o.TelemetryInterval = 50 * time.Millisecond
		o.Figures = func() json.RawMessage { return json.RawMessage(`{"rtt_ms":12}`) }
	})
	got := sub.waitOn(t, "edge/dev1/telemetry", 10*time.Second, "2 telemetry messages", func(m []received) bool { return len(m) >= 2 })
	d := decode(t, got[1].payload)
	proc, _ := d["process"].(map[string]any)
	if d["rtt_ms"].(float64) != 12 || proc == nil || proc["rss_bytes"].(float64) <= 0 || d["ts"] == nil {
		t.Fatalf("telemetry = %s", got[1].payload)
	}
}

func TestReporter_RefusesBadDocuments(t *testing.T) {
	r := startReporter(t, Broker{URL: "tcp://127.0.0.1:1"}, t.TempDir(), nil)
	for _, doc := range []string{`[]`, `{"seq":3}`, `{"ts":"x"}`, `not json`, `{"event":"outbox_overflow"}`} {
		if err := r.Event(time.Now(), json.RawMessage(doc)); err == nil {
			t.Errorf("Event(%s) accepted", doc)
		}
	}
	if err := r.State(time.Now(), json.RawMessage(`"x"`)); err == nil {
		t.Error("State of a string accepted")
	}
}

func TestReporter_SecondReporterOnSameDirRefused(t *testing.T) {
	dir := t.TempDir()
	startReporter(t, Broker{URL: "tcp://127.0.0.1:1"}, dir, nil)
	_, err := Start(Options{Broker: Broker{URL: "tcp://127.0.0.1:1"}, Device: "d", StateDir: dir})
	if err == nil {
		t.Fatal("two reporters on one state dir")
	}
}

func TestOptions_Invalid(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"no device", Options{Broker: Broker{URL: "tcp://x:1"}, StateDir: "/tmp"}},
		{"device with slash", Options{Broker: Broker{URL: "tcp://x:1"}, StateDir: "/tmp", Device: "a/b"}},
		{"wildcard prefix", Options{Broker: Broker{URL: "tcp://x:1"}, StateDir: "/tmp", Device: "a", Prefix: "e/+"}},
		{"no state dir", Options{Broker: Broker{URL: "tcp://x:1"}, Device: "a"}},
		{"no url", Options{StateDir: "/tmp", Device: "a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.o.withDefaults(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := (Broker{URL: "http://x:1"}).ClientOptions("c"); err == nil {
		t.Error("http:// accepted")
	}
}

func TestReporter_FullOutboxGapExplained(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	sub := newSub(t, b, topicEvents)
	m.Stop()
	r := startReporter(t, b, t.TempDir(), func(o *Options) { o.OutboxMaxEvents = 64 })
	for i := 1; i <= 200; i++ {
		kind := "event"
		if i%10 == 0 {
			kind = "transition"
		}
		_ = r.Event(time.Now(), testDoc(kind, i))
	}
	if err := r.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	last := r.Stats().LastSeq
	subs := sub.subscribed.Load()
	m.Restart()
	waitUntil(t, 10*time.Second, "subscriber back", func() bool { return sub.subscribed.Load() > subs })
	got := sub.waitOn(t, topicEvents, 20*time.Second, "the backlog", lastSeqAtLeast(int(last)))

	seen, explained, transitions := map[uint64]bool{}, map[uint64]bool{}, map[uint64]bool{}
	for _, msg := range got {
		var d struct {
			Seq       uint64 `json:"seq"`
			Event     string `json:"event"`
			From      uint64 `json:"dropped_from"`
			To        uint64 `json:"dropped_to"`
			RemoteUID uint64 `json:"remote_uid"`
		}
		_ = json.Unmarshal(msg.payload, &d)
		seen[d.Seq] = true
		if d.Event == "onConnectionStateChanged" {
			transitions[d.RemoteUID] = true
		}
		for s := d.From; d.Event == overflowEvent && s <= d.To; s++ {
			explained[s] = true
		}
	}
	for s := uint64(1); s <= last; s++ {
		if !seen[s] && !explained[s] {
			t.Errorf("seq %d neither delivered nor reported dropped", s)
		}
	}
	for i := uint64(10); i <= 200; i += 10 {
		if !transitions[i] {
			t.Errorf("state transition %d dropped while ordinary events were droppable", i)
		}
	}
	t.Logf("%d seqs given, %d delivered, %d inside reported dropped ranges", last, len(seen), len(explained))
}
