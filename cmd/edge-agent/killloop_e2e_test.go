package main

import (
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestE2E_KillLoop: 30 SIGKILLs at random moments — some while the agent
// is still rejoining from the last one — each followed at once by a new
// process on the same state directory, as a supervisor does. Neither the
// native nor the web peer sees anything; the figures are kill → rejoined.
func TestE2E_KillLoop(t *testing.T) {
	const kills = 30
	h := newHostLab(t, "killloop")
	a := h.start(t)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	h.native.Await(0, "joined 1", 5*time.Second)
	h.native.AwaitVideo(0, 30, 10*time.Second)
	nFrom, wFrom := h.native.Mark(), h.web.Mark()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 6))
	var rejoin []time.Duration
	for range kills {
		// A random moment: from right after the last restart (mid-join) to
		// well into a settled session.
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		a.signal(syscall.SIGKILL)
		killed := time.Now()
		a.wait(5 * time.Second)
		a = h.start(t)
		cb, _ := a.await(0, "onJoinChannelSuccess", 10*time.Second)
		rejoin = append(rejoin, cb.At.Sub(killed))
	}
	h.native.AwaitVideo(h.native.VideoMark(), 30, 5*time.Second)
	time.Sleep(11 * time.Second) // Past the web peers' window after the last kill.
	h.native.None(nFrom)
	h.web.None(wFrom)
	slices.Sort(rejoin)
	t.Logf("%d kills: kill → rejoined median %s, p95 %s, worst %s", kills,
		rejoin[len(rejoin)/2].Round(time.Millisecond), rejoin[len(rejoin)*95/100].Round(time.Millisecond),
		rejoin[len(rejoin)-1].Round(time.Millisecond))
}
