package signal

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDecode_Refusals(t *testing.T) {
	join := func(data string) string { return `{"v":1,"type":"join","data":` + data + `}` }
	tests := []struct {
		name string
		msg  string
		code Code
		ref  Type
	}{
		{"not json", `hello`, CodeMalformed, ""},
		{"empty", ``, CodeMalformed, ""},
		{"array", `[]`, CodeMalformed, ""},
		{"trailing data", `{"v":1,"type":"heartbeat"} {}`, CodeMalformed, ""},
		{"unknown envelope field", `{"v":1,"type":"heartbeat","x":1}`, CodeMalformed, ""},
		{"missing v", `{"type":"heartbeat"}`, CodeMalformed, TypeHeartbeat},
		{"v not a number", `{"v":"1","type":"heartbeat"}`, CodeMalformed, ""},
		{"v fraction", `{"v":1.5,"type":"heartbeat"}`, CodeMalformed, ""},
		{"v 2", `{"v":2,"type":"heartbeat"}`, CodeUnsupportedVersion, TypeHeartbeat},
		{"v 0 unknown type", `{"v":0,"type":"frobnicate"}`, CodeUnsupportedVersion, ""},
		{"missing type", `{"v":1}`, CodeMalformed, ""},
		{"unknown type", `{"v":1,"type":"frobnicate"}`, CodeMalformed, ""},
		{"data not object", `{"v":1,"type":"offer","data":"v=0"}`, CodeMalformed, TypeOffer},
		{"unknown data field", `{"v":1,"type":"heartbeat","data":{"t":1}}`, CodeMalformed, TypeHeartbeat},
		{"join missing everything", join(`{}`), CodeInvalidAppID, TypeJoin},
		{"join bad app id", join(`{"app_id":"a.b","channel":"c","uid":1,"kind":"native"}`), CodeInvalidAppID, TypeJoin},
		{"join empty channel", join(`{"app_id":"a","channel":"","uid":1,"kind":"native"}`), CodeInvalidChannelName, TypeJoin},
		{"join channel with space", join(`{"app_id":"a","channel":"my room","uid":1,"kind":"native"}`), CodeInvalidChannelName, TypeJoin},
		{"join channel too long", join(`{"app_id":"a","channel":"` + strings.Repeat("c", 65) + `","uid":1,"kind":"native"}`), CodeInvalidChannelName, TypeJoin},
		{"join channel unicode", join(`{"app_id":"a","channel":"café","uid":1,"kind":"native"}`), CodeInvalidChannelName, TypeJoin},
		{"join uid 0", join(`{"app_id":"a","channel":"c","uid":0,"kind":"native"}`), CodeMalformed, TypeJoin},
		{"join uid missing", join(`{"app_id":"a","channel":"c","kind":"native"}`), CodeMalformed, TypeJoin},
		{"join uid negative", join(`{"app_id":"a","channel":"c","uid":-1,"kind":"native"}`), CodeMalformed, TypeJoin},
		{"join uid too big", join(`{"app_id":"a","channel":"c","uid":4294967296,"kind":"native"}`), CodeMalformed, TypeJoin},
		{"join bad kind", join(`{"app_id":"a","channel":"c","uid":1,"kind":"robot"}`), CodeMalformed, TypeJoin},
		{"join token with space", join(`{"app_id":"a","channel":"c","uid":1,"kind":"web","token":"a b"}`), CodeMalformed, TypeJoin},
		{"join resume without proof", join(`{"app_id":"a","channel":"c","uid":1,"kind":"web","resume":{"session":"s"}}`), CodeMalformed, TypeJoin},
		{"join resume unknown field", join(`{"app_id":"a","channel":"c","uid":1,"kind":"web","resume":{"session":"s","proof":"p","nonce":"n"}}`), CodeMalformed, TypeJoin},
		{"offer without sdp", `{"v":1,"type":"offer","data":{}}`, CodeMalformed, TypeOffer},
		{"answer not sdp", `{"v":1,"type":"answer","data":{"sdp":"hello"}}`, CodeMalformed, TypeAnswer},
		{"candidate without prefix", `{"v":1,"type":"candidate","data":{"candidate":"1 1 udp"}}`, CodeMalformed, TypeCandidate},
		{"renew without token", `{"v":1,"type":"renew-token","data":{}}`, CodeMalformed, TypeRenewToken},
		{"peer-offline bad reason", `{"v":1,"type":"peer-offline","data":{"uid":2,"reason":"GONE"}}`, CodeMalformed, TypePeerOffline},
		{"error unknown code", `{"v":1,"type":"error","data":{"code":"OOPS","fatal":true}}`, CodeMalformed, TypeError},
		{"joined missing secret", `{"v":1,"type":"joined","data":{"session":"s","peers":[],"heartbeat_ms":500}}`, CodeMalformed, TypeJoined},
		{"joined peer uid 0", `{"v":1,"type":"joined","data":{"session":"s","resume_secret":"k","peers":[{"uid":0,"kind":"web"}],"heartbeat_ms":500}}`, CodeMalformed, TypeJoined},
		{"oversized", `{"v":1,"type":"offer","data":{"sdp":"v=0` + strings.Repeat("x", MaxMessageSize) + `"}}`, CodeOversized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.msg))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode = %v, want *Error %s", err, tt.code)
			}
			if e.Code != tt.code || e.Ref != tt.ref {
				t.Fatalf("Decode = %v, want code %s ref %q", err, tt.code, tt.ref)
			}
		})
	}
}

func TestDecode_Accepts(t *testing.T) {
	mid, idx := "0", uint16(0)
	tests := []struct {
		name string
		msg  string
		want Body
	}{
		{"heartbeat without data", `{"v":1,"type":"heartbeat"}`, &Heartbeat{}},
		{"heartbeat null data", `{"v":1,"type":"heartbeat","data":null}`, &Heartbeat{}},
		{"leave", `{"v":1,"type":"leave","data":{}}`, &Leave{}},
		{"join", `{"v":1,"type":"join","data":{"app_id":"demo","channel":"lobby-1","uid":42,"token":"t","kind":"native"}}`,
			&Join{AppID: "demo", Channel: "lobby-1", UID: 42, Token: "t", Kind: KindNative}},
		{"join max uid", `{"v":1,"type":"join","data":{"app_id":"a","channel":"c","uid":4294967295,"kind":"web"}}`,
			&Join{AppID: "a", Channel: "c", UID: 4294967295, Kind: KindWeb}},
		{"join resume", `{"v":1,"type":"join","data":{"app_id":"a","channel":"c","uid":1,"kind":"web","resume":{"session":"s","proof":"p"}}}`,
			&Join{AppID: "a", Channel: "c", UID: 1, Kind: KindWeb, Resume: &Resume{Session: "s", Proof: "p"}}},
		{"end of candidates", `{"v":1,"type":"candidate","data":{"candidate":""}}`, &Candidate{}},
		{"candidate", `{"v":1,"type":"candidate","data":{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdp_mid":"0","sdp_mline_index":0}}`,
			&Candidate{Candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", SDPMid: &mid, SDPMLineIndex: &idx}},
		{"peer-offline", `{"v":1,"type":"peer-offline","data":{"uid":7,"reason":"DROPPED"}}`, &PeerOffline{UID: 7, Reason: OfflineDropped}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.msg))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Decode = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEncode_RoundTrip(t *testing.T) {
	bodies := []Body{
		&Hello{Nonce: NewID(16), Versions: []int{Version}, HeartbeatMS: 500, MaxMessage: MaxMessageSize},
		&Join{AppID: "demo", Channel: "lobby", UID: 1, Token: "tok", Kind: KindNative, Resume: &Resume{Session: "s", Proof: "p"}},
		&Joined{Session: "s", ResumeSecret: "k", Peers: []Peer{{UID: 2, Kind: KindWeb}}, Resumed: true, HeartbeatMS: 500, TokenExpiry: 1700000000},
		&PeerJoined{UID: 2, Kind: KindNative},
		&PeerOffline{UID: 2, Reason: OfflineQuit},
		&Heartbeat{}, &Leave{}, &RestartICE{},
		&Offer{SDP: "v=0\r\n"}, &Answer{SDP: "v=0\r\n"},
		&Candidate{Candidate: "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host"},
		&RenewToken{Token: "tok"}, &TokenRenewed{TokenExpiry: 1}, &TokenWillExpire{TokenExpiry: 1},
		&Kicked{Message: "bye"},
		&ErrorMsg{Code: CodeOutOfOrder, Message: "offer before join", Ref: TypeAnswer},
	}
	for _, b := range bodies {
		t.Run(string(b.Type()), func(t *testing.T) {
			msg, err := Encode(b)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got, err := Decode(msg)
			if err != nil {
				t.Fatalf("Decode(%s): %v", msg, err)
			}
			if !reflect.DeepEqual(got, b) {
				t.Fatalf("round trip of %s = %#v, want %#v", msg, got, b)
			}
		})
	}
}

func TestEncode_RefusesInvalid(t *testing.T) {
	if _, err := Encode(&Join{AppID: "a", Channel: "bad name", UID: 1, Kind: KindNative}); CodeOf(err) != CodeInvalidChannelName {
		t.Fatalf("Encode(bad channel) = %v, want %s", err, CodeInvalidChannelName)
	}
	big := &Offer{SDP: "v=0" + strings.Repeat("x", MaxMessageSize)}
	if _, err := Encode(big); CodeOf(err) != CodeOversized {
		t.Fatalf("Encode(big) = %v, want %s", err, CodeOversized)
	}
}

func TestEncode_Shape(t *testing.T) {
	got := string(MustEncode(&PeerOffline{UID: 3, Reason: OfflineDropped}))
	want := `{"v":1,"type":"peer-offline","data":{"uid":3,"reason":"DROPPED"}}`
	if got != want {
		t.Fatalf("Encode = %s, want %s", got, want)
	}
}

func TestType_SentBy(t *testing.T) {
	tests := []struct {
		name string
		t    Type
		side Side
		want bool
	}{
		{"client joins", TypeJoin, FromClient, true},
		{"server does not join", TypeJoin, FromServer, false},
		{"client does not offer", TypeOffer, FromClient, false},
		{"both heartbeat", TypeHeartbeat, FromClient | FromServer, true},
		{"client trickles", TypeCandidate, FromClient, true},
		{"unknown type", Type("x"), FromClient, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.SentBy(tt.side); got != tt.want {
				t.Fatalf("%s.SentBy(%d) = %v, want %v", tt.t, tt.side, got, tt.want)
			}
		})
	}
}

func TestCode_Reason(t *testing.T) {
	tests := []struct {
		code Code
		want int
		ok   bool
	}{
		{CodeInvalidAppID, 6, true}, {CodeInvalidChannelName, 7, true}, {CodeInvalidToken, 8, true},
		{CodeTokenExpired, 9, true}, {CodeRejected, 10, true}, {CodeMalformed, 0, false}, {CodeOversized, 0, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			got, ok := tt.code.Reason()
			if got != tt.want || ok != tt.ok {
				t.Fatalf("Reason = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"simple", "lobby", true}, {"all classes", "A-z_0-9", true}, {"64", strings.Repeat("a", 64), true},
		{"empty", "", false}, {"65", strings.Repeat("a", 65), false}, {"dot", "a.b", false},
		{"slash", "a/b", false}, {"space", "a b", false}, {"nul", "a\x00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidName(tt.in); got != tt.want {
				t.Fatalf("ValidName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
