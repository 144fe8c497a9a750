package agent

import "time"

// StatusDoc is the state document: what `edge-agent status --json` prints
// and the MQTT `state` topic carries (SPEC §6.1, §6.3). Enumerations are
// written as their names, with the SDK's numeric codes beside them.
type StatusDoc struct {
	State           string    `json:"state"`
	StateCode       int       `json:"state_code"`
	Reason          string    `json:"reason"`
	ReasonCode      int       `json:"reason_code"`
	Since           time.Time `json:"since"`
	Channel         string    `json:"channel"`
	UID             uint32    `json:"uid"`
	Peers           []uint32  `json:"peers"`
	NetworkType     string    `json:"network_type"`
	NetworkTypeCode int       `json:"network_type_code"`
	// LastData is the time of the last data from the server the machine
	// knows of; zero before the first join.
	LastData time.Time `json:"last_data,omitzero"`
}

// Document returns the state document of st.
func (st Status) Document() StatusDoc {
	peers := st.Peers
	if peers == nil {
		peers = []uint32{}
	}
	return StatusDoc{
		State: st.State.String(), StateCode: int(st.State),
		Reason: st.Reason.String(), ReasonCode: int(st.Reason),
		Since: st.Since, Channel: st.Channel, UID: st.UID, Peers: peers,
		NetworkType: st.Network.String(), NetworkTypeCode: int(st.Network),
		LastData: st.LastData,
	}
}

// EventDoc is one callback as the MQTT `events` topic carries it, without
// the `seq` and `ts` the reporter adds (SPEC §6.3). Fields that do not
// belong to the callback are left out.
type EventDoc struct {
	Event           string `json:"event"`
	Channel         string `json:"channel"`
	UID             uint32 `json:"uid"`
	State           string `json:"state,omitempty"`
	StateCode       *int   `json:"state_code,omitempty"`
	Reason          string `json:"reason,omitempty"`
	ReasonCode      *int   `json:"reason_code,omitempty"`
	RemoteUID       uint32 `json:"remote_uid,omitempty"`
	ElapsedMS       *int64 `json:"elapsed_ms,omitempty"`
	NetworkType     string `json:"network_type,omitempty"`
	NetworkTypeCode *int   `json:"network_type_code,omitempty"`
}

// Document returns the event document of e. The token of
// onTokenPrivilegeWillExpire is a secret and is left out.
func (e Event) Document() EventDoc {
	d := EventDoc{Event: e.Kind.String(), Channel: e.Channel, UID: e.UID}
	switch e.Kind {
	case OnConnectionStateChanged:
		d.State, d.StateCode = e.State.String(), ptr(int(e.State))
		d.Reason, d.ReasonCode = e.Reason.String(), ptr(int(e.Reason))
	case OnJoinChannelSuccess, OnRejoinChannelSuccess:
		d.ElapsedMS = ptr(e.Elapsed.Milliseconds())
	case OnUserJoined:
		d.RemoteUID, d.ElapsedMS = e.RemoteUID, ptr(e.Elapsed.Milliseconds())
	case OnUserOffline:
		d.RemoteUID = e.RemoteUID
		d.Reason, d.ReasonCode = e.Offline.String(), ptr(int(e.Offline))
	case OnNetworkTypeChanged:
		d.NetworkType, d.NetworkTypeCode = e.Network.String(), ptr(int(e.Network))
	}
	return d
}

func ptr[T any](v T) *T { return &v }
