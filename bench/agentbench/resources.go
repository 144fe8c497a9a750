package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Goals of issue 3 for the agent publishing ~2 Mbit/s.
const (
	goalRSSKiB     = 25 * 1000 * 1000 / 1024 // 25 MB
	goalCPUPercent = 3.0                     // of one core
)

// sampleEvery is the /proc sampling period: RSS moves slowly, and the CPU
// figure comes from the first and last samples only.
const sampleEvery = time.Second

// benchResources runs the agent publishing the test clip to one native
// peer and, after the warm-up, samples /proc/PID every second for the
// window: received bitrate at the peer, the agent's RSS and CPU.
func benchResources(ctx context.Context, l *lab, w io.Writer) error {
	const channel = "bench-res"
	peer, err := l.startWatcher(ctx, channel)
	if err != nil {
		return err
	}
	defer peer.close()
	state, err := l.tempDir("state-")
	if err != nil {
		return err
	}
	a, err := l.startPublisher(channel, state)
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = a.stop()
		}
	}()
	if _, err := peer.awaitPacket(time.Time{}, true); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s pid %d publishing; warm-up %v, then sampling /proc every %v for %v\n",
		l.opts.publisher, a.pid(), l.opts.warmup, sampleEvery, l.opts.duration)
	if err := pause(ctx, l.opts.warmup); err != nil {
		return err
	}
	from := a.lines.mark()
	agentS, serverS, err := sampleWindow(ctx, a.pid(), l.serverPID(), l.opts.duration)
	if err != nil {
		return err
	}
	reportResources(w, l.opts.publisher, peer, agentS, serverS)
	reportGC(w, a.lines.since(from), agentS)
	reportSmaps(w, a.pid())
	if l.opts.perf > 0 {
		if err := profileAgent(ctx, l, a.pid(), w); err != nil {
			return err
		}
	}
	if l.opts.publisher != "pubonly" {
		return nil
	}
	stopped = true
	if err := a.stop(); err != nil {
		return err
	}
	return reportPprof(ctx, l, w)
}

// startPublisher starts what -publisher names; the agent must report its
// join (pubonly is only known to publish by its media at the peer).
func (l *lab) startPublisher(channel, state string) (*agentProc, error) {
	if l.opts.publisher == "pubonly" {
		return l.startPubOnly(channel, state)
	}
	a, err := l.startAgent(channel, state)
	if err != nil {
		return nil, err
	}
	if _, err := a.awaitCallback(0, cbJoined); err != nil {
		_ = a.stop()
		return nil, err
	}
	return a, nil
}

// pause waits d unless ctx ends first: a measurement window, not a
// synchronisation.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("interrupted: %w", ctx.Err())
	}
}

// sampleWindow samples the agent every sampleEvery for d, and the server
// at both ends.
func sampleWindow(ctx context.Context, agent, server int, d time.Duration) (a, s []procSample, err error) {
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	end := time.Now().Add(d)
	for {
		x, err := sampleProc(agent)
		if err != nil {
			return nil, nil, fmt.Errorf("agent: %w", err)
		}
		a = append(a, x)
		if len(a) == 1 || !x.At.Before(end) {
			if y, err := sampleProc(server); err == nil {
				s = append(s, y)
			}
		}
		if !x.At.Before(end) {
			return a, s, nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("interrupted: %w", ctx.Err())
		}
	}
}

func reportResources(w io.Writer, name string, peer *watcher, agent, server []procSample) {
	u := summarize(agent)
	first, last := agent[0], agent[len(agent)-1]
	bps, pkts := peer.bitrate(first.At, last.At)
	fmt.Fprintf(w, "   received at the peer: %.2f Mbit/s of RTP (%d packets, %.0f/s) over %v\n",
		bps/1e6, pkts, float64(pkts)/u.Wall.Seconds(), u.Wall.Round(time.Millisecond))
	fmt.Fprintf(w, "   %s RSS: avg %s, max %s; VmHWM %s; goal ≤ 25 MB: %s\n",
		name, mb(u.RSSAvg), mb(u.RSSMax), mb(u.HWM), verdict(u.RSSMax <= goalRSSKiB))
	fmt.Fprintf(w, "   %s RSS split (avg): anonymous %s, file-backed %s; threads ≤ %d\n",
		name, mb(u.AnonAvg), mb(u.FileAvg), u.ThreadsMax)
	fmt.Fprintf(w, "   %s CPU: %.2f %% of one core (%v in %v); goal ≤ 3 %%: %s\n",
		name, u.cpuPercent(), u.CPU, u.Wall.Round(time.Millisecond), verdict(u.cpuPercent() <= goalCPUPercent))
	if s := summarize(server); s.Wall > 0 {
		fmt.Fprintf(w, "   (server CPU meanwhile: %.2f %% of one core; RSS %s)\n", s.cpuPercent(), mb(server[len(server)-1].VmRSS))
	}
}

// reportSmaps prints the publisher's resident memory by mapping.
func reportSmaps(w io.Writer, pid int) {
	ms, err := readSmaps(pid)
	if err != nil {
		fmt.Fprintf(w, "   (no smaps: %v)\n", err)
		return
	}
	fmt.Fprintln(w, "   RSS by mapping at the end of the window (r-xp: code, r--p: read-only data and pclntab, rw-p: data; [anon]: Go heap, stacks, runtime):")
	for i, m := range ms {
		if i == 8 {
			break
		}
		fmt.Fprintf(w, "     %7.1f MiB  %s\n", float64(m.rssKiB)/1024, m.name)
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// reportGC sums up the agent's GODEBUG=gctrace=1 lines ("gc N @…") of the
// window, if any.
func reportGC(w io.Writer, lines []logLine, agent []procSample) {
	first, last := agent[0].At, agent[len(agent)-1].At
	var n int
	var lastGC string
	for _, l := range lines {
		if strings.HasPrefix(l.Text, "gc ") && !l.At.Before(first) && l.At.Before(last) {
			n++
			lastGC = l.Text
		}
	}
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "   GC: %d cycles in %v (%.1f/s); last: %s\n",
		n, last.Sub(first).Round(time.Second), float64(n)/last.Sub(first).Seconds(), lastGC)
}
