// Package rtc is the agent's side of a real-time session: it joins a channel
// of the channel server (package rtc/server) over the signalling protocol of
// rtc/signal, publishes media (a built-in test clip, RTP from a local
// encoder, or nothing), receives the media of the other users (VP8 and Opus,
// the only codecs it negotiates: codecs.go), and resumes its own session
// after a restart of the process from what it keeps in its state directory.
//
// A Session does its work on one goroutine that owns the WebSocket and the
// PeerConnection; pion's callbacks and the WebSocket reader submit work to
// it. Every method returns at once (Stop and Close wait, briefly). Outcomes
// come back as Events through Config.Report: each attempt (Join, Reconnect)
// ends with exactly one of Joined, AttemptFailed or Refused, unless Stop or
// Close ends it first.
//
// The package knows nothing of the agent's state machine (package agent
// adapts a Session to its own interface): it reports what happened and the
// agent decides what to do about it.
package rtc
