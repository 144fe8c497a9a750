// Package agent holds the connection state machine of edge-agent and the loop
// that drives it.
//
// The machine ([Machine]) is the SDK's connection state machine of SPEC §1–§2
// written as a pure function: Step(status, input, now) returns the next status
// and the actions to carry out (callbacks to emit, timers to arm or cancel,
// session operations). It has no goroutines, locks, clocks or I/O, so every
// documented moment of the timeline is a table test.
//
// The loop ([Agent]) owns one machine. It feeds it inputs from the session,
// the network monitor and the console, runs its timers (a stale fire is
// dropped), drives the session, and hands every callback to observers through
// ordered queues that never block the loop.
package agent
