package agent

import (
	"fmt"

	"github.com/edge-agent/edge-agent/netwatch"
)

// State is a connection state. The numeric values are the SDK's (SPEC §1);
// consoles and apps already use them, so they must not change. The zero value
// means "unknown" and is never entered by the machine.
type State int

// The connection states of SPEC §1.
const (
	StateDisconnected State = 1
	StateConnecting   State = 2
	StateConnected    State = 3
	StateReconnecting State = 4
	StateFailed       State = 5
)

var stateNames = map[State]string{
	StateDisconnected: "DISCONNECTED",
	StateConnecting:   "CONNECTING",
	StateConnected:    "CONNECTED",
	StateReconnecting: "RECONNECTING",
	StateFailed:       "FAILED",
}

// String returns the SDK's name of the state, or State(n) for an unknown one.
func (s State) String() string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Reason says why the connection state changed. The numeric values are the
// SDK's (SPEC §1). Unlike State, its zero value is a real reason
// (CONNECTING): the SDK numbers it so.
type Reason int

// The reasons of SPEC §1.
const (
	ReasonConnecting             Reason = 0
	ReasonJoinSuccess            Reason = 1
	ReasonInterrupted            Reason = 2
	ReasonBannedByServer         Reason = 3
	ReasonJoinFailed             Reason = 4
	ReasonLeaveChannel           Reason = 5
	ReasonInvalidAppID           Reason = 6
	ReasonInvalidChannelName     Reason = 7
	ReasonInvalidToken           Reason = 8
	ReasonTokenExpired           Reason = 9
	ReasonRejectedByServer       Reason = 10
	ReasonSettingProxyServer     Reason = 11
	ReasonRenewToken             Reason = 12
	ReasonClientIPAddressChanged Reason = 13
	ReasonKeepAliveTimeout       Reason = 14
)

var reasonNames = map[Reason]string{
	ReasonConnecting:             "CONNECTING",
	ReasonJoinSuccess:            "JOIN_SUCCESS",
	ReasonInterrupted:            "INTERRUPTED",
	ReasonBannedByServer:         "BANNED_BY_SERVER",
	ReasonJoinFailed:             "JOIN_FAILED",
	ReasonLeaveChannel:           "LEAVE_CHANNEL",
	ReasonInvalidAppID:           "INVALID_APP_ID",
	ReasonInvalidChannelName:     "INVALID_CHANNEL_NAME",
	ReasonInvalidToken:           "INVALID_TOKEN",
	ReasonTokenExpired:           "TOKEN_EXPIRED",
	ReasonRejectedByServer:       "REJECTED_BY_SERVER",
	ReasonSettingProxyServer:     "SETTING_PROXY_SERVER",
	ReasonRenewToken:             "RENEW_TOKEN",
	ReasonClientIPAddressChanged: "CLIENT_IP_ADDRESS_CHANGED",
	ReasonKeepAliveTimeout:       "KEEP_ALIVE_TIMEOUT",
}

// String returns the SDK's name of the reason, or Reason(n) for an unknown one.
func (r Reason) String() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// IsRefusal reports whether r is one of the server's refusals that end the
// session in FAILED.
func (r Reason) IsRefusal() bool {
	switch r {
	case ReasonBannedByServer, ReasonInvalidAppID, ReasonInvalidChannelName,
		ReasonInvalidToken, ReasonTokenExpired, ReasonRejectedByServer:
		return true
	}
	return false
}

// OfflineReason says why a peer went offline (SPEC §1).
type OfflineReason int

// The peer offline reasons of SPEC §1.
const (
	OfflineQuit           OfflineReason = 0
	OfflineDropped        OfflineReason = 1
	OfflineBecomeAudience OfflineReason = 2
)

var offlineNames = map[OfflineReason]string{
	OfflineQuit:           "QUIT",
	OfflineDropped:        "DROPPED",
	OfflineBecomeAudience: "BECOME_AUDIENCE",
}

// String returns the SDK's name of the reason, or OfflineReason(n).
func (r OfflineReason) String() string {
	if n, ok := offlineNames[r]; ok {
		return n
	}
	return fmt.Sprintf("OfflineReason(%d)", int(r))
}

// NetworkType is the type of the network path in use, as reported by
// onNetworkTypeChanged (SPEC §1). It is netwatch's: the monitor classifies
// links, the machine reports the type of the path in use.
type NetworkType = netwatch.NetworkType

// The network types of SPEC §1.
const (
	NetworkUnknown      = netwatch.NetworkUnknown
	NetworkDisconnected = netwatch.NetworkDisconnected
	NetworkLAN          = netwatch.NetworkLAN
	NetworkWIFI         = netwatch.NetworkWiFi
	NetworkMobile2G     = netwatch.NetworkMobile2G
	NetworkMobile3G     = netwatch.NetworkMobile3G
	NetworkMobile4G     = netwatch.NetworkMobile4G
	NetworkMobile5G     = netwatch.NetworkMobile5G
)
