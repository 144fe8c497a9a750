package agent

import (
	"time"

	"github.com/edge-agent/edge-agent/rtc"
)

// RTCSession adapts an rtc.Session to the Session the agent drives.
type RTCSession struct{ S *rtc.Session }

// Join implements Session.
func (r RTCSession) Join(j StartJoin) { r.S.Join(j.Channel, j.UID, j.Token, j.Fresh) }

// Reconnect implements Session: the first step of the plan is an ICE
// restart, every later one a full resume.
func (r RTCSession) Reconnect(c Reconnect) { r.S.Reconnect(c.Attempt, c.Step == StepICERestart) }

// Stop implements Session.
func (r RTCSession) Stop(s StopSession) { r.S.Stop(s.Leave) }

// RenewToken implements Session.
func (r RTCSession) RenewToken(token string) { r.S.RenewToken(token) }

// LastData implements Session.
func (r RTCSession) LastData() time.Time { return r.S.LastData() }

// RTCInput turns what an rtc.Session reports into the machine's input; nil
// for nothing the machine needs.
func RTCInput(e rtc.Event) Input {
	switch e := e.(type) {
	case rtc.Joined:
		return Joined{Peers: e.Peers}
	case rtc.AttemptFailed:
		return AttemptFailed{Err: e.Err}
	case rtc.Down:
		return SessionDown{Err: e.Err}
	case rtc.Refused:
		return Refused{Reason: Reason(e.Reason), Message: e.Message}
	case rtc.TokenAccepted:
		return TokenAccepted{}
	case rtc.TokenWillExpire:
		return TokenWillExpire{}
	case rtc.PeerJoined:
		return PeerJoined{UID: e.UID}
	case rtc.PeerOffline:
		return PeerOffline{UID: e.UID, Reason: OfflineReason(e.Reason)}
	}
	return nil
}
