package netwatch

import "fmt"

// OperState is an interface's operational state as the kernel reports it
// (RFC 2863, IF_OPER_* in linux/if.h; the values are the kernel's).
type OperState uint8

// The operational states of RFC 2863.
const (
	// OperUnknown is reported by drivers that do not track the state (ppp,
	// tun, loopback); such an interface is usable when it is up with carrier.
	OperUnknown OperState = 0
	// OperNotPresent means a component of the interface is missing.
	OperNotPresent OperState = 1
	// OperDown means the interface cannot pass packets.
	OperDown OperState = 2
	// OperLowerLayerDown means a lower interface is down (e.g. a VLAN's parent).
	OperLowerLayerDown OperState = 3
	// OperTesting means the interface is in a test mode.
	OperTesting OperState = 4
	// OperDormant means the interface waits for an external event (a Wi-Fi
	// association or 802.1X authentication).
	OperDormant OperState = 5
	// OperUp means the interface can pass packets.
	OperUp OperState = 6
)

var operStateNames = [...]string{
	OperUnknown:        "unknown",
	OperNotPresent:     "notpresent",
	OperDown:           "down",
	OperLowerLayerDown: "lowerlayerdown",
	OperTesting:        "testing",
	OperDormant:        "dormant",
	OperUp:             "up",
}

// String returns the state as /sys/class/net/X/operstate spells it, or
// "OperState(N)" for a value the kernel does not define.
func (s OperState) String() string {
	if int(s) < len(operStateNames) {
		return operStateNames[s]
	}
	return fmt.Sprintf("OperState(%d)", uint8(s))
}

// passesPackets reports whether the state lets traffic through: up, or
// unknown for drivers that do not report a state.
func (s OperState) passesPackets() bool {
	return s == OperUp || s == OperUnknown
}
