package server

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/pion/rtp"
)

// BenchmarkJoin measures, on loopback with real pion, a client's join:
// from sending join to receiving joined (ms/joined), and to its
// PeerConnection being connected (ms/connected), the SPEC's T0→T1.
func BenchmarkJoin(b *testing.B) {
	_, url := startMediaServer(b, Options{JoinRate: 1e6, JoinBurst: 1 << 20, MaxUsers: 1 << 20})
	var joined, connected time.Duration
	for i := 0; i < b.N; i++ {
		c := dialPion(b, url, false)
		start := time.Now()
		c.doJoin(native(uint32(i+1)), nil)
		joined += time.Since(start)
		c.waitConnected()
		connected += time.Since(start)
		c.send(&signal.Leave{})
		c.close()
	}
	b.ReportMetric(float64(joined.Microseconds())/1000/float64(b.N), "ms/joined")
	b.ReportMetric(float64(connected.Microseconds())/1000/float64(b.N), "ms/connected")
}

// BenchmarkPeerNotice measures the time from a client sending join to a
// present peer receiving peer-joined (the SPEC's T1→T2 plus the join).
func BenchmarkPeerNotice(b *testing.B) {
	_, url := startMediaServer(b, Options{JoinRate: 1e6, JoinBurst: 1 << 20, MaxUsers: 1 << 20})
	watcher := dialPion(b, url, false)
	watcher.doJoin(native(1_000_000), nil)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		c := dialPion(b, url, false)
		start := time.Now()
		j := native(uint32(i + 1))
		c.send(&j)
		for {
			m := watcher.nextMsg()
			if pj, ok := m.(*signal.PeerJoined); ok && pj.UID == uint32(i+1) {
				break
			}
		}
		total += time.Since(start)
		c.send(&signal.Leave{})
		c.close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/notice")
}

// BenchmarkForward2Mbps publishes 2 Mbps of 1200-byte RTP packets to
// several subscribers for one second per iteration (run with
// -benchtime=3x). The server runs in a child process, so that its CPU time
// (server-cpu-%, of one core, and per Mbps delivered to subscribers) is
// measured apart from the clients' (clients-cpu-%, all of them together).
func BenchmarkForward2Mbps(b *testing.B) {
	for _, subs := range []int{1, 4, 8, 16, 24} {
		b.Run(fmt.Sprintf("subscribers=%d", subs), func(b *testing.B) { benchForward(b, subs) })
	}
}

func benchForward(b *testing.B, subs int) {
	url, serverCPU := startChildServer(b)
	clients := make([]*pionClient, subs)
	for i := range clients {
		clients[i] = dialPion(b, url, false)
		clients[i].doJoin(native(uint32(i+2)), nil)
	}
	pub := dialPion(b, url, true)
	pub.doJoin(native(1), nil)
	pub.waitConnected()
	stop := make(chan struct{})
	defer close(stop)
	go publish2Mbps(pub, stop)
	for _, c := range clients {
		nextTrack(b, c)
	}
	drain := startDrains(clients, stop)
	b.ResetTimer()
	srv0, cli0, t0 := serverCPU(), cpuTime(), time.Now()
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Second)
	}
	srv, cli, wall := serverCPU()-srv0, cpuTime()-cli0, time.Since(t0)
	got := drain()
	mbps := float64(got*1200*8) / wall.Seconds() / 1e6
	srvPct := srv.Seconds() / wall.Seconds() * 100
	b.ReportMetric(mbps, "Mbps-delivered")
	b.ReportMetric(srvPct, "server-cpu-%")
	b.ReportMetric(srvPct/mbps, "server-cpu-%/Mbps")
	b.ReportMetric(cli.Seconds()/wall.Seconds()*100, "clients-cpu-%")
}

// publish2Mbps sends 1200-byte packets at 2 Mbps (about 208 per second)
// in bursts of 5 every 24 ms.
func publish2Mbps(c *pionClient, stop <-chan struct{}) {
	tick := time.NewTicker(24 * time.Millisecond)
	defer tick.Stop()
	payload := make([]byte, 1200-12)
	var seq uint16
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for i := 0; i < 5; i++ {
			seq++
			_ = c.pub.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq,
				Timestamp: uint32(seq) * 450}, Payload: payload})
		}
	}
}

// startDrains counts the packets the clients receive from now on; the
// returned function stops counting and returns the total.
func startDrains(clients []*pionClient, stop <-chan struct{}) func() int {
	counts := make(chan int, len(clients))
	quit := make(chan struct{})
	for _, c := range clients {
		for len(c.packets) > 0 {
			<-c.packets // what arrived before counting starts
		}
		go func() {
			n := 0
			for {
				select {
				case <-c.packets:
					n++
				case <-quit:
					counts <- n
					return
				case <-stop:
					counts <- n
					return
				}
			}
		}()
	}
	return func() int {
		close(quit)
		total := 0
		for range clients {
			total += <-counts
		}
		return total
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
