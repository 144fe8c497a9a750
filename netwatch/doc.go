// Package netwatch reports what the kernel says about the device's network:
// links (admin state, carrier, operational state), addresses, default
// routes and the route to the session's server, and which of them is the
// path the session uses.
//
// # How it works
//
// A [Monitor] subscribes to netlink link, address and route notifications.
// A notification only wakes the monitor up: it then reads a full [Snapshot]
// (three netlink dumps, and one or two route lookups with a target) and
// compares it with the last one using the pure function [Diff]. A change is
// reported as a [Delta] on [Monitor.Deltas].
// Notifications arriving together (one "ip link set down" produces a link
// message, route deletions and IPv6 address deletions within a millisecond)
// are coalesced by a short debounce window (see [DefaultDebounce]).
//
// When the subscription fails (the kernel drops messages with ENOBUFS when
// the socket buffer overflows, or the library closes the update channel
// after any receive error), the monitor subscribes again and re-reads a
// full snapshot, since changes may have been lost. When netlink cannot be
// subscribed to at all, or on systems other than Linux, it polls every
// [Options.PollInterval] instead (see [DefaultPollInterval]).
//
// A wall-clock jump (a suspend and resume, or a clock step) is detected by
// comparing wall-clock and monotonic elapsed time on a periodic tick, and is
// reported as a Delta with [Delta.TimeJumped] set, since every connection
// may have died meanwhile.
//
// Reading netlink is unprivileged: the monitor needs no capability.
//
// # The path in use
//
// With a target ([Options.Target], the address of the channel server), the
// path in use is the route the kernel uses to reach it, as "ip route get"
// answers in the monitored namespace: its outgoing interface, its gateway
// (none when the target is on the link) and the metric of the routing
// entry that matched. That route is the session's whether it is a default
// route, a specific route or the connected route of a link: a kiosk on an
// isolated LAN with no default route, whose server is on the link, has a
// path. The path exists when the route's interface is usable (below); it
// is none when the kernel has no route to the target (ENETUNREACH, or an
// unreachable, prohibit or blackhole route). Every route message wakes the
// monitor, and every snapshot asks the kernel again, so a route change
// that moves the target's route is seen like any other. A target that is
// an address of the device itself (loopback, or the server running here)
// is not followed: the default routes decide, as without a target. Where
// routes are unknown (systems other than Linux), the target is ignored.
//
// Without a target, the path in use is the interface of the preferred
// (lowest metric) default route of the main table that is usable. IPv4 is
// preferred over IPv6 (their metrics are separate spaces and cannot be
// compared); an IPv6 path is used only when no IPv4 path is usable.
//
// An interface is usable when it is administratively up, has carrier, its
// operational state is up or unknown (drivers that do not report one, such
// as ppp or tun, say unknown), and it has a global address of the route's
// family.
//
// # Network type
//
// The network type of the path in use has the values of SPEC §1
// (UNKNOWN=-1 … MOBILE_5G=6). Each interface is classified when first seen,
// in this order:
//
//   - loopback: UNKNOWN (ignored by default).
//   - /sys/class/net/NAME/wireless or /sys/class/net/NAME/phy80211 exists,
//     or DEVTYPE=wlan in its uevent: WIFI.
//   - DEVTYPE=wwan in its uevent, netlink kind "wwan", or a driver of a
//     cellular modem (qmi_wwan, cdc_mbim, huawei_cdc_ncm, sierra_net,
//     mhi_net, rmnet, ipa): MOBILE_4G. The kernel cannot tell which radio
//     technology a modem uses (that is known to ModemManager, over AT or
//     QMI commands); the modems that expose these interfaces are LTE-class
//     modules (5G modules use the same drivers), so 4G is the closest type
//     the kernel lets us tell.
//   - a ppp interface (encapsulation ppp, netlink kind ppp): MOBILE_3G.
//     PPP over a serial AT port is how 2G/3G modems are driven; LTE
//     modules expose a network device of their own (the case above).
//     PPPoE over DSL would be misreported as mobile, which is rare on a
//     kiosk or camera.
//   - Ethernet-like encapsulation (ether) of a physical device, veth,
//     bridge, bond, vlan, macvlan, ipvlan: LAN.
//   - no sysfs information: by name, following systemd's predictable
//     names, "wl*" is WIFI, "ww*" is MOBILE_4G, "en*"/"eth*" is LAN.
//   - tunnels (tun, wireguard, gre, ipip, sit...) and anything else:
//     UNKNOWN, since the medium underneath cannot be seen.
//
// No usable path is DISCONNECTED. The sysfs root is [Options.SysRoot] so
// that tests can supply their own tree; sysfs shows the interfaces of the
// network namespace it was mounted from.
package netwatch
