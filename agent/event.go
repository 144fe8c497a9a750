package agent

import (
	"fmt"
	"time"
)

// EventKind names a callback of the SDK (SPEC §1).
type EventKind int

// The callbacks of SPEC §1. The zero value is unknown.
const (
	OnConnectionStateChanged EventKind = iota + 1
	OnJoinChannelSuccess
	OnRejoinChannelSuccess
	OnConnectionLost
	OnUserJoined
	OnUserOffline
	OnLeaveChannel
	OnNetworkTypeChanged
	OnTokenPrivilegeWillExpire
)

var kindNames = map[EventKind]string{
	OnConnectionStateChanged:   "onConnectionStateChanged",
	OnJoinChannelSuccess:       "onJoinChannelSuccess",
	OnRejoinChannelSuccess:     "onRejoinChannelSuccess",
	OnConnectionLost:           "onConnectionLost",
	OnUserJoined:               "onUserJoined",
	OnUserOffline:              "onUserOffline",
	OnLeaveChannel:             "onLeaveChannel",
	OnNetworkTypeChanged:       "onNetworkTypeChanged",
	OnTokenPrivilegeWillExpire: "onTokenPrivilegeWillExpire",
}

// String returns the SDK's callback name, or EventKind(n).
func (k EventKind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one callback, as the SDK would deliver it. Only the fields that
// belong to the callback's signature are meaningful; the others are zero.
type Event struct {
	Kind EventKind
	// At is the moment the machine decided the callback, from the clock of
	// the loop (the device's clock).
	At time.Time
	// Channel and UID are the device's own channel and uid.
	Channel string
	UID     uint32

	// State and Reason: onConnectionStateChanged.
	State  State
	Reason Reason
	// Elapsed: onJoinChannelSuccess (since the join was requested),
	// onRejoinChannelSuccess (since the last data before the interruption)
	// and onUserJoined (since the local join, as the SDK reports it).
	Elapsed time.Duration
	// RemoteUID and Offline: onUserJoined, onUserOffline.
	RemoteUID uint32
	Offline   OfflineReason
	// Network: onNetworkTypeChanged.
	Network NetworkType
	// Token: onTokenPrivilegeWillExpire (the token that will expire).
	Token string
}

// String renders the event as the SDK's call, for logs and the demo.
func (e Event) String() string {
	switch e.Kind {
	case OnConnectionStateChanged:
		return fmt.Sprintf("%s(%s, %s)", e.Kind, e.State, e.Reason)
	case OnJoinChannelSuccess, OnRejoinChannelSuccess:
		return fmt.Sprintf("%s(%q, %d, %dms)", e.Kind, e.Channel, e.UID, e.Elapsed.Milliseconds())
	case OnUserJoined:
		return fmt.Sprintf("%s(%d, %dms)", e.Kind, e.RemoteUID, e.Elapsed.Milliseconds())
	case OnUserOffline:
		return fmt.Sprintf("%s(%d, %s)", e.Kind, e.RemoteUID, e.Offline)
	case OnNetworkTypeChanged:
		return fmt.Sprintf("%s(%s)", e.Kind, e.Network)
	default:
		return e.Kind.String() + "()"
	}
}
