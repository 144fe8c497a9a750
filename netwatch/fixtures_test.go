package netwatch

import "net/netip"

// Builders of hand-made snapshots for the pure tests.

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

// upIf is an interface that is up, with carrier, operationally up.
func upIf(index int, name string, typ NetworkType, addrs ...string) Interface {
	it := Interface{Index: index, Name: name, Kind: "device", Type: typ,
		Up: true, Carrier: true, Oper: OperUp}
	for _, a := range addrs {
		it.Addrs = append(it.Addrs, pfx(a))
	}
	return it
}

func route4(index int, gw string, metric int) Route {
	return Route{Family: 4, LinkIndex: index, Gateway: ip(gw), Metric: metric, Table: 254}
}

func route6(index int, gw string, metric int) Route {
	return Route{Family: 6, LinkIndex: index, Gateway: ip(gw), Metric: metric, Table: 254}
}

// snap builds a normalized snapshot.
func snap(ifs []Interface, routes ...Route) Snapshot {
	s := Snapshot{Interfaces: ifs, Routes: routes}
	s.normalize()
	return s
}

// with returns a copy of it changed by f.
func with(it Interface, f func(*Interface)) Interface {
	it.Addrs = append([]netip.Prefix(nil), it.Addrs...)
	f(&it)
	return it
}

var (
	eth0   = upIf(2, "eth0", NetworkLAN, "192.168.1.10/24")
	wlan0  = upIf(3, "wlan0", NetworkWiFi, "10.0.0.5/24")
	wwan0  = upIf(4, "wwan0", NetworkMobile4G, "100.64.1.2/30")
	eth0v6 = upIf(2, "eth0", NetworkLAN, "2001:db8::10/64")

	// twoPaths: Ethernet preferred (metric 100) over Wi-Fi (600), like
	// NetworkManager sets them.
	twoPaths = snap([]Interface{eth0, wlan0},
		route4(2, "192.168.1.1", 100), route4(3, "10.0.0.1", 600))
)
