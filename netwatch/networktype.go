package netwatch

import "fmt"

// NetworkType is the kind of network the path in use goes through, with the
// numeric values of SPEC §1 (they are the SDK's and must be kept).
//
// Unlike most enums of this project its zero value is DISCONNECTED, not
// unknown, because the SDK fixed UNKNOWN at -1.
type NetworkType int

// The network types of SPEC §1.
const (
	// NetworkUnknown is a usable path whose medium cannot be told (a tunnel).
	NetworkUnknown NetworkType = -1
	// NetworkDisconnected means no usable path exists.
	NetworkDisconnected NetworkType = 0
	// NetworkLAN is a wired (Ethernet-like) network.
	NetworkLAN NetworkType = 1
	// NetworkWiFi is a wireless LAN.
	NetworkWiFi NetworkType = 2
	// NetworkMobile2G is a 2G cellular network.
	NetworkMobile2G NetworkType = 3
	// NetworkMobile3G is a 3G cellular network.
	NetworkMobile3G NetworkType = 4
	// NetworkMobile4G is a 4G cellular network.
	NetworkMobile4G NetworkType = 5
	// NetworkMobile5G is a 5G cellular network.
	NetworkMobile5G NetworkType = 6
)

var networkTypeNames = map[NetworkType]string{
	NetworkUnknown:      "UNKNOWN",
	NetworkDisconnected: "DISCONNECTED",
	NetworkLAN:          "LAN",
	NetworkWiFi:         "WIFI",
	NetworkMobile2G:     "MOBILE_2G",
	NetworkMobile3G:     "MOBILE_3G",
	NetworkMobile4G:     "MOBILE_4G",
	NetworkMobile5G:     "MOBILE_5G",
}

// String returns the SPEC name of t ("WIFI", "MOBILE_4G"...), or
// "NetworkType(N)" for a value outside SPEC §1.
func (t NetworkType) String() string {
	if s, ok := networkTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("NetworkType(%d)", int(t))
}

// IsMobile reports whether t is one of the MOBILE types.
func (t NetworkType) IsMobile() bool {
	return t >= NetworkMobile2G && t <= NetworkMobile5G
}
