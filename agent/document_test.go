package agent

import (
	"encoding/json"
	"testing"
	"time"
)

func TestEvent_Document(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
		want string
	}{
		{"state changed", Event{Kind: OnConnectionStateChanged, Channel: "c", UID: 1, State: StateReconnecting, Reason: ReasonInterrupted},
			`{"event":"onConnectionStateChanged","channel":"c","uid":1,"state":"RECONNECTING","state_code":4,"reason":"INTERRUPTED","reason_code":2}`},
		{"reason zero is written", Event{Kind: OnConnectionStateChanged, Channel: "c", UID: 1, State: StateConnecting, Reason: ReasonConnecting},
			`{"event":"onConnectionStateChanged","channel":"c","uid":1,"state":"CONNECTING","state_code":2,"reason":"CONNECTING","reason_code":0}`},
		{"user offline", Event{Kind: OnUserOffline, Channel: "c", UID: 1, RemoteUID: 2, Offline: OfflineQuit},
			`{"event":"onUserOffline","channel":"c","uid":1,"reason":"QUIT","reason_code":0,"remote_uid":2}`},
		{"user joined", Event{Kind: OnUserJoined, Channel: "c", UID: 1, RemoteUID: 2, Elapsed: 120 * time.Millisecond},
			`{"event":"onUserJoined","channel":"c","uid":1,"remote_uid":2,"elapsed_ms":120}`},
		{"rejoin", Event{Kind: OnRejoinChannelSuccess, Channel: "c", UID: 1, Elapsed: 0},
			`{"event":"onRejoinChannelSuccess","channel":"c","uid":1,"elapsed_ms":0}`},
		{"network", Event{Kind: OnNetworkTypeChanged, Channel: "c", UID: 1, Network: NetworkDisconnected},
			`{"event":"onNetworkTypeChanged","channel":"c","uid":1,"network_type":"DISCONNECTED","network_type_code":0}`},
		{"token is not written", Event{Kind: OnTokenPrivilegeWillExpire, Channel: "c", UID: 1, Token: "secret"},
			`{"event":"onTokenPrivilegeWillExpire","channel":"c","uid":1}`},
		{"lost", Event{Kind: OnConnectionLost, Channel: "c", UID: 1}, `{"event":"onConnectionLost","channel":"c","uid":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.ev.Document())
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestStatus_Document(t *testing.T) {
	st := NewStatus(t0)
	b, _ := json.Marshal(st.Document())
	want := `{"state":"DISCONNECTED","state_code":1,"reason":"LEAVE_CHANNEL","reason_code":5,"since":"2026-11-30T12:00:00Z","channel":"","uid":0,"peers":[],"network_type":"UNKNOWN","network_type_code":-1}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
