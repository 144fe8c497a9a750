package netwatch

import "strings"

// linkFacts is what the classification looks at: what netlink says about a
// link, and what sysfs adds when it is available. The zero value of the
// sysfs fields means "not known".
type linkFacts struct {
	Name     string // interface name
	Kind     string // netlink link kind: "device", "veth", "wireguard"...
	Encap    string // netlink encapsulation: "ether", "ppp", "none", "loopback"...
	Loopback bool   // IFF_LOOPBACK
	Wireless bool   // sysfs: wireless/ or phy80211 exists
	DevType  string // sysfs: DEVTYPE of uevent ("wlan", "wwan", "bridge"...)
	Driver   string // sysfs: name of device/driver ("qmi_wwan", "e1000e"...)
}

// mobileType is the type reported for a cellular modem's own network
// device: see the package doc for why it is 4G.
const mobileType = NetworkMobile4G

// pppType is the type reported for a ppp interface: see the package doc.
const pppType = NetworkMobile3G

// mobileDrivers are the drivers of cellular modems' network devices.
var mobileDrivers = map[string]bool{
	"qmi_wwan": true, "cdc_mbim": true, "huawei_cdc_ncm": true,
	"sierra_net": true, "mhi_net": true, "rmnet": true, "ipa": true,
}

// lanKinds are the netlink kinds of Ethernet-like links.
var lanKinds = map[string]bool{
	"device": true, "veth": true, "bridge": true, "bond": true, "team": true,
	"vlan": true, "macvlan": true, "macvtap": true, "ipvlan": true,
}

// classify returns the network type of one interface (see the package doc
// for the rules, in the same order).
func classify(f linkFacts) NetworkType {
	switch {
	case f.Loopback || f.Encap == "loopback":
		return NetworkUnknown
	case f.Wireless || f.DevType == "wlan":
		return NetworkWiFi
	case f.DevType == "wwan" || f.Kind == "wwan" || mobileDrivers[f.Driver]:
		return mobileType
	case f.Encap == "ppp" || f.Kind == "ppp":
		return pppType
	case f.Encap == "ether" && lanKinds[f.Kind] && !f.hasNameOnlyHint():
		return NetworkLAN
	}
	return classifyByName(f)
}

// hasNameOnlyHint reports whether sysfs said nothing about a physical
// device whose name says it is wireless or cellular: without sysfs (a
// network namespace without its own /sys) the name is all there is.
func (f linkFacts) hasNameOnlyHint() bool {
	noSysfs := f.DevType == "" && f.Driver == ""
	return noSysfs && f.Kind == "device" &&
		(strings.HasPrefix(f.Name, "wl") || strings.HasPrefix(f.Name, "ww"))
}

// classifyByName applies systemd's predictable naming prefixes.
func classifyByName(f linkFacts) NetworkType {
	switch {
	case strings.HasPrefix(f.Name, "wl"):
		return NetworkWiFi
	case strings.HasPrefix(f.Name, "ww"):
		return mobileType
	case strings.HasPrefix(f.Name, "en") || strings.HasPrefix(f.Name, "eth"):
		if f.Encap == "" || f.Encap == "ether" {
			return NetworkLAN
		}
	}
	return NetworkUnknown
}
