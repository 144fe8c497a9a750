package mqtt

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
	"strings"
	"sync"
	"testing"
	"time"
)

// callLog records the commands the agent's handler was given.
type callLog struct {
	mu    sync.Mutex
	calls []Command
}

func (l *callLog) handle(_ context.Context, c Command) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
	if c.Name == CmdRenewToken {
		return errors.New("token rejected by the server")
	}
	return nil
}

func (l *callLog) count(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.calls {
		if c.ID == id {
			n++
		}
	}
	return n
}

func TestReporter_CommandsRefusedWithReasonOrRun(t *testing.T) {
	m := mqtttest.Start(t, "")
	b := Broker{URL: m.URL("tcp")}
	calls := &callLog{}
	r := startReporter(t, b, t.TempDir(), func(o *Options) {
		o.CommandKey, o.OnCommand = testKey, calls.handle
	})
	waitUntil(t, 10*time.Second, "reporter connected", func() bool { return r.Stats().Connected })
	console := newSub(t, b, "edge/dev1/cmd/+/reply")
	now := time.Now()
	good := `{"channel":"lobby","uid":7,"token":"t"}`
	tests := []cmdCase{
		{"good join", "join", "good1", signed(t, testKey, joinTopic, "good1", now, good), ""},
		{"replayed", "join", "good1", signed(t, testKey, joinTopic, "good1", now, good), "replayed"},
		{"unsigned", "join", "u1", []byte(`{"id":"u1","ts":"` + now.Format(time.RFC3339Nano) + `","args":` + good + `}`), "unsigned"},
		{"bad signature", "join", "s1", signed(t, []byte("not the device key!!"), joinTopic, "s1", now, good), "bad signature"},
		{"stale", "join", "t1", signed(t, testKey, joinTopic, "t1", now.Add(-5*time.Minute), good), "stale"},
		{"unknown", "reboot", "n1", signed(t, testKey, "edge/dev1/cmd/reboot", "n1", now, `{}`), "unknown command"},
		{"malformed", "join", "", []byte(`{"id":`), "malformed"},
		{"bad args", "log-level", "a1", signed(t, testKey, "edge/dev1/cmd/log-level", "a1", now, `{"level":"loud"}`), "bad args"},
		{"handler error", "renew-token", "h1", signed(t, testKey, "edge/dev1/cmd/renew-token", "h1", now, `{"token":"x"}`), "token rejected"},
		{"good leave", "leave", "l1", signed(t, testKey, "edge/dev1/cmd/leave", "l1", now, ``), ""},
	}
	pub := console.c
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			topic := "edge/dev1/cmd/" + tc.cmd
			pub.Publish(topic, 1, false, tc.payload).WaitTimeout(5 * time.Second)
			replies := console.waitOn(t, topic+"/reply", 5*time.Second, "reply", func(m []received) bool {
				return len(repliesOf(m)) > countBefore(tests[:i], tc.cmd)
			})
			rep := repliesOf(replies)[countBefore(tests[:i], tc.cmd)]
			if rep.ID != tc.id || rep.OK != (tc.want == "") || !strings.HasPrefix(rep.Error, tc.want) {
				t.Fatalf("reply = %+v, want id %q error %q", rep, tc.id, tc.want)
			}
		})
	}
	if n := calls.count("good1"); n != 1 {
		t.Errorf("good join ran %d times, want once", n)
	}
	calls.mu.Lock()
	defer calls.mu.Unlock()
	if len(calls.calls) != 3 { // good1, h1 (its handler failed), l1
		t.Errorf("handler called for %d commands, want 3: %+v", len(calls.calls), calls.calls)
	}
}

type reply struct {
	ID    string `json:"id"`
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

func repliesOf(msgs []received) []reply {
	var out []reply
	for _, m := range msgs {
		var r reply
		_ = json.Unmarshal(m.payload, &r)
		out = append(out, r)
	}
	return out
}

// cmdCase is a command sent by the console and the reply it must get.
type cmdCase struct {
	name, cmd, id string
	payload       []byte
	want          string // the error's start; "" = ok
}

// countBefore counts the earlier cases on the same command topic.
func countBefore(earlier []cmdCase, cmd string) int {
	n := 0
	for _, e := range earlier {
		if e.cmd == cmd {
			n++
		}
	}
	return n
}
