package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/edge-agent/edge-agent/mqtt"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// syncBuffer is a bytes.Buffer safe for the drawing goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun_ShowsReportingDevice(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, stop, err := mqtt.StartEmbeddedBroker(ctx, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	r, err := mqtt.Start(mqtt.Options{Broker: mqtt.Broker{URL: url}, Device: "kiosk-7", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_ = r.State(time.Now(), json.RawMessage(`{"state":"CONNECTED","reason":"JOIN_SUCCESS","channel":"lobby","peers":[2,3],"network_type":"WIFI"}`))

	out := &syncBuffer{}
	done := make(chan error)
	runCtx, stopRun := context.WithCancel(ctx)
	go func() {
		done <- Run(runCtx, Options{Broker: mqtt.Broker{URL: url}, Out: out, Refresh: 20 * time.Millisecond})
	}()
	deadline := time.Now().Add(10 * time.Second)
	want := []string{"kiosk-7", "yes #1", "CONNECTED", "JOIN_SUCCESS", "lobby", "WIFI"}
	for !containsAll(lastFrame(out.String()), want) {
		if time.Now().After(deadline) {
			t.Fatalf("table never showed %v:\n%s", want, lastFrame(out.String()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Events are not retained: one published now, with the table
	// subscribed (it shows the retained state), must show up.
	_ = r.Event(time.Now(), json.RawMessage(`{"event":"onConnectionStateChanged","state":"CONNECTED"}`))
	want = append(want, "onConnectionStateChanged")
	for !containsAll(lastFrame(out.String()), want) {
		if time.Now().After(deadline) {
			t.Fatalf("table never showed %v:\n%s", want, lastFrame(out.String()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopRun()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	closeCtx, c := context.WithTimeout(ctx, 5*time.Second)
	defer c()
	_ = r.Close(closeCtx)
}

func TestRun_UnreachableBrokerFailsFast(t *testing.T) {
	err := Run(context.Background(), Options{Broker: mqtt.Broker{URL: "tcp://127.0.0.1:1"}, Out: &syncBuffer{}})
	if err == nil {
		t.Fatal("no error for an unreachable broker")
	}
}

func TestDraw_Rows(t *testing.T) {
	yes, no := true, false
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	devs := []device{
		{Name: "a", Online: &yes, ConnSeq: 4, State: "RECONNECTING", Reason: "INTERRUPTED", Peers: 1,
			LastEvent: "onConnectionLost", LastAt: now.Add(-75 * time.Second)},
		{Name: "b", Online: &no, Clean: true},
		{Name: "c", Online: &no},
		{Name: "d"},
	}
	var b bytes.Buffer
	if err := draw(&b, devs, now, false, true); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"yes #4", "RECONNECTING", "onConnectionLost 1m15s ago", "no (stopped)", "no (lost)"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`(?m)^d\s+\?\s`).MatchString(got) {
		t.Errorf("a device without status should show '?':\n%s", got)
	}
	if strings.Contains(got, "\x1b[") {
		t.Error("ANSI codes written to a non-terminal")
	}
}

func TestTable_OlderConnectionIgnored(t *testing.T) {
	tb := newTable()
	tb.update("edge", "edge/x/status", []byte(`{"online":true,"conn_seq":5}`), time.Now())
	tb.update("edge", "edge/x/status", []byte(`{"online":false,"conn_seq":4}`), time.Now())
	if d := tb.snapshot()[0]; !*d.Online || d.ConnSeq != 5 {
		t.Fatalf("a late will of conn 4 overrode conn 5: %+v", d)
	}
}

func lastFrame(s string) string {
	if i := strings.LastIndex(s, "edge-agent fleet"); i >= 0 {
		return s[i:]
	}
	return s
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
