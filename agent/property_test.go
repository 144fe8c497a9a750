package agent

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// world runs a machine the way the loop does: it keeps the armed timers and
// fires them at their deadlines, so that random inputs give runs a real
// agent could have.
type world struct {
	m        Machine
	st       Status
	now      time.Time
	lastData time.Time
	armed    map[TimerID]time.Time
	checker  callbackChecker
}

func newWorld() *world {
	return &world{m: NewMachine(DefaultTimers(), nil), st: NewStatus(t0), now: t0, armed: map[TimerID]time.Time{},
		checker: callbackChecker{state: StateDisconnected, peers: map[uint32]bool{}}}
}

func (w *world) feed(in Input) error {
	var acts []Action
	w.st, acts = w.m.Step(w.st, in, w.now)
	for _, a := range acts {
		switch a := a.(type) {
		case ArmTimer:
			w.armed[a.ID] = a.At
		case CancelTimer:
			delete(w.armed, a.ID)
		case Emit:
			if err := w.checker.check(a.Event); err != nil {
				return fmt.Errorf("after %T: %w", in, err)
			}
		}
	}
	if w.st.State != w.checker.state {
		return fmt.Errorf("status says %s, callbacks said %s", w.st.State, w.checker.state)
	}
	return nil
}

// fireNext advances the clock to the earliest armed timer and fires it.
func (w *world) fireNext() error {
	if len(w.armed) == 0 {
		return nil
	}
	var id TimerID
	var due time.Time
	for i, d := range w.armed {
		if id == 0 || d.Before(due) || (d.Equal(due) && i < id) {
			id, due = i, d
		}
	}
	delete(w.armed, id)
	if due.After(w.now) {
		w.now = due
	}
	return w.feed(TimerFired{ID: id, LastData: w.lastData})
}

// input turns two random bytes into an input.
func (w *world) input(op, arg byte) Input {
	uid := uint32(arg%4) + 2
	switch op % 16 {
	case 0:
		return JoinRequested{Channel: []string{"a", "b"}[arg%2], UID: 1, Token: "t"}
	case 1:
		return LeaveRequested{}
	case 2:
		return RejoinRequested{}
	case 3:
		return TokenChanged{Token: fmt.Sprintf("t%d", arg%3)}
	case 4, 5:
		return Joined{Peers: []uint32{uid, uid + 1}[:arg%3%2+1]}
	case 6:
		return AttemptFailed{}
	case 7:
		return SessionDown{}
	case 8:
		return Refused{Reason: Reason(arg % 15)}
	case 9:
		return TokenAccepted{}
	case 10:
		return TokenWillExpire{}
	case 11:
		return PeerJoined{UID: uid}
	case 12:
		return PeerOffline{UID: uid, Reason: OfflineReason(arg % 2)}
	default:
		return NetworkChanged{Type: NetworkType(int(arg%4) - 1), PathChanged: arg&0x80 != 0}
	}
}

// run plays a byte string as a run: each pair of bytes is either the clock
// moving on, a timer firing, data arriving, or an input.
func (w *world) run(data []byte) error {
	for i := 0; i+1 < len(data); i += 2 {
		op, arg := data[i], data[i+1]
		var err error
		switch op / 16 % 4 {
		case 0:
			w.now = w.now.Add(time.Duration(arg) * 97 * time.Millisecond)
		case 1:
			err = w.fireNext()
		case 2:
			w.lastData = w.now
			err = w.feed(w.input(op, arg))
		default:
			err = w.feed(w.input(op, arg))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// callbackChecker checks that callbacks come in a legal order.
type callbackChecker struct {
	state State
	prev  State  // the state before the last change
	last  *Event // the previous callback
	lost  bool   // onConnectionLost since the last state change to CONNECTED
	peers map[uint32]bool
	trace []string
}

func (c *callbackChecker) check(e Event) error {
	c.trace = append(c.trace, e.String())
	if len(c.trace) > 8 {
		c.trace = c.trace[1:]
	}
	err := c.rule(e)
	c.last = &e
	if err != nil {
		return fmt.Errorf("%w (trace %q)", err, c.trace)
	}
	return nil
}

func (c *callbackChecker) rule(e Event) error {
	switch e.Kind {
	case OnConnectionStateChanged:
		return c.stateChanged(e)
	case OnJoinChannelSuccess:
		return c.follows(e, StateConnecting)
	case OnRejoinChannelSuccess:
		return c.follows(e, StateReconnecting)
	case OnLeaveChannel:
		if c.last == nil || c.last.Reason != ReasonLeaveChannel || c.state != StateDisconnected {
			return fmt.Errorf("onLeaveChannel not right after DISCONNECTED(LEAVE_CHANNEL)")
		}
	case OnConnectionLost:
		if c.state != StateConnecting && c.state != StateReconnecting || c.lost {
			return fmt.Errorf("onConnectionLost in %s (lost already: %v)", c.state, c.lost)
		}
		c.lost = true
	case OnUserJoined, OnUserOffline:
		return c.peer(e)
	}
	return nil
}

func (c *callbackChecker) stateChanged(e Event) error {
	if !LegalTransition(c.state, e.State, e.Reason) {
		return fmt.Errorf("illegal transition %s -> %s(%s)", c.state, e.State, e.Reason)
	}
	if e.State != c.state {
		c.prev = c.state
	}
	if e.State == StateConnected || e.State == StateDisconnected || e.State == StateFailed || e.State == StateConnecting {
		c.lost = false
	}
	if e.State != StateConnected && e.State != StateReconnecting {
		clear(c.peers)
	}
	c.state = e.State
	return nil
}

// follows checks a join callback comes right after CONNECTED(JOIN_SUCCESS)
// entered from the given state.
func (c *callbackChecker) follows(e Event, from State) error {
	ok := c.last != nil && c.last.Kind == OnConnectionStateChanged && c.last.State == StateConnected &&
		c.last.Reason == ReasonJoinSuccess && c.prev == from
	if !ok {
		return fmt.Errorf("%s not right after CONNECTED(JOIN_SUCCESS) from %s", e.Kind, from)
	}
	return nil
}

func (c *callbackChecker) peer(e Event) error {
	if c.state != StateConnected && c.state != StateReconnecting {
		return fmt.Errorf("%s in %s", e.Kind, c.state)
	}
	present := c.peers[e.RemoteUID]
	if e.Kind == OnUserJoined == present {
		return fmt.Errorf("%s for uid %d, present=%v", e.Kind, e.RemoteUID, present)
	}
	c.peers[e.RemoteUID] = e.Kind == OnUserJoined
	return nil
}

// FuzzMachine checks that any run gives only legal transitions and
// callbacks in a legal order.
func FuzzMachine(f *testing.F) {
	f.Add([]byte{0x20, 0, 0x24, 1, 0x10, 0, 0x10, 0, 0x10, 0, 0x10, 0})
	f.Add([]byte{0x2d, 1, 0x20, 0, 0x25, 2, 0x3b, 1, 0x2d, 0x81, 0x10, 0, 0x3c, 1, 0x21, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := newWorld().run(data); err != nil {
			t.Fatal(err)
		}
	})
}

// TestMachine_RandomRunsAreLegal is the property test: many random runs,
// long enough to reach FAILED and the daemon's retry.
func TestMachine_RandomRunsAreLegal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	reached := map[State]bool{}
	for i := range 3000 {
		data := make([]byte, 2*(50+rng.IntN(400)))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		w := newWorld()
		if err := w.run(data); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		reached[w.st.State] = true
	}
	for _, s := range []State{StateDisconnected, StateConnecting, StateConnected, StateReconnecting, StateFailed} {
		if !reached[s] {
			t.Errorf("no run ended in %s: the generator misses part of the machine", s)
		}
	}
}
