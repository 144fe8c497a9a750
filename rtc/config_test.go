package rtc

import "testing"

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"minimal", Config{Server: "ws://h:8080"}, true},
		{"wss with path", Config{Server: "wss://h/edge/ws", Media: MediaTest}, true},
		{"rtp media and sink", Config{Server: "ws://h", Media: "rtp://127.0.0.1:5004", Sink: "rtp://[::1]:5006"}, true},
		{"none", Config{Server: "ws://h", Media: MediaNone}, true},
		{"http server", Config{Server: "http://h:8080"}, false},
		{"no host", Config{Server: "ws:///ws"}, false},
		{"bad media", Config{Server: "ws://h", Media: "camera"}, false},
		{"rtp without port", Config{Server: "ws://h", Media: "rtp://127.0.0.1"}, false},
		{"rtp port 0", Config{Server: "ws://h", Media: "rtp://127.0.0.1:0"}, false},
		{"rtp with path", Config{Server: "ws://h", Media: "rtp://127.0.0.1:5004/x"}, false},
		{"udp sink", Config{Server: "ws://h", Sink: "udp://127.0.0.1:5004"}, false},
		{"negative timeout", Config{Server: "ws://h", AttemptTimeout: -1}, false},
		{"ports reversed", Config{Server: "ws://h", ICE: ICEConfig{UDPPortMin: 2, UDPPortMax: 1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.validate(); (err == nil) != tt.ok {
				t.Fatalf("validate: %v, want ok %t", err, tt.ok)
			}
		})
	}
}

func TestSignalURL_AddsThePath(t *testing.T) {
	for in, want := range map[string]string{
		"ws://h:8080":      "ws://h:8080/ws",
		"ws://h:8080/":     "ws://h:8080/ws",
		"wss://h/edge/ws":  "wss://h/edge/ws",
		"ws://h/ws?x=1":    "ws://h/ws?x=1",
		"ws://10.0.0.1:80": "ws://10.0.0.1:80/ws",
	} {
		if got, err := signalURL(in); err != nil || got != want {
			t.Errorf("signalURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestLocalRefusal(t *testing.T) {
	tests := []struct {
		name, app, channel, token string
		uid                       uint32
		reason                    int
	}{
		{"fine", "demo", "lobby", "tok", 1, 0},
		{"bad app", "de mo", "lobby", "", 1, 6},
		{"bad channel", "demo", "lob/by", "", 1, 7},
		{"uid 0", "demo", "lobby", "", 0, 10},
		{"token with a space", "demo", "lobby", "a b", 1, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := localRefusal(tt.app, tt.channel, tt.uid, tt.token); got != tt.reason {
				t.Fatalf("reason %d, want %d", got, tt.reason)
			}
		})
	}
}

func TestStreamUID(t *testing.T) {
	for in, want := range map[string]uint32{"u42": 42, "u4294967295": 4294967295, "42": 0, "u": 0, "ux": 0, "u4294967296": 0, "": 0} {
		if got := streamUID(in); got != want {
			t.Errorf("streamUID(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseRTP(t *testing.T) {
	pkt := []byte{0x90, 96, 0x12, 0x34, 0, 0, 0, 9, 0xde, 0xad, 0xbe, 0xef, // V=2, X=1, seq, ts, ssrc
		0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0, // one-byte header extension, one word
		0x10, 0, 0, 0} // VP8 descriptor S=1 PID=0, keyframe tag
	p, ok := parseRTP(pkt, true)
	if !ok || p.Seq != 0x1234 || p.Timestamp != 9 || p.SSRC != 0xdeadbeef || !p.FrameStart || !p.Keyframe {
		t.Fatalf("parseRTP: %+v, %t", p, ok)
	}
	if _, ok := parseRTP(pkt[:11], true); ok {
		t.Fatal("parsed a short packet")
	}
}
