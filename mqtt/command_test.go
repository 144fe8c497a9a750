package mqtt

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

const joinTopic = "edge/dev1/cmd/join"

func signed(t testing.TB, key []byte, topic, id string, ts time.Time, args string) []byte {
	t.Helper()
	p, err := SignCommand(key, topic, id, ts, json.RawMessage(args))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerifier_Refusals(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	v := verifier{key: testKey, maxSkew: time.Minute}
	good := `{"channel":"lobby","uid":7}`
	tests := []struct {
		name    string
		topic   string
		payload []byte
		want    error
	}{
		{"good", joinTopic, signed(t, testKey, joinTopic, "a1", now, good), nil},
		{"unsigned", joinTopic, []byte(`{"id":"a2","ts":"2025-01-02T03:04:05Z","args":` + good + `}`), ErrUnsigned},
		{"other key", joinTopic, signed(t, []byte("another key, 16+ bytes"), joinTopic, "a3", now, good), ErrBadSignature},
		{"other topic", joinTopic, signed(t, testKey, "edge/dev2/cmd/join", "a4", now, good), ErrBadSignature},
		{"sig not hex", joinTopic, []byte(`{"id":"a5","ts":"2025-01-02T03:04:05Z","args":{},"sig":"zz"}`), ErrBadSignature},
		{"stale", joinTopic, signed(t, testKey, joinTopic, "a6", now.Add(-2*time.Minute), good), ErrStale},
		{"from the future", joinTopic, signed(t, testKey, joinTopic, "a7", now.Add(2*time.Minute), good), ErrStale},
		{"unknown", "edge/dev1/cmd/reboot", signed(t, testKey, "edge/dev1/cmd/reboot", "a8", now, `{}`), ErrUnknownCommand},
		{"not json", joinTopic, []byte(`{"id":"a9",`), ErrMalformed},
		{"extra field", joinTopic, []byte(`{"id":"b1","ts":"x","args":{},"sig":"","x":1}`), ErrMalformed},
		{"bad id", joinTopic, []byte(`{"id":"a b","ts":"2025-01-02T03:04:05Z","args":{},"sig":"00"}`), ErrMalformed},
		{"empty", joinTopic, nil, ErrMalformed},
		{"args not object", joinTopic, []byte(`{"id":"b2","ts":"x","args":[1],"sig":"00"}`), ErrMalformed},
		{"uid 0", joinTopic, signed(t, testKey, joinTopic, "b3", now, `{"channel":"c","uid":0}`), ErrBadArgs},
		{"uid negative", joinTopic, signed(t, testKey, joinTopic, "b4", now, `{"channel":"c","uid":-1}`), ErrBadArgs},
		{"no channel", joinTopic, signed(t, testKey, joinTopic, "b5", now, `{"uid":3}`), ErrBadArgs},
		{"unknown arg", joinTopic, signed(t, testKey, joinTopic, "b6", now, `{"channel":"c","uid":3,"x":1}`), ErrBadArgs},
		{"leave with args", "edge/dev1/cmd/leave", signed(t, testKey, "edge/dev1/cmd/leave", "b7", now, `{"a":1}`), ErrBadArgs},
		{"bad level", "edge/dev1/cmd/log-level", signed(t, testKey, "edge/dev1/cmd/log-level", "b8", now, `{"level":"loud"}`), ErrBadArgs},
		{"no token", "edge/dev1/cmd/renew-token", signed(t, testKey, "edge/dev1/cmd/renew-token", "b9", now, `{}`), ErrBadArgs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.topic[strings.LastIndexByte(tc.topic, '/')+1:]
			_, err := v.verify(tc.topic, name, tc.payload, now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifier_NoKeyRefusesUnlessInsecure(t *testing.T) {
	now := time.Now()
	payload := []byte(`{"id":"x1","ts":"` + now.Format(time.RFC3339Nano) + `","args":{}}`)
	if _, err := (verifier{maxSkew: time.Minute}).verify("edge/d/cmd/rejoin", "rejoin", payload, now); !errors.Is(err, ErrCommandsDisabled) {
		t.Fatalf("no key: %v", err)
	}
	cmd, err := verifier{insecure: true, maxSkew: time.Minute}.verify("edge/d/cmd/rejoin", "rejoin", payload, now)
	if err != nil || cmd.ID != "x1" || string(cmd.Args) != "{}" {
		t.Fatalf("insecure: %+v %v", cmd, err)
	}
}

func TestSignCommand_ArgsSignedVerbatim(t *testing.T) {
	now := time.Now()
	p := signed(t, testKey, joinTopic, "h1", now, `{ "channel" : "<a&b>", "uid": 9 }`)
	if !strings.Contains(string(p), `"args":{"channel":"<a&b>","uid":9}`) {
		t.Fatalf("payload %s: args not compact and verbatim", p)
	}
	cmd, err := verifier{key: testKey, maxSkew: time.Minute}.verify(joinTopic, "join", p, now)
	if err != nil {
		t.Fatal(err)
	}
	var a JoinArgs
	if err := json.Unmarshal(cmd.Args, &a); err != nil || a.Channel != "<a&b>" || a.UID != 9 {
		t.Fatalf("args %s → %+v %v", cmd.Args, a, err)
	}
}

func TestSeenIDs_ReplayRefusedAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	s := loadSeen(dir, time.Minute, testLogger(t))
	if err := s.admit("id1", now, now); err != nil {
		t.Fatal(err)
	}
	if err := s.admit("id1", now, now); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay in the same run: %v", err)
	}
	s = loadSeen(dir, time.Minute, testLogger(t))
	if err := s.admit("id1", now, now.Add(30*time.Second)); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay after a restart: %v", err)
	}
	if err := s.admit("id1", now, now.Add(61*time.Second)); err != nil {
		t.Fatalf("id forgotten after the window (the command is stale by then): %v", err)
	}
}

// FuzzVerify feeds arbitrary payloads and names to the verifier: it must
// never panic, and whatever it accepts must carry a valid signature,
// a fresh ts, a known name and args that decode into the command's type.
func FuzzVerify(f *testing.F) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Add("join", signed(f, testKey, joinTopic, "s1", now, `{"channel":"c","uid":1}`))
	f.Add("leave", signed(f, testKey, "edge/dev1/cmd/leave", "s2", now, ``))
	f.Add("log-level", []byte(`{"id":"s3","ts":"2025-01-02T03:04:05Z","args":{"level":"info"},"sig":"00"}`))
	f.Add("join", []byte(`{"id":"s4","ts":"2025-01-02T03:04:05Z","args":{"channel":"c","uid":1}}`))
	f.Add("x", []byte(`{`))
	v := verifier{key: testKey, maxSkew: time.Minute}
	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		topic := "edge/dev1/cmd/" + name
		cmd, err := v.verify(topic, name, payload, now)
		if err != nil {
			return
		}
		var w wireCommand
		if json.Unmarshal(payload, &w) != nil || !verifySignature(testKey, topic, w.ID, w.TS, w.Args, w.Sig) {
			t.Fatalf("accepted without a valid signature: %q", payload)
		}
		if now.Sub(cmd.TS).Abs() > time.Minute || argCheckers[name] == nil || argCheckers[name](cmd.Args) != nil {
			t.Fatalf("accepted a stale, unknown or badly argued command: %q %q", name, payload)
		}
	})
}
