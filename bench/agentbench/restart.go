package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// restartRound is one SIGKILL and immediate restart, each moment measured
// from the kill.
type restartRound struct {
	gone       time.Duration // the old process reaped
	started    time.Duration // the new process forked
	connecting time.Duration // its CONNECTING callback logged (its T0)
	rejoined   time.Duration // its onJoinChannelSuccess logged
	media      time.Duration // the first video packet at the peer after the fork
	keyframe   time.Duration // the first keyframe at the peer after the fork
	resumed    bool
}

// benchRestart kills the publishing agent with SIGKILL and starts a new
// process on the same state directory at once, as a supervisor does,
// l.opts.kills times; between kills it publishes for l.opts.settle.
func benchRestart(ctx context.Context, l *lab, w io.Writer) error {
	const channel = "bench-restart"
	peer, err := l.startWatcher(ctx, channel)
	if err != nil {
		return err
	}
	defer peer.close()
	state, err := l.tempDir("state-")
	if err != nil {
		return err
	}
	a, err := l.startAgent(channel, state)
	if err != nil {
		return err
	}
	defer func() { _ = a.stop() }() // the last process
	if _, err := a.awaitCallback(0, cbJoined); err != nil {
		return err
	}
	if _, err := peer.awaitPacket(time.Time{}, true); err != nil {
		return err
	}
	news := peer.events.mark()
	var rounds []restartRound
	for i := range l.opts.kills {
		if err := pause(ctx, l.opts.settle); err != nil {
			return err
		}
		next, r, err := killAndRestart(l, a, peer, channel, state)
		if next != nil {
			a = next
		}
		if err != nil {
			return fmt.Errorf("kill %d: %w", i+1, err)
		}
		rounds = append(rounds, r)
	}
	joined, offline := peer.peerNews(news)
	reportRestart(w, rounds, joined, offline)
	return nil
}

// killAndRestart kills old and starts its successor; it returns the new
// process (nil if none started) and the round's figures.
func killAndRestart(l *lab, old *agentProc, peer *watcher, channel, state string) (*agentProc, restartRound, error) {
	var r restartRound
	killed := time.Now()
	if err := old.kill(); err != nil {
		return nil, r, err
	}
	r.gone = time.Since(killed)
	a, err := l.startAgent(channel, state)
	if err != nil {
		return nil, r, err
	}
	r.started = a.started.Sub(killed)
	c, err := a.awaitCallback(0, cbConnecting)
	if err != nil {
		return a, r, err
	}
	j, err := a.awaitCallback(0, cbJoined)
	if err != nil {
		return a, r, err
	}
	r.connecting, r.rejoined, r.resumed = c.At.Sub(killed), j.At.Sub(killed), a.resumed()
	p, err := peer.awaitPacket(a.started, false)
	if err != nil {
		return a, r, err
	}
	k, err := peer.awaitPacket(a.started, true)
	if err != nil {
		return a, r, err
	}
	r.media, r.keyframe = p.At.Sub(killed), k.At.Sub(killed)
	return a, r, nil
}

func reportRestart(w io.Writer, rounds []restartRound, joined, offline int) {
	pick := func(f func(restartRound) time.Duration) durations {
		ds := make([]time.Duration, len(rounds))
		for i, r := range rounds {
			ds[i] = f(r)
		}
		return summarizeDurations(ds)
	}
	resumed := 0
	for _, r := range rounds {
		if r.resumed {
			resumed++
		}
	}
	fmt.Fprintf(w, "   %d × SIGKILL, new process on the same state directory at once; from the kill:\n", len(rounds))
	fmt.Fprintf(w, "   old process reaped:          %v\n", pick(func(r restartRound) time.Duration { return r.gone }))
	fmt.Fprintf(w, "   new process forked:          %v\n", pick(func(r restartRound) time.Duration { return r.started }))
	fmt.Fprintf(w, "   its CONNECTING logged:       %v\n", pick(func(r restartRound) time.Duration { return r.connecting }))
	fmt.Fprintf(w, "   rejoined (goal ≤ 200 ms):    %v\n", pick(func(r restartRound) time.Duration { return r.rejoined }))
	fmt.Fprintf(w, "   first packet at the peer:    %v\n", pick(func(r restartRound) time.Duration { return r.media }))
	fmt.Fprintf(w, "   keyframe at the peer (goal ≤ 500 ms): %v\n", pick(func(r restartRound) time.Duration { return r.keyframe }))
	fmt.Fprintf(w, "   resumed (not a fresh join): %d of %d; the peer saw uid 1 join %d and go offline %d times (want 0, 0)\n",
		resumed, len(rounds), joined, offline)
}
