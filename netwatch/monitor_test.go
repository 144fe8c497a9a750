package netwatch

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

var (
	onePath    = snap([]Interface{eth0}, route4(2, "192.168.1.1", 100))
	carrierOff = snap([]Interface{with(eth0, func(i *Interface) { i.Carrier = false; i.Oper = OperDown })},
		route4(2, "192.168.1.1", 100))
	renumbered = snap([]Interface{with(eth0, func(i *Interface) { i.Addrs[0] = pfx("192.168.1.99/24") })},
		route4(2, "192.168.1.1", 100))
)

func TestMonitor_ReportsChangeOnNotification(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{})
	if got := m.Snapshot().Path().Name; got != "eth0" {
		t.Fatalf("Snapshot after Start: path %q, want eth0", got)
	}
	recv(t, src.watches, "subscription")
	src.change(carrierOff)
	d := recvDelta(t, m)
	if !d.PathLost || d.Usable || d.Type != NetworkDisconnected || !d.TypeChanged {
		t.Errorf("Delta = %+v, want path lost, DISCONNECTED", flagsOf(d))
	}
	if d.Old.Path().Name != "eth0" || d.New.Path().Valid() {
		t.Errorf("Delta snapshots wrong: old path %q, new path %q", d.Old.Path().Name, d.New.Path().Name)
	}
	if m.Snapshot().Path().Valid() {
		t.Errorf("Snapshot() still has a path after the Delta")
	}
}

func TestMonitor_NoDeltaWithoutChange(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{})
	w := recv(t, src.watches, "subscription")
	recv(t, src.reads, "first read")
	w.notify(nil) // a message that changes nothing we look at
	recv(t, src.reads, "read after the notification")
	src.change(renumbered)
	d := recvDelta(t, m)
	if !d.AddrChanged || d.PathChanged || !d.Old.Equal(onePath) {
		t.Errorf("first Delta = %+v, want only the renumbering, from the first snapshot", flagsOf(d))
	}
}

func TestMonitor_CoalescesForSlowConsumer(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{})
	recv(t, src.watches, "subscription")
	recv(t, src.reads, "first read")

	// Nobody reads Deltas: the monitor must go on reading.
	src.change(carrierOff)
	recv(t, src.reads, "read after carrier lost")
	src.change(renumbered)
	recv(t, src.reads, "read after renumbering")

	d := recvDelta(t, m)
	if !d.Old.Equal(onePath) || !d.New.Equal(renumbered) {
		t.Fatalf("coalesced Delta goes from %v to %v, want first snapshot to newest", d.Old.Path(), d.New.Path())
	}
	if !d.AddrChanged || d.PathLost || !d.Usable {
		t.Errorf("coalesced Delta = %+v, want address changed on a usable path", flagsOf(d))
	}
}

func TestMonitor_RevertedChangeIsNotReported(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{})
	recv(t, src.watches, "subscription")
	recv(t, src.reads, "first read")
	src.change(carrierOff)
	recv(t, src.reads, "read after carrier lost")
	src.change(onePath)
	recv(t, src.reads, "read after carrier back")
	src.change(renumbered)
	d := recvDelta(t, m)
	if !d.Old.Equal(onePath) || !d.New.Equal(renumbered) || d.LinksChanged {
		t.Errorf("Delta = %+v, want only the renumbering: the flap reverted before delivery", flagsOf(d))
	}
}

func TestMonitor_ResubscribesAndResyncsOnFailure(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{})
	w := recv(t, src.watches, "subscription")
	src.set(carrierOff) // lost in the overflow: no notification
	w.breakDown()
	recv(t, src.watches, "resubscription")
	d := recvDelta(t, m)
	if !d.PathLost {
		t.Errorf("Delta after resync = %+v, want path lost", flagsOf(d))
	}
	src.change(onePath) // the new subscription works
	if d := recvDelta(t, m); !d.PathRestored {
		t.Errorf("Delta after resubscription = %+v, want path restored", flagsOf(d))
	}
}

func TestMonitor_PollsWhenSubscribeFails(t *testing.T) {
	src := newFakeSource(onePath)
	src.setWatchErr(errors.New("fake: EPERM"))
	m, _ := startFake(t, src, Options{PollInterval: time.Millisecond})
	recv(t, src.watchTry, "subscribe attempt")
	src.set(carrierOff)
	if d := recvDelta(t, m); !d.PathLost {
		t.Errorf("Delta while polling = %+v, want path lost", flagsOf(d))
	}
	// It keeps trying to subscribe, and uses notifications once it can.
	src.setWatchErr(nil)
	recv(t, src.watches, "subscription after retries")
	src.change(onePath)
	if d := recvDelta(t, m); !d.PathRestored {
		t.Errorf("Delta = %+v, want path restored", flagsOf(d))
	}
}

func TestMonitor_PollOnlyNeverSubscribes(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{PollOnly: true, PollInterval: time.Millisecond})
	src.set(carrierOff)
	if d := recvDelta(t, m); !d.PathLost {
		t.Errorf("Delta = %+v, want path lost", flagsOf(d))
	}
	select {
	case err := <-src.watchTry:
		t.Errorf("PollOnly monitor tried to subscribe (err %v)", err)
	default:
	}
}

func TestMonitor_TimeJumpIsADelta(t *testing.T) {
	src := newFakeSource(onePath)
	m, clk := startFake(t, src, Options{})
	clk.advance(time.Second, time.Second) // a normal tick: nothing
	clk.advance(time.Hour, time.Second)   // resumed after an hour
	d := recvDelta(t, m)
	if !d.TimeJumped || d.LinksChanged || d.PathChanged || !d.Usable {
		t.Errorf("Delta = %+v (jumped %v), want only TimeJumped", flagsOf(d), d.TimeJumped)
	}
}

func TestMonitor_TimeJumpSurvivesCoalescing(t *testing.T) {
	src := newFakeSource(onePath)
	m, clk := startFake(t, src, Options{})
	recv(t, src.watches, "subscription")
	recv(t, src.reads, "first read")
	clk.advance(time.Hour, time.Second)
	recv(t, src.reads, "read after the jump")
	src.change(renumbered)
	recv(t, src.reads, "read after renumbering")
	d := recvDelta(t, m)
	if !d.TimeJumped || !d.AddrChanged {
		t.Errorf("Delta = %+v (jumped %v), want the jump and the renumbering", flagsOf(d), d.TimeJumped)
	}
}

func TestMonitor_IgnoresLoopbackByDefault(t *testing.T) {
	lo := Interface{Index: 1, Name: "lo", Loopback: true, Up: true, Carrier: true, Addrs: nil}
	src := newFakeSource(snap([]Interface{lo, eth0}, route4(2, "192.168.1.1", 100)))
	m, _ := startFake(t, src, Options{})
	if n := len(m.Snapshot().Interfaces); n != 1 {
		t.Fatalf("snapshot has %d interfaces, want 1 (loopback ignored)", n)
	}
	recv(t, src.watches, "subscription")
	recv(t, src.reads, "first read")
	src.change(snap([]Interface{with(lo, func(i *Interface) { i.Up = false }), eth0}, route4(2, "192.168.1.1", 100)))
	recv(t, src.reads, "read after lo down")
	src.change(snap([]Interface{lo, with(eth0, func(i *Interface) { i.Carrier = false })}, route4(2, "192.168.1.1", 100)))
	d := recvDelta(t, m)
	if d.ChangedInterfaces[0] != "eth0" || len(d.ChangedInterfaces) != 1 {
		t.Errorf("changed interfaces = %v, want only eth0", d.ChangedInterfaces)
	}
}

func TestMonitor_ReadErrorIsRetried(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{PollInterval: time.Millisecond})
	recv(t, src.watches, "subscription")
	src.setReadErr(errors.New("fake: EINTR"))
	src.change(carrierOff)
	src.setReadErr(nil)
	if d := recvDelta(t, m); !d.PathLost {
		t.Errorf("Delta = %+v, want path lost", flagsOf(d))
	}
}

func TestMonitor_Lifecycle(t *testing.T) {
	t.Run("start fails when the network cannot be read", func(t *testing.T) {
		src := newFakeSource(onePath)
		src.setReadErr(errors.New("fake: EACCES"))
		m := New(Options{})
		m.newSource = func(Options, *slog.Logger) (source, error) { return src, nil }
		if err := m.Start(); err == nil {
			t.Fatal("Start succeeded without a first snapshot")
		}
		if _, ok := <-m.Deltas(); ok {
			t.Error("Deltas not closed after a failed Start")
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close after a failed Start: %v", err)
		}
	})
	t.Run("start fails when the source cannot be opened", func(t *testing.T) {
		m := New(Options{})
		m.newSource = func(Options, *slog.Logger) (source, error) { return nil, errors.New("fake: no netlink") }
		if err := m.Start(); err == nil {
			t.Fatal("Start succeeded without a source")
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	t.Run("close without start", func(t *testing.T) {
		if err := New(Options{}).Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	t.Run("second start refused, close twice, deltas closed", func(t *testing.T) {
		src := newFakeSource(onePath)
		m, _ := startFake(t, src, Options{})
		if err := m.Start(); err == nil {
			t.Error("second Start succeeded")
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := m.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, ok := <-m.Deltas(); ok {
			t.Error("Deltas not closed by Close")
		}
	})
	t.Run("start after close refused", func(t *testing.T) {
		m := New(Options{})
		m.newSource = func(Options, *slog.Logger) (source, error) { return newFakeSource(onePath), nil }
		if err := m.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := m.Start(); err == nil {
			t.Error("Start after Close succeeded")
		}
		if _, ok := <-m.Deltas(); ok {
			t.Error("Deltas not closed")
		}
	})
	t.Run("snapshot before start is zero", func(t *testing.T) {
		if s := New(Options{}).Snapshot(); len(s.Interfaces) != 0 || s.Path().Valid() {
			t.Errorf("Snapshot before Start = %+v", s)
		}
	})
}

func TestMonitor_DeltasChain(t *testing.T) {
	src := newFakeSource(onePath)
	m, _ := startFake(t, src, Options{})
	recv(t, src.watches, "subscription")
	first := m.Snapshot()
	prev := first
	for i, s := range []Snapshot{carrierOff, onePath, renumbered, twoPaths} {
		src.change(s)
		d := recvDelta(t, m)
		if !d.Old.Equal(prev) || !d.New.Equal(s) {
			t.Fatalf("Delta %d: Old is not the previous New, or New is not the network", i)
		}
		if !d.Old.At.Equal(prev.At) {
			t.Errorf("Delta %d: Old.At %v, want %v", i, d.Old.At, prev.At)
		}
		prev = d.New
	}
}
