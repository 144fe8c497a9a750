package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/edge-agent/edge-agent/mqtt"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
)

// console is a fleet console: an MQTT subscriber to one device's topics.
type console struct {
	t       *testing.T
	c       paho.Client
	prefix  string
	mu      sync.Mutex
	msgs    []consoleMsg
	changed chan struct{}
}

type consoleMsg struct {
	Topic    string
	Retained bool
	Doc      map[string]any
}

func newConsole(t *testing.T, url, prefix string) *console {
	c := &console{t: t, prefix: prefix, changed: make(chan struct{}, 1)}
	opts := paho.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("console-%d", time.Now().UnixNano()))
	c.c = paho.NewClient(opts)
	if tok := c.c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("console connect: %v", tok.Error())
	}
	if tok := c.c.Subscribe(prefix+"/#", 1, c.receive); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("console subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { c.c.Disconnect(100) })
	return c
}

func (c *console) receive(_ paho.Client, m paho.Message) {
	var doc map[string]any
	if err := json.Unmarshal(m.Payload(), &doc); err != nil {
		c.t.Errorf("%s: not JSON: %q", m.Topic(), m.Payload())
	}
	c.mu.Lock()
	c.msgs = append(c.msgs, consoleMsg{Topic: m.Topic(), Retained: m.Retained(), Doc: doc})
	c.mu.Unlock()
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// await waits for a message on topic (relative to the prefix) for which ok
// holds, after index from; it returns it and its index.
func (c *console) await(from int, topic string, ok func(map[string]any) bool) (map[string]any, int) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		msgs := append([]consoleMsg(nil), c.msgs...)
		c.mu.Unlock()
		for i := from; i < len(msgs); i++ {
			if msgs[i].Topic == c.prefix+"/"+topic && ok(msgs[i].Doc) {
				return msgs[i].Doc, i
			}
		}
		select {
		case <-c.changed:
		case <-deadline:
			c.t.Fatalf("console: no matching message on %s within 10 s", topic)
		}
	}
}

// events returns the seq and the event of every message on events.
func (c *console) events() []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, m := range c.msgs {
		if m.Topic == c.prefix+"/events" {
			out = append(out, m.Doc)
		}
	}
	return out
}

func (c *console) send(t *testing.T, name string, payload []byte) {
	tok := c.c.Publish(c.prefix+"/cmd/"+name, 1, false, payload)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", name, tok.Error())
	}
}

func field(k string, v any) func(map[string]any) bool {
	return func(d map[string]any) bool { return d[k] == v }
}

// TestE2E_MQTT: the console sees the agent's status, state and every event
// in order; signed commands work and others are refused; a killed agent's
// will says offline and its successor comes online with a higher conn_seq
// and seq carrying on.
func TestE2E_MQTT(t *testing.T) {
	broker := mqtttest.Start(t, "")
	srv := startChanneld(t, "--insecure", "--loopback")
	key := filepath.Join(t.TempDir(), "command.key")
	os.WriteFile(key, []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	con := newConsole(t, broker.URL("tcp"), "edge/kiosk-1")
	state := t.TempDir()
	args := []string{"--server", srv.ws("127.0.0.1"), "--app-id", "demo", "--channel", "fleet", "--uid", "1",
		"--netwatch=false", "--mqtt", broker.URL("tcp"), "--device-id", "kiosk-1", "--command-key-file", key}
	a := startAgent(t, nil, state, args...)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)

	online, _ := con.await(0, "status", field("online", true))
	con.await(0, "state", field("state", "CONNECTED"))
	_, i := con.await(0, "events", field("event", "onJoinChannelSuccess"))

	unsigned := []byte(`{"id":"c1","ts":"` + time.Now().UTC().Format(time.RFC3339Nano) + `","args":{}}`)
	con.send(t, "leave", unsigned)
	reply, _ := con.await(0, "cmd/leave/reply", field("id", "c1"))
	if reply["ok"] != false || !strings.HasPrefix(fmt.Sprint(reply["error"]), "unsigned") {
		t.Errorf("unsigned leave: reply %v, want refused as unsigned", reply)
	}
	if st := a.status(); st["state"] != "CONNECTED" {
		t.Errorf("a refused command changed the state to %v", st["state"])
	}
	signed, err := mqtt.SignCommand([]byte("0123456789abcdef0123456789abcdef"), "edge/kiosk-1/cmd/leave", "c2", time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, sent := con.await(0, "cmd/leave/reply", field("id", "c1"))
	con.send(t, "leave", signed)
	reply, _ = con.await(0, "cmd/leave/reply", field("id", "c2"))
	if reply["ok"] != true {
		t.Errorf("signed leave: reply %v, want ok", reply)
	}
	_, i = con.await(i+1, "events", field("reason", "LEAVE_CHANNEL"))
	con.await(sent, "state", field("state", "DISCONNECTED"))

	join, _ := mqtt.SignCommand([]byte("0123456789abcdef0123456789abcdef"), "edge/kiosk-1/cmd/join", "c3", time.Now(),
		json.RawMessage(`{"channel":"fleet","uid":1}`))
	con.send(t, "join", join)
	joined, i := con.await(i+1, "events", field("event", "onJoinChannelSuccess"))

	a.signal(syscall.SIGKILL)
	killed := time.Now()
	will, _ := con.await(0, "status", field("online", false))
	t.Logf("SIGKILL → will on status: %s", time.Since(killed).Round(time.Millisecond))
	if will["conn_seq"] != online["conn_seq"] {
		t.Errorf("the will's conn_seq %v differs from the online's %v", will["conn_seq"], online["conn_seq"])
	}
	a.wait(5 * time.Second)
	startAgent(t, nil, state, args...)
	again, _ := con.await(0, "status", func(d map[string]any) bool { return d["online"] == true && d["conn_seq"] != online["conn_seq"] })
	if again["conn_seq"].(float64) <= online["conn_seq"].(float64) {
		t.Errorf("conn_seq went from %v to %v, want higher", online["conn_seq"], again["conn_seq"])
	}
	// The new process's join: a later seq (the old one may be re-sent first,
	// identical, as delivery is at least once).
	con.await(i+1, "events", func(d map[string]any) bool {
		return d["event"] == "onJoinChannelSuccess" && d["seq"].(float64) > joined["seq"].(float64)
	})
	checkSeq(t, con.events())
}

// checkSeq checks that seq rises by one per event, and that a repeated seq
// (at least once delivery) repeats the same content.
func checkSeq(t *testing.T, events []map[string]any) {
	t.Helper()
	seen := map[float64]string{}
	var next float64
	for _, e := range events {
		seq := e["seq"].(float64)
		b, _ := json.Marshal(e)
		if prev, ok := seen[seq]; ok {
			if prev != string(b) {
				t.Errorf("seq %v delivered twice with different content:\n%s\n%s", seq, prev, b)
			}
			continue
		}
		if next != 0 && seq != next {
			t.Errorf("seq %v after %v: a gap", seq, next-1)
		}
		seen[seq], next = string(b), seq+1
	}
	t.Logf("%d events, seq up to %v, in order without gaps", len(seen), next-1)
}
