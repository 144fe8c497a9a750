package netwatch

import "testing"

func TestDiff_ClassifyNetworkType(t *testing.T) {
	tests := []struct {
		name  string
		facts linkFacts
		want  NetworkType
	}{
		{name: "loopback", facts: linkFacts{Name: "lo", Kind: "device", Encap: "loopback", Loopback: true}, want: NetworkUnknown},
		{name: "physical ethernet", facts: linkFacts{Name: "enp1s0", Kind: "device", Encap: "ether", Driver: "e1000e"}, want: NetworkLAN},
		{name: "wifi by wireless dir", facts: linkFacts{Name: "wlp2s0", Kind: "device", Encap: "ether", Wireless: true, Driver: "iwlwifi"}, want: NetworkWiFi},
		{name: "wifi by DEVTYPE", facts: linkFacts{Name: "mlan0", Kind: "device", Encap: "ether", DevType: "wlan"}, want: NetworkWiFi},
		{name: "wifi renamed, sysfs knows", facts: linkFacts{Name: "eth1", Kind: "device", Encap: "ether", Wireless: true}, want: NetworkWiFi},
		{name: "wwan DEVTYPE", facts: linkFacts{Name: "wwan0", Kind: "device", Encap: "none", DevType: "wwan"}, want: NetworkMobile4G},
		{name: "qmi driver", facts: linkFacts{Name: "usb0", Kind: "device", Encap: "ether", Driver: "qmi_wwan"}, want: NetworkMobile4G},
		{name: "mbim driver", facts: linkFacts{Name: "mbim0", Kind: "device", Encap: "none", Driver: "cdc_mbim"}, want: NetworkMobile4G},
		{name: "wwan link kind", facts: linkFacts{Name: "wwan0mbim0", Kind: "wwan", Encap: "none"}, want: NetworkMobile4G},
		{name: "ppp", facts: linkFacts{Name: "ppp0", Kind: "ppp", Encap: "ppp"}, want: NetworkMobile3G},
		{name: "ppp reported as a plain device", facts: linkFacts{Name: "ppp0", Kind: "device", Encap: "ppp"}, want: NetworkMobile3G},
		{name: "veth", facts: linkFacts{Name: "nw0", Kind: "veth", Encap: "ether"}, want: NetworkLAN},
		{name: "bridge", facts: linkFacts{Name: "br0", Kind: "bridge", Encap: "ether", DevType: "bridge"}, want: NetworkLAN},
		{name: "vlan", facts: linkFacts{Name: "eth0.10", Kind: "vlan", Encap: "ether", DevType: "vlan"}, want: NetworkLAN},
		{name: "wireguard tunnel", facts: linkFacts{Name: "wg0", Kind: "wireguard", Encap: "none", DevType: "wireguard"}, want: NetworkUnknown},
		{name: "tun", facts: linkFacts{Name: "tun0", Kind: "tun", Encap: "none"}, want: NetworkUnknown},
		{name: "no sysfs, wifi name", facts: linkFacts{Name: "wlan0", Kind: "device", Encap: "ether"}, want: NetworkWiFi},
		{name: "no sysfs, wwan name", facts: linkFacts{Name: "wwp0s20u4", Kind: "device", Encap: "none"}, want: NetworkMobile4G},
		{name: "no netlink kind, ethernet name", facts: linkFacts{Name: "eth0"}, want: NetworkLAN},
		{name: "no netlink kind, wifi name", facts: linkFacts{Name: "wlan0"}, want: NetworkWiFi},
		{name: "no netlink kind, anything else", facts: linkFacts{Name: "utun3"}, want: NetworkUnknown},
		{name: "dummy", facts: linkFacts{Name: "dummy0", Kind: "dummy", Encap: "ether"}, want: NetworkUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.facts); got != tt.want {
				t.Errorf("classify(%+v) = %v, want %v", tt.facts, got, tt.want)
			}
		})
	}
}

func TestNetworkType_String(t *testing.T) {
	tests := []struct {
		name string
		typ  NetworkType
		want string
		code int
	}{
		{name: "unknown", typ: NetworkUnknown, want: "UNKNOWN", code: -1},
		{name: "disconnected", typ: NetworkDisconnected, want: "DISCONNECTED", code: 0},
		{name: "lan", typ: NetworkLAN, want: "LAN", code: 1},
		{name: "wifi", typ: NetworkWiFi, want: "WIFI", code: 2},
		{name: "2g", typ: NetworkMobile2G, want: "MOBILE_2G", code: 3},
		{name: "3g", typ: NetworkMobile3G, want: "MOBILE_3G", code: 4},
		{name: "4g", typ: NetworkMobile4G, want: "MOBILE_4G", code: 5},
		{name: "5g", typ: NetworkMobile5G, want: "MOBILE_5G", code: 6},
		{name: "out of range", typ: NetworkType(42), want: "NetworkType(42)", code: 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.typ.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if int(tt.typ) != tt.code {
				t.Errorf("value = %d, want %d (SPEC §1)", int(tt.typ), tt.code)
			}
		})
	}
}

func TestNetworkType_IsMobile(t *testing.T) {
	for typ := NetworkUnknown; typ <= NetworkMobile5G+1; typ++ {
		want := typ >= 3 && typ <= 6
		if typ.IsMobile() != want {
			t.Errorf("%v.IsMobile() = %v, want %v", typ, typ.IsMobile(), want)
		}
	}
}

func TestOperState_String(t *testing.T) {
	tests := []struct {
		name  string
		state OperState
		want  string
	}{
		{name: "up", state: OperUp, want: "up"},
		{name: "dormant", state: OperDormant, want: "dormant"},
		{name: "lower layer down", state: OperLowerLayerDown, want: "lowerlayerdown"},
		{name: "unknown", state: OperUnknown, want: "unknown"},
		{name: "out of range", state: OperState(9), want: "OperState(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.state.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
