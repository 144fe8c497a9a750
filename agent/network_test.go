package agent

import (
	"net/netip"
	"testing"

	"github.com/edge-agent/edge-agent/netwatch"
)

func TestNetworkInput(t *testing.T) {
	eth := netwatch.Path{Index: 2, Name: "eth0", Type: netwatch.NetworkLAN, Family: 4, Addrs: []netip.Addr{netip.MustParseAddr("10.0.0.2")}}
	wifi := netwatch.Path{Index: 3, Name: "wlan0", Type: netwatch.NetworkWiFi, Family: 4, Addrs: []netip.Addr{netip.MustParseAddr("192.168.1.9")}}
	tests := []struct {
		name string
		d    netwatch.Delta
		want NetworkChanged
	}{
		{"carrier lost: DISCONNECTED, no path change", netwatch.Delta{OldPath: eth, PathChanged: true, PathLost: true, Type: netwatch.NetworkDisconnected},
			NetworkChanged{Type: NetworkDisconnected}},
		{"path restored: the type, no path change", netwatch.Delta{Path: eth, PathChanged: true, PathRestored: true, Type: netwatch.NetworkLAN},
			NetworkChanged{Type: NetworkLAN}},
		{"failover to Wi-Fi: path changed", netwatch.Delta{OldPath: eth, Path: wifi, PathChanged: true, AddrChanged: true, Type: netwatch.NetworkWiFi},
			NetworkChanged{Type: NetworkWIFI, PathChanged: true}},
		{"renumbered: path changed", netwatch.Delta{OldPath: eth, Path: eth, AddrChanged: true, Type: netwatch.NetworkLAN},
			NetworkChanged{Type: NetworkLAN, PathChanged: true}},
		{"clock jump: path changed", netwatch.Delta{OldPath: eth, Path: eth, TimeJumped: true, Type: netwatch.NetworkLAN},
			NetworkChanged{Type: NetworkLAN, PathChanged: true}},
		{"clock jump with no path: just the type", netwatch.Delta{TimeJumped: true, Type: netwatch.NetworkDisconnected},
			NetworkChanged{Type: NetworkDisconnected}},
		{"another link changed: nothing for the session", netwatch.Delta{OldPath: eth, Path: eth, LinksChanged: true, Type: netwatch.NetworkLAN},
			NetworkChanged{Type: NetworkLAN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := networkInput(tt.d); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
