package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest/netlab"
	"github.com/edge-agent/edge-agent/rtc"
	"github.com/edge-agent/edge-agent/rtc/rtctest"
)

// netwatchModes are the agents compared by BenchmarkNetwatch: the same
// binary following netlink notifications, polling the kernel every second
// instead (netlink notifications off), and with no monitor at all (the
// silence timers of SPEC §2 only).
var netwatchModes = []struct {
	name string
	args []string
}{
	{"netlink", nil},
	{"poll", []string{"--netwatch-poll"}},
	{"off", []string{"--netwatch=false"}},
}

// benchFlaps is how many link flaps each mode is measured over.
const benchFlaps = 20

// BenchmarkNetwatch measures what netlink buys, in one run, against the same
// agent without notifications: link up → rejoined and → media again at the
// peer (link-down outages of 5 s), carrier lost → onNetworkTypeChanged(DISCONNECTED),
// and the media gap of a failover between two paths (the preferred one goes
// down). Run it with
//
//	go test -run '^$' -bench Netwatch -benchtime 1x ./cmd/edge-agent
func BenchmarkNetwatch(b *testing.B) {
	netlab.Require(b)
	for b.Loop() {
		for _, m := range netwatchModes {
			rejoined, media := benchLinkUp(b, m.args)
			report(b, m.name+"-linkup→rejoined", rejoined)
			report(b, m.name+"-linkup→media", media)
			if m.name != "off" {
				report(b, m.name+"-carrier→DISCONNECTED", benchCarrierLost(b, m.args))
			}
			gaps, rejoined := benchFailover(b, m.args)
			report(b, m.name+"-failover-gap", gaps)
			if len(rejoined) > 0 {
				report(b, m.name+"-failover→rejoined", rejoined)
			}
		}
	}
}

// report prints p50, p95 and max of samples and reports the p95.
func report(b *testing.B, what string, samples []time.Duration) {
	s := slices.Clone(samples)
	slices.Sort(s)
	p95 := s[(len(s)*95+99)/100-1]
	fmt.Printf("%-28s n=%d p50=%s p95=%s max=%s\n", what, len(s), s[len(s)/2].Round(time.Millisecond),
		p95.Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond))
	b.ReportMetric(float64(p95.Microseconds())/1000, what+"-p95-ms")
}

// benchLinkUp takes the link down for 5 s — past INTERRUPTED, so the agent
// has to rejoin — and measures link up → onRejoinChannelSuccess and link up
// → the first video packet at the peer after the gap.
func benchLinkUp(b *testing.B, args []string) (rejoined, media []time.Duration) {
	l := newLab(b, "bench-up", args...)
	for range benchFlaps {
		from := len(l.agent.callbacks())
		l.link.SetDown(b)
		l.agent.await(from, "onConnectionStateChanged(RECONNECTING, INTERRUPTED)", 10*time.Second)
		time.Sleep(time.Second) // The outage lasts about 5 s.
		v := l.native.VideoMark()
		l.link.SetUp(b)
		up := time.Now()
		cb, _ := l.agent.await(from, "onRejoinChannelSuccess", 30*time.Second)
		rejoined = append(rejoined, cb.At.Sub(up))
		media = append(media, l.native.AwaitVideo(v, 1, 30*time.Second)[0].At.Sub(up))
		l.native.AwaitVideo(l.native.VideoMark(), 30, 10*time.Second) // Settled.
	}
	return rejoined, media
}

// benchCarrierLost pulls the cable and measures pull → the callback.
func benchCarrierLost(b *testing.B, args []string) []time.Duration {
	l := newLab(b, "bench-carrier", args...)
	var out []time.Duration
	for range benchFlaps {
		from := len(l.agent.callbacks())
		l.link.PullCable(b)
		pulled := time.Now()
		cb, _ := l.agent.await(from, "onNetworkTypeChanged(DISCONNECTED)", 5*time.Second)
		out = append(out, cb.At.Sub(pulled))
		l.link.PlugCable(b)
		l.agent.await(from, "onNetworkTypeChanged(LAN)", 5*time.Second)
		l.native.AwaitVideo(l.native.VideoMark(), 30, 10*time.Second)
	}
	return out
}

// benchFailover runs a device with two paths and takes the preferred one
// down, again and again (bringing it back in between, once the session
// settled): it measures the longest gap between two video packets at the
// peer around each failover, and the time from the link going down to the
// agent's onRejoinChannelSuccess over the other path when it reports one.
func benchFailover(b *testing.B, args []string) (gaps, rejoined []time.Duration) {
	srv := startChanneld(b, "--insecure")
	addr := netlab.ServerAddr(b)
	ns := netlab.NewNS(b, "bench-dual")
	eth := netlab.Connect(b, ns, "eth0", 100)
	netlab.Connect(b, ns, "eth1", 200)
	native := rtctest.WatchNative(b, srv.ws("127.0.0.1"), "bench-failover", 2)
	all := append([]string{"--server", srv.ws(addr), "--app-id", "demo", "--channel", "bench-failover", "--uid", "1"}, args...)
	a := startAgent(b, ns, b.TempDir(), all...)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	native.AwaitVideo(0, 30, 10*time.Second)
	for range benchFlaps {
		v, from := native.VideoMark(), len(a.callbacks())
		eth.SetDown(b)
		down := time.Now()
		gaps = append(gaps, longestGap(native.AwaitVideo(v-1, 90, 60*time.Second))) // ~3 s of video
		for _, c := range a.callbacks()[from:] {
			if strings.HasPrefix(c.Event, "onRejoinChannelSuccess") {
				rejoined = append(rejoined, c.At.Sub(down))
			}
		}
		eth.SetUp(b)
		time.Sleep(3 * time.Second) // Let the session settle back on eth0.
	}
	return gaps, rejoined
}

// longestGap is the longest time between two consecutive packets.
func longestGap(pks []rtc.Packet) time.Duration {
	var gap time.Duration
	for i := 1; i < len(pks); i++ {
		gap = max(gap, pks[i].At.Sub(pks[i-1].At))
	}
	return gap
}
