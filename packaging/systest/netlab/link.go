package netlab

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// Link is a veth pair from the host into a namespace: the host end HostDev
// holds HostIP/24, the namespace end Dev holds DevIP/24 and a default route
// via HostIP with the given metric. Traffic between the namespace and the
// host's own addresses goes over it, so a server on the host is reachable at
// HostIP.
type Link struct {
	NS      *NS
	N       int // the subnet 10.201.N.0/24
	HostDev string
	Dev     string
	HostIP  string
	DevIP   string
	Metric  int
	table   string
}

// Connect joins ns to the host with a new Link; dev names the namespace end
// (eth0, wlan0...).
func Connect(tb testing.TB, ns *NS, dev string, metric int) *Link {
	tb.Helper()
	n := allocSubnet(tb)
	l := &Link{NS: ns, N: n, HostDev: fmt.Sprintf("lab%dh", n), Dev: dev,
		HostIP: fmt.Sprintf("10.201.%d.1", n), DevIP: fmt.Sprintf("10.201.%d.2", n), Metric: metric,
		table: fmt.Sprintf("edgelab%d", n)}
	run(tb, "ip", "link", "add", l.HostDev, "type", "veth", "peer", "name", dev, "netns", ns.Name)
	tb.Cleanup(func() { runQuiet("ip", "link", "del", l.HostDev) })
	run(tb, "ip", "addr", "add", l.HostIP+"/24", "dev", l.HostDev)
	run(tb, "ip", "link", "set", l.HostDev, "up")
	run(tb, "ip", "-n", ns.Name, "addr", "add", l.DevIP+"/24", "dev", dev)
	run(tb, "ip", "-n", ns.Name, "link", "set", dev, "up")
	l.AddRoute(tb)
	return l
}

// AddRoute adds the namespace's default route over the link.
func (l *Link) AddRoute(tb testing.TB) {
	tb.Helper()
	run(tb, "ip", "-n", l.NS.Name, "route", "add", "default", "via", l.HostIP, "dev", l.Dev, "metric", strconv.Itoa(l.Metric))
}

// DelRoute removes it.
func (l *Link) DelRoute(tb testing.TB) {
	tb.Helper()
	run(tb, "ip", "-n", l.NS.Name, "route", "del", "default", "via", l.HostIP, "dev", l.Dev, "metric", strconv.Itoa(l.Metric))
}

// DelAddr removes the namespace end's address.
func (l *Link) DelAddr(tb testing.TB) {
	tb.Helper()
	run(tb, "ip", "-n", l.NS.Name, "addr", "del", l.DevIP+"/24", "dev", l.Dev)
}

// PullCable takes the host end down: the namespace end loses carrier, as a
// device does when its cable is pulled.
func (l *Link) PullCable(tb testing.TB) { tb.Helper(); run(tb, "ip", "link", "set", l.HostDev, "down") }

// PlugCable brings the host end back up.
func (l *Link) PlugCable(tb testing.TB) { tb.Helper(); run(tb, "ip", "link", "set", l.HostDev, "up") }

// SetDown sets the namespace end down ("ip link set eth0 down").
func (l *Link) SetDown(tb testing.TB) {
	tb.Helper()
	run(tb, "ip", "-n", l.NS.Name, "link", "set", l.Dev, "down")
}

// SetUp sets it up again; the kernel drops the link's routes when it goes
// down, so the default route is added back.
func (l *Link) SetUp(tb testing.TB) {
	tb.Helper()
	run(tb, "ip", "-n", l.NS.Name, "link", "set", l.Dev, "up")
	l.AddRoute(tb)
}

func runQuiet(name string, args ...string) { _ = execCommand(name, args...).Run() }

// allocSubnet reserves a subnet number for this process, so that test
// binaries running side by side never share one. A reservation is a file
// holding the owner's pid; one whose owner is gone is taken over.
func allocSubnet(tb testing.TB) int {
	tb.Helper()
	dir := "/run/edge-netlab"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("netlab: %v", err)
	}
	for n := 1; n < 255; n++ {
		p := filepath.Join(dir, strconv.Itoa(n))
		if claim(p) {
			tb.Cleanup(func() { os.Remove(p) })
			return n
		}
	}
	tb.Fatal("netlab: no free subnet in 10.201.0.0/16")
	return 0
}

// claim takes the reservation file p if it is free or stale.
func claim(p string) bool {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprint(f, os.Getpid())
		f.Close()
		return true
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
		return false
	}
	if os.Remove(p) != nil {
		return false
	}
	return claim(p)
}

// ServerAddr gives the host an address of its own behind every link (on
// its loopback interface), as a server elsewhere on the network has: a
// namespace reaches it over whichever default route it uses, so a failover
// from one link to another keeps it reachable.
func ServerAddr(tb testing.TB) string {
	tb.Helper()
	addr := fmt.Sprintf("10.202.%d.1/32", allocSubnet(tb))
	run(tb, "ip", "addr", "add", addr, "dev", "lo")
	tb.Cleanup(func() { runQuiet("ip", "addr", "del", addr, "dev", "lo") })
	return addr[:len(addr)-3]
}

// AddAddr puts the namespace end's address back.
func (l *Link) AddAddr(tb testing.TB) {
	tb.Helper()
	run(tb, "ip", "-n", l.NS.Name, "addr", "add", l.DevIP+"/24", "dev", l.Dev)
}
