package agent

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

const ms = time.Millisecond

// at is an input fed at T0 + After.
type at struct {
	After time.Duration
	In    Input
}

// silenceAt is the silence timer firing at T0 + d with the last data at T0 + last.
func silenceAt(d, last time.Duration) at {
	return at{d, TimerFired{ID: TimerSilence, LastData: t0.Add(last)}}
}

var (
	join      = at{0, JoinRequested{Channel: "lobby", UID: 1, Token: "tok"}}
	joinedT1  = at{200 * ms, Joined{}}
	connected = []at{join, joinedT1}
	// interrupted is T3 = T1 (the last data at 200 ms) + 4 s.
	interrupted = append(slices.Clone(connected), silenceAt(2200*ms, 200*ms), silenceAt(4200*ms, 200*ms))
)

func seq(parts ...[]at) []at { return slices.Concat(parts...) }

// play feeds steps to a fresh machine and returns the final status and the
// actions of the last step.
func play(m Machine, steps []at) (Status, []Action) {
	st := NewStatus(t0)
	var acts []Action
	for _, s := range steps {
		st, acts = m.Step(st, s.In, t0.Add(s.After))
	}
	return st, acts
}

// callbacks renders the Emit actions as the SDK's calls.
func callbacks(acts []Action) []string {
	var out []string
	for _, a := range acts {
		if e, ok := a.(Emit); ok {
			out = append(out, e.Event.String())
		}
	}
	return out
}

// has reports whether acts contains want.
func has(acts []Action, want Action) bool {
	return slices.ContainsFunc(acts, func(a Action) bool { return reflect.DeepEqual(a, want) })
}

func TestMachine_Step(t *testing.T) {
	m := NewMachine(DefaultTimers(), nil)
	failAt := 200*ms + 20*time.Second + 20*time.Minute
	tests := []struct {
		name      string
		steps     []at
		state     State
		reason    Reason
		callbacks []string
		actions   []Action // each must be among the last step's actions
		without   []Action // none may be
	}{
		{
			name: "T0 join requested: CONNECTING(CONNECTING), resuming what the session holds", steps: []at{join},
			state: StateConnecting, reason: ReasonConnecting,
			callbacks: []string{"onConnectionStateChanged(CONNECTING, CONNECTING)"},
			actions: []Action{
				StartJoin{Channel: "lobby", UID: 1, Token: "tok", Fresh: false},
				ArmTimer{ID: TimerSilence, At: t0.Add(10 * time.Second)},
			},
		},
		{
			name: "T1 joined: CONNECTED(JOIN_SUCCESS) and onJoinChannelSuccess", steps: connected,
			state: StateConnected, reason: ReasonJoinSuccess,
			callbacks: []string{"onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", `onJoinChannelSuccess("lobby", 1, 200ms)`},
			actions:   []Action{ArmTimer{ID: TimerSilence, At: t0.Add(2200 * ms)}},
		},
		{
			name: "T2 peer joined: onUserJoined", steps: seq(connected, []at{{300 * ms, PeerJoined{UID: 2}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: []string{"onUserJoined(2, 300ms)"},
		},
		{
			name: "silence 2 s: recovery starts, nothing reported", steps: seq(connected, []at{silenceAt(2200*ms, 200*ms)}),
			state: StateConnected, reason: ReasonJoinSuccess,
			actions: []Action{Reconnect{Attempt: 0, Step: StepICERestart}, ArmTimer{ID: TimerSilence, At: t0.Add(4200 * ms)}},
		},
		{
			name: "data keeps coming: the silence timer moves on", steps: seq(connected, []at{silenceAt(2200*ms, 2100*ms)}),
			state: StateConnected, reason: ReasonJoinSuccess,
			actions: []Action{ArmTimer{ID: TimerSilence, At: t0.Add(4100 * ms)}},
			without: []Action{Reconnect{Attempt: 0, Step: StepICERestart}},
		},
		{
			name: "T3+4s: RECONNECTING(INTERRUPTED)", steps: interrupted,
			state: StateReconnecting, reason: ReasonInterrupted,
			callbacks: []string{"onConnectionStateChanged(RECONNECTING, INTERRUPTED)"},
			actions:   []Action{ArmTimer{ID: TimerSilence, At: t0.Add(10200 * ms)}},
		},
		{
			name: "T3+10s: onConnectionLost, state unchanged", steps: seq(interrupted, []at{silenceAt(10200*ms, 200*ms)}),
			state: StateReconnecting, reason: ReasonInterrupted, callbacks: []string{"onConnectionLost()"},
			actions: []Action{ArmTimer{ID: TimerSilence, At: t0.Add(failAt)}},
		},
		{
			name:  "T7 = T6+20min: FAILED(JOIN_FAILED), stops trying",
			steps: seq(interrupted, []at{silenceAt(10200*ms, 200*ms), silenceAt(failAt, 200*ms)}),
			state: StateFailed, reason: ReasonJoinFailed,
			callbacks: []string{"onConnectionStateChanged(FAILED, JOIN_FAILED)"},
			actions:   []Action{StopSession{Leave: false}, CancelTimer{ID: TimerRetry}, ArmTimer{ID: TimerFailedRetry, At: t0.Add(failAt + time.Minute)}},
		},
		{
			name:  "one step before T7: still RECONNECTING",
			steps: seq(interrupted, []at{silenceAt(10200*ms, 200*ms), silenceAt(failAt-ms, 200*ms)}),
			state: StateReconnecting, reason: ReasonInterrupted,
		},
		{
			name: "rejoin before T7: CONNECTED(JOIN_SUCCESS) and onRejoinChannelSuccess", steps: seq(interrupted, []at{{7200 * ms, Joined{}}}),
			state: StateConnected, reason: ReasonJoinSuccess,
			callbacks: []string{"onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", `onRejoinChannelSuccess("lobby", 1, 7000ms)`},
			actions:   []Action{CancelTimer{ID: TimerRetry}, ArmTimer{ID: TimerSilence, At: t0.Add(9200 * ms)}},
		},
		{
			name: "network back before T3+4s: nothing reported", steps: seq(connected, []at{silenceAt(2200*ms, 200*ms), {3 * time.Second, Joined{}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: nil,
		},
		{
			name: "before the first join: onConnectionLost at 10 s, still CONNECTING", steps: []at{join, silenceAt(10*time.Second, 0)},
			state: StateConnecting, reason: ReasonConnecting, callbacks: []string{"onConnectionLost()"},
			actions: []Action{ArmTimer{ID: TimerSilence, At: t0.Add(20*time.Second + 20*time.Minute)}},
		},
		{
			name:  "before the first join: FAILED(JOIN_FAILED) at 20 min 20 s",
			steps: []at{join, silenceAt(10*time.Second, 0), silenceAt(20*time.Second+20*time.Minute, 0)},
			state: StateFailed, reason: ReasonJoinFailed, callbacks: []string{"onConnectionStateChanged(FAILED, JOIN_FAILED)"},
		},
		{
			name: "before the first join: data does not move T0", steps: []at{join, silenceAt(10*time.Second, 9*time.Second)},
			state: StateConnecting, reason: ReasonConnecting, callbacks: []string{"onConnectionLost()"},
		},
		{
			name: "leave: DISCONNECTED(LEAVE_CHANNEL) and onLeaveChannel", steps: seq(connected, []at{{time.Second, LeaveRequested{}}}),
			state: StateDisconnected, reason: ReasonLeaveChannel,
			callbacks: []string{"onConnectionStateChanged(DISCONNECTED, LEAVE_CHANNEL)", "onLeaveChannel()"},
			actions:   []Action{StopSession{Leave: true}, CancelTimer{ID: TimerSilence}},
		},
		{
			name: "leave while disconnected: nothing", steps: []at{{0, LeaveRequested{}}},
			state: StateDisconnected, reason: ReasonLeaveChannel,
		},
		{
			name: "leave in FAILED: DISCONNECTED", steps: seq(connected, []at{{time.Second, Refused{Reason: ReasonBannedByServer}}, {2 * time.Second, LeaveRequested{}}}),
			state: StateDisconnected, reason: ReasonLeaveChannel,
			callbacks: []string{"onConnectionStateChanged(DISCONNECTED, LEAVE_CHANNEL)", "onLeaveChannel()"},
			actions:   []Action{CancelTimer{ID: TimerFailedRetry}},
		},
		{
			name: "renew token: the session renews it", steps: seq(connected, []at{{time.Second, TokenChanged{Token: "new"}}}),
			state: StateConnected, reason: ReasonJoinSuccess, actions: []Action{RenewToken{Token: "new"}},
		},
		{
			name: "the same token again: nothing", steps: seq(connected, []at{{time.Second, TokenChanged{Token: "tok"}}}),
			state: StateConnected, reason: ReasonJoinSuccess, without: []Action{RenewToken{Token: "tok"}},
		},
		{
			name:  "token accepted: RENEW_TOKEN, state unchanged",
			steps: seq(connected, []at{{time.Second, TokenChanged{Token: "new"}}, {1100 * ms, TokenAccepted{}}}),
			state: StateConnected, reason: ReasonRenewToken, callbacks: []string{"onConnectionStateChanged(CONNECTED, RENEW_TOKEN)"},
		},
		{
			name: "token will expire: onTokenPrivilegeWillExpire", steps: seq(connected, []at{{time.Second, TokenWillExpire{}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: []string{"onTokenPrivilegeWillExpire()"},
		},
		{
			name: "address changed while connected: RECONNECTING(CLIENT_IP_ADDRESS_CHANGED) and a resume on the new path at once",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected,
				[]at{{time.Second, NetworkChanged{Type: NetworkWIFI, PathChanged: true}}}),
			state: StateReconnecting, reason: ReasonClientIPAddressChanged,
			callbacks: []string{"onNetworkTypeChanged(WIFI)", "onConnectionStateChanged(RECONNECTING, CLIENT_IP_ADDRESS_CHANGED)"},
			actions:   []Action{Reconnect{Attempt: 1, Step: StepRejoin}, ArmTimer{ID: TimerSilence, At: t0.Add(10200 * ms)}},
		},
		{
			name: "after an address change: CONNECTED(JOIN_SUCCESS) and onRejoinChannelSuccess",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected,
				[]at{{time.Second, NetworkChanged{Type: NetworkLAN, PathChanged: true}}, {1030 * ms, Joined{}}}),
			state: StateConnected, reason: ReasonJoinSuccess,
			callbacks: []string{"onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", `onRejoinChannelSuccess("lobby", 1, 30ms)`},
		},
		{
			name: "network type changed: onNetworkTypeChanged", steps: []at{{0, NetworkChanged{Type: NetworkLAN}}, {time.Second, NetworkChanged{Type: NetworkWIFI}}},
			state: StateDisconnected, reason: ReasonLeaveChannel, callbacks: []string{"onNetworkTypeChanged(WIFI)"},
		},
		{
			name:  "path lost: onNetworkTypeChanged(DISCONNECTED) at once, state unchanged, transport suspended",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected, []at{{time.Second, NetworkChanged{Type: NetworkDisconnected}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: []string{"onNetworkTypeChanged(DISCONNECTED)"},
			actions: []Action{CancelTimer{ID: TimerRetry}, StopSession{Leave: false}},
		},
		{
			name: "path lost twice: one suspension",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected, []at{{time.Second, NetworkChanged{Type: NetworkDisconnected}},
				{1100 * ms, NetworkChanged{Type: NetworkDisconnected, PathChanged: true}}}),
			state: StateConnected, reason: ReasonJoinSuccess, without: []Action{StopSession{Leave: false}},
		},
		{
			name: "no usable path: the silence does not make attempts",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected,
				[]at{{time.Second, NetworkChanged{Type: NetworkDisconnected}}, silenceAt(2200*ms, 200*ms)}),
			state: StateConnected, reason: ReasonJoinSuccess,
			without: []Action{Reconnect{Attempt: 0, Step: StepICERestart}},
		},
		{
			name: "path back: the suspended session resumes at once",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected,
				[]at{{time.Second, NetworkChanged{Type: NetworkDisconnected}}, silenceAt(2200*ms, 200*ms), {2500 * ms, NetworkChanged{Type: NetworkLAN}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: []string{"onNetworkTypeChanged(LAN)"},
			actions: []Action{StartJoin{Channel: "lobby", UID: 1, Token: "tok"}},
		},
		{
			name: "path back, resume failed: a full rejoin after the backoff",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected,
				[]at{{time.Second, NetworkChanged{Type: NetworkDisconnected}}, {2500 * ms, NetworkChanged{Type: NetworkLAN}},
					{2600 * ms, AttemptFailed{}}, {2650 * ms, TimerFired{ID: TimerRetry}}}),
			state: StateConnected, reason: ReasonJoinSuccess, actions: []Action{Reconnect{Attempt: 1, Step: StepRejoin}},
		},
		{
			name: "a 1.5 s flap: no connection state callback",
			steps: seq([]at{{0, NetworkChanged{Type: NetworkLAN}}}, connected,
				[]at{{time.Second, NetworkChanged{Type: NetworkDisconnected}}, {2500 * ms, NetworkChanged{Type: NetworkLAN}}, {2510 * ms, Joined{}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: nil,
		},
		{
			name: "peer offline: onUserOffline(DROPPED)", steps: seq(connected, []at{{300 * ms, PeerJoined{UID: 2}}, {30 * time.Second, PeerOffline{UID: 2, Reason: OfflineDropped}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: []string{"onUserOffline(2, DROPPED)"},
		},
		{
			name: "peer quit: onUserOffline(QUIT)", steps: seq(connected, []at{{300 * ms, PeerJoined{UID: 2}}, {time.Second, PeerOffline{UID: 2, Reason: OfflineQuit}}}),
			state: StateConnected, reason: ReasonJoinSuccess, callbacks: []string{"onUserOffline(2, QUIT)"},
		},
		{
			name: "peer offline for an unknown uid: nothing", steps: seq(connected, []at{{time.Second, PeerOffline{UID: 9, Reason: OfflineQuit}}}),
			state: StateConnected, reason: ReasonJoinSuccess,
		},
		{
			name: "peer joined twice: one callback", steps: seq(connected, []at{{300 * ms, PeerJoined{UID: 2}}, {400 * ms, PeerJoined{UID: 2}}}),
			state: StateConnected, reason: ReasonJoinSuccess,
		},
		{
			name: "peer events before the join: nothing", steps: []at{join, {100 * ms, PeerJoined{UID: 2}}},
			state: StateConnecting, reason: ReasonConnecting,
		},
		{
			name: "rejoin lists peers: newcomers joined, the missing dropped",
			steps: seq(connected, []at{{300 * ms, PeerJoined{UID: 2}}, {400 * ms, PeerJoined{UID: 3}},
				silenceAt(2400*ms, 400*ms), silenceAt(4400*ms, 400*ms), {6 * time.Second, Joined{Peers: []uint32{3, 4}}}}),
			state: StateConnected, reason: ReasonJoinSuccess,
			callbacks: []string{"onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", `onRejoinChannelSuccess("lobby", 1, 5600ms)`,
				"onUserOffline(2, DROPPED)", "onUserJoined(4, 6000ms)"},
		},
		{
			name: "attempt failed: the next one after the backoff", steps: seq(interrupted, []at{{4300 * ms, AttemptFailed{Err: errors.New("timeout")}}}),
			state: StateReconnecting, reason: ReasonInterrupted, actions: []Action{ArmTimer{ID: TimerRetry, At: t0.Add(4350 * ms)}},
		},
		{
			name: "retry timer: escalates to a full rejoin", steps: seq(interrupted, []at{{4300 * ms, AttemptFailed{}}, {4350 * ms, TimerFired{ID: TimerRetry}}}),
			state: StateReconnecting, reason: ReasonInterrupted, actions: []Action{Reconnect{Attempt: 1, Step: StepRejoin}},
		},
		{
			name: "first join failed: joins again after the backoff", steps: []at{join, {50 * ms, AttemptFailed{}}, {300 * ms, TimerFired{ID: TimerRetry}}},
			state: StateConnecting, reason: ReasonConnecting, actions: []Action{StartJoin{Channel: "lobby", UID: 1, Token: "tok"}},
		},
		{
			name: "session down: recovery at once, nothing reported", steps: seq(connected, []at{{time.Second, SessionDown{}}}),
			state: StateConnected, reason: ReasonJoinSuccess, actions: []Action{Reconnect{Attempt: 0, Step: StepICERestart}},
		},
		{
			name: "FAILED: the daemon joins again after retry-after-failed",
			steps: seq(connected, []at{{time.Second, Refused{Reason: ReasonTokenExpired}},
				{61 * time.Second, TimerFired{ID: TimerFailedRetry}}}),
			state: StateConnecting, reason: ReasonConnecting, callbacks: []string{"onConnectionStateChanged(CONNECTING, CONNECTING)"},
			actions: []Action{StartJoin{Channel: "lobby", UID: 1, Token: "tok", Fresh: true}},
		},
		{
			name:  "FAILED: a new token joins again at once",
			steps: seq(connected, []at{{time.Second, Refused{Reason: ReasonTokenExpired}}, {2 * time.Second, TokenChanged{Token: "fresh"}}}),
			state: StateConnecting, reason: ReasonConnecting, callbacks: []string{"onConnectionStateChanged(CONNECTING, CONNECTING)"},
			actions: []Action{StartJoin{Channel: "lobby", UID: 1, Token: "fresh", Fresh: true}, CancelTimer{ID: TimerFailedRetry}},
		},
		{
			name:  "FAILED: a console rejoin joins again at once",
			steps: seq(connected, []at{{time.Second, Refused{Reason: ReasonRejectedByServer}}, {2 * time.Second, RejoinRequested{}}}),
			state: StateConnecting, reason: ReasonConnecting, callbacks: []string{"onConnectionStateChanged(CONNECTING, CONNECTING)"}, actions: []Action{StartJoin{Channel: "lobby", UID: 1, Token: "tok", Fresh: true}},
		},
		{
			name: "console rejoin while connected: a full rejoin now", steps: seq(connected, []at{{time.Second, RejoinRequested{}}}),
			state: StateConnected, reason: ReasonJoinSuccess, actions: []Action{Reconnect{Attempt: 1, Step: StepRejoin}},
		},
		{
			name: "join another channel: leave, then join", steps: seq(connected, []at{{time.Second, JoinRequested{Channel: "hall", UID: 1}}}),
			state: StateConnecting, reason: ReasonConnecting,
			callbacks: []string{"onConnectionStateChanged(DISCONNECTED, LEAVE_CHANNEL)", "onLeaveChannel()", "onConnectionStateChanged(CONNECTING, CONNECTING)"},
			actions:   []Action{StopSession{Leave: true}, StartJoin{Channel: "hall", UID: 1}},
		},
		{
			name: "join the same channel again: nothing", steps: seq(connected, []at{{time.Second, join.In}}),
			state: StateConnected, reason: ReasonJoinSuccess,
		},
		{
			name: "a late success after leave: ignored", steps: seq(connected, []at{{time.Second, LeaveRequested{}}, {1100 * ms, Joined{}}}),
			state: StateDisconnected, reason: ReasonLeaveChannel,
		},
		{
			name: "a refusal with a reason that is no refusal: ignored", steps: seq(connected, []at{{time.Second, Refused{Reason: ReasonInterrupted}}}),
			state: StateConnected, reason: ReasonJoinSuccess,
		},
		{
			name: "a stale retry timer after the rejoin: ignored", steps: seq(interrupted, []at{{5 * time.Second, Joined{}}, {5100 * ms, TimerFired{ID: TimerRetry}}}),
			state: StateConnected, reason: ReasonJoinSuccess, without: []Action{Reconnect{Attempt: 1, Step: StepRejoin}},
		},
	}
	for _, r := range []Reason{ReasonBannedByServer, ReasonInvalidAppID, ReasonInvalidChannelName, ReasonInvalidToken, ReasonTokenExpired, ReasonRejectedByServer} {
		tests = append(tests, struct {
			name      string
			steps     []at
			state     State
			reason    Reason
			callbacks []string
			actions   []Action
			without   []Action
		}{
			name: fmt.Sprintf("refused %s while joining: FAILED(%s)", r, r), steps: []at{join, {100 * ms, Refused{Reason: r}}},
			state: StateFailed, reason: r, callbacks: []string{fmt.Sprintf("onConnectionStateChanged(FAILED, %s)", r)},
			actions: []Action{StopSession{Leave: false}, ArmTimer{ID: TimerFailedRetry, At: t0.Add(time.Minute + 100*ms)}},
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, acts := play(m, tt.steps)
			if st.State != tt.state || st.Reason != tt.reason {
				t.Errorf("state = %s(%s), want %s(%s)", st.State, st.Reason, tt.state, tt.reason)
			}
			if got := callbacks(acts); !slices.Equal(got, tt.callbacks) {
				t.Errorf("callbacks = %q, want %q", got, tt.callbacks)
			}
			for _, a := range tt.actions {
				if !has(acts, a) {
					t.Errorf("actions %#v lack %#v", acts, a)
				}
			}
			for _, a := range tt.without {
				if has(acts, a) {
					t.Errorf("actions %#v hold %#v", acts, a)
				}
			}
		})
	}
}

func TestMachine_StepLeavesInputUnchanged(t *testing.T) {
	m := NewMachine(DefaultTimers(), nil)
	st, _ := play(m, seq(connected, []at{{300 * ms, PeerJoined{UID: 2}}, {400 * ms, PeerJoined{UID: 3}}}))
	before := slices.Clone(st.Peers)
	m.Step(st, PeerOffline{UID: 2}, t0.Add(time.Second))
	m.Step(st, PeerJoined{UID: 4}, t0.Add(time.Second))
	if !slices.Equal(st.Peers, before) {
		t.Fatalf("Step changed its input: peers %v, were %v", st.Peers, before)
	}
}

func TestEnums_String(t *testing.T) {
	tests := []struct {
		name string
		got  fmt.Stringer
		want string
	}{
		{"state", StateReconnecting, "RECONNECTING"},
		{"unknown state", State(0), "State(0)"},
		{"reason zero is CONNECTING", Reason(0), "CONNECTING"},
		{"reason 13", Reason(13), "CLIENT_IP_ADDRESS_CHANGED"},
		{"unknown reason", Reason(99), "Reason(99)"},
		{"offline", OfflineReason(1), "DROPPED"},
		{"network -1", NetworkType(-1), "UNKNOWN"},
		{"network 6", NetworkType(6), "MOBILE_5G"},
		{"event", OnRejoinChannelSuccess, "onRejoinChannelSuccess"},
		{"unknown event", EventKind(0), "EventKind(0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s := tt.got.String(); s != tt.want {
				t.Errorf("String() = %q, want %q", s, tt.want)
			}
		})
	}
}

// TestEnums_SDKValues pins the numbers consoles and apps rely on (SPEC §1).
func TestEnums_SDKValues(t *testing.T) {
	states := map[State]int{StateDisconnected: 1, StateConnecting: 2, StateConnected: 3, StateReconnecting: 4, StateFailed: 5}
	for s, v := range states {
		if int(s) != v {
			t.Errorf("%s = %d, want %d", s, int(s), v)
		}
	}
	for v := 0; v <= 14; v++ {
		if n := Reason(v).String(); n == fmt.Sprintf("Reason(%d)", v) {
			t.Errorf("reason %d has no name", v)
		}
	}
	if ReasonClientIPAddressChanged != 13 || ReasonRenewToken != 12 || ReasonKeepAliveTimeout != 14 {
		t.Error("reason values moved")
	}
	if OfflineQuit != 0 || OfflineDropped != 1 || OfflineBecomeAudience != 2 {
		t.Error("offline reason values moved")
	}
	if NetworkUnknown != -1 || NetworkDisconnected != 0 || NetworkMobile5G != 6 {
		t.Error("network type values moved")
	}
}
