package rtc

import (
	"slices"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
)

// benchOptions lift the server's join rate limit (5 a second per IP),
// which a benchmark joining in a loop from one address exceeds.
var benchOptions = server.Options{JoinRate: 1e6, JoinBurst: 1e6}

// reportDurations reports the mean and the 95th percentile of ds in
// milliseconds, as unit and unit-p95.
func reportDurations(b *testing.B, unit string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(sum/time.Duration(len(ds))), unit)
	b.ReportMetric(ms(ds[len(ds)*95/100]), unit+"-p95")
}

// BenchmarkJoin measures a fresh join of a publisher on loopback: Join
// called to Joined reported (T0→T1, the PeerConnection connected and the
// resume state written included), and the time from there to a watching
// peer's PeerJoined (T1→T2; negative when the peer heard first, as the
// server tells peers at joined, before the PeerConnection is up). The
// publisher leaves after each round, and the next round starts as soon as
// the peer has seen it go, as agentbench's join does with processes.
func BenchmarkJoin(b *testing.B) {
	srv := startServer(b, benchOptions)
	a := newClient(b, srv, 1, MediaTest, nil)
	w := newClient(b, srv, 2, MediaNone, nil)
	w.joined(b, "bench", true)
	var joins, notices []time.Duration
	for b.Loop() {
		start := time.Now()
		a.Join("bench", 1, "", true)
		_, t1 := next[Joined](b, a.rec)
		pj, t2 := next[PeerJoined](b, w.rec)
		if pj.UID != 1 {
			b.Fatalf("%v, want peer 1", pj)
		}
		joins, notices = append(joins, t1.Sub(start)), append(notices, t2.Sub(t1))
		a.Stop(true)
		next[PeerOffline](b, w.rec)
	}
	reportDurations(b, "join-ms", joins)
	reportDurations(b, "peer-notice-ms", notices)
}

// BenchmarkKillResume measures a killed publisher coming back: from the
// end of the old session (Stop(false) and Close returned: the process is
// gone) to the new session's Joined (a new Session on the same state
// directory: loading the clip and making the pion API included), and to
// the first keyframe of the resumed media at a watching peer.
func BenchmarkKillResume(b *testing.B) {
	srv := startServer(b, benchOptions)
	var log packetLog
	w := newClient(b, srv, 2, MediaNone, withPacketLog(&log))
	w.joined(b, "bench", true)
	a := newClient(b, srv, 1, MediaTest, nil)
	a.joined(b, "bench", true)
	dir := a.dir
	eventually(b, "media at the peer", func() bool { return videoOf(w, 1).Frames > 0 })
	var rejoins, media []time.Duration
	b.ResetTimer()
	for b.Loop() {
		a.Stop(false)
		a.Close()
		killed := time.Now()
		a = newClient(b, srv, 1, MediaTest, func(c *Config) { c.StateDir = dir })
		a.Join("bench", 1, "", false)
		j, t1 := next[Joined](b, a.rec)
		if !j.Resumed {
			b.Fatalf("%v: not resumed", j)
		}
		var keyAt time.Time
		eventually(b, "a keyframe at the peer", func() bool {
			keyAt = firstKeyframe(log.of("u1-video"), killed)
			return !keyAt.IsZero()
		})
		rejoins, media = append(rejoins, t1.Sub(killed)), append(media, keyAt.Sub(killed))
	}
	if n := peerNews(w.rec.all(), 1); len(n) != 1 { // Only the first join.
		b.Fatalf("the peer saw %v", n)
	}
	reportDurations(b, "rejoin-ms", rejoins)
	reportDurations(b, "media-ms", media)
}

// firstKeyframe returns when the first keyframe after t arrived, or zero.
func firstKeyframe(pkts []Packet, t time.Time) time.Time {
	for _, p := range pkts {
		if p.At.After(t) && p.Keyframe {
			return p.At
		}
	}
	return time.Time{}
}
