package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// joinRound is one fresh join of a new agent process.
type joinRound struct {
	start  time.Duration                  // fork → CONNECTING logged (T0): process start
	join   time.Duration                  // T0 → onJoinChannelSuccess logged (T1)
	notice time.Duration                  // T1 → the peer's PeerJoined (T2); negative when the peer heard first
	t0t2   time.Duration                  // T0 → T2
	own    time.Duration                  // the agent's own T0→T1, the elapsed of onJoinChannelSuccess
	phases [len(joinPhases)]time.Duration // T0 → each phase's log line
}

// joinPhases are the log lines of the agent between T0 and T1, in order:
// where the join's time goes.
var joinPhases = [...]struct{ name, line string }{
	{"signalling: ws dial, join → joined", "msg=joined "},
	{"the server's offer applied", `msg="signaling state changed to have-remote-offer"`},
	{"ICE connected", `msg="ICE connection state changed: connected"`},
	{"DTLS done, PeerConnection connected", `msg="peer connection state changed: connected"`},
}

// benchJoin starts the agent l.opts.joins times on a new state directory
// (a fresh join each time) with a native peer in the channel, and stops it
// with SIGTERM (a leave) after each join.
func benchJoin(ctx context.Context, l *lab, w io.Writer) error {
	const channel = "bench-join"
	peer, err := l.startWatcher(ctx, channel)
	if err != nil {
		return err
	}
	defer peer.close()
	var rounds []joinRound
	for i := range l.opts.joins {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %w", ctx.Err())
		}
		r, err := oneJoin(l, peer, channel)
		if err != nil {
			return fmt.Errorf("join %d: %w", i+1, err)
		}
		rounds = append(rounds, r)
	}
	reportJoin(w, rounds)
	return nil
}

// oneJoin starts an agent, measures its join and the peer's notice, and
// stops it; it returns once the peer has seen it leave.
func oneJoin(l *lab, peer *watcher, channel string) (joinRound, error) {
	var r joinRound
	state, err := l.tempDir("state-")
	if err != nil {
		return r, err
	}
	news := peer.events.mark()
	a, err := l.startAgent(channel, state)
	if err != nil {
		return r, err
	}
	c, err := a.awaitCallback(0, cbConnecting)
	if err == nil {
		var j logLine
		if j, err = a.awaitCallback(0, cbJoined); err == nil {
			r.start, r.join, r.own = c.At.Sub(a.started), j.At.Sub(c.At), joinElapsed(callbackEvent(j.Text))
			r.phases = phasesOf(a.lines.since(0), c.At)
			var n peerEvent
			if n, err = peer.awaitPeer(news, false); err == nil {
				r.notice, r.t0t2 = n.At.Sub(j.At), n.At.Sub(c.At)
			}
		}
	}
	if serr := a.stop(); err == nil {
		err = serr
	}
	if err != nil {
		return r, err
	}
	_, err = peer.awaitPeer(news, true)
	return r, err
}

// phasesOf returns the time from t0 to the first line of each phase (zero
// for a phase not logged).
func phasesOf(lines []logLine, t0 time.Time) (out [len(joinPhases)]time.Duration) {
	for i, p := range joinPhases {
		for _, l := range lines {
			if strings.Contains(l.Text, p.line) {
				out[i] = l.At.Sub(t0)
				break
			}
		}
	}
	return out
}

// joinElapsed reads the elapsed time of `onJoinChannelSuccess("ch", 1,
// 40ms)`; zero if it has none.
func joinElapsed(event string) time.Duration {
	i := strings.LastIndexByte(event, ',')
	if i < 0 || !strings.HasSuffix(event, ")") {
		return 0
	}
	d, err := time.ParseDuration(strings.TrimSpace(event[i+1 : len(event)-1]))
	if err != nil {
		return 0
	}
	return d
}

func reportJoin(w io.Writer, rounds []joinRound) {
	pick := func(f func(joinRound) time.Duration) durations {
		ds := make([]time.Duration, len(rounds))
		for i, r := range rounds {
			ds[i] = f(r)
		}
		return summarizeDurations(ds)
	}
	fmt.Fprintf(w, "   %d fresh joins of a new agent process, a native peer present:\n", len(rounds))
	fmt.Fprintf(w, "   process start, fork → CONNECTING (T0):  %v\n", pick(func(r joinRound) time.Duration { return r.start }))
	fmt.Fprintf(w, "   join T0 → T1 (goal ≤ 20 ms):            %v\n", pick(func(r joinRound) time.Duration { return r.join }))
	fmt.Fprintf(w, "   the agent's own T0 → T1 (its elapsed):  %v\n", pick(func(r joinRound) time.Duration { return r.own }))
	fmt.Fprintln(w, "   where T0 → T1 goes (agent log lines, from T0):")
	for i, p := range joinPhases {
		fmt.Fprintf(w, "     %-38s %v\n", p.name+":", pick(func(r joinRound) time.Duration { return r.phases[i] }))
	}
	fmt.Fprintf(w, "   peer notice T1 → T2 (goal ≤ 10 ms):     %v\n", pick(func(r joinRound) time.Duration { return r.notice }))
	fmt.Fprintf(w, "   T0 → T2:                                %v\n", pick(func(r joinRound) time.Duration { return r.t0t2 }))
}
