// Package mqtt reports an edge-agent to its fleet console over MQTT 3.1.1
// (SPEC §6.3) and takes the console's commands.
//
// A [Reporter] publishes under {prefix}/{device}/:
//
//   - status    retained, QoS 1: online after every connect; the will, and a
//     clean stop, say offline with the same conn_seq.
//   - state     retained, QoS 1: the latest state document, with seq and ts,
//     republished on every connect.
//   - events    QoS 1: one message per callback, seq +1 each, never reused.
//     Events pass through a durable outbox on disk first and leave it only
//     when the broker has acknowledged them (PUBACK), so a broker outage or
//     a SIGKILL loses none of them.
//   - telemetry QoS 0: periodic figures, with the process's CPU and memory.
//   - cmd/{name} subscribed; replies go to cmd/{name}/reply. Commands must
//     be signed with HMAC-SHA256 (see [SignCommand]).
//
// The package knows nothing of package agent: it takes already-encoded JSON
// objects and splices in seq and ts. An agent observer feeds it like this,
// on the observer's own goroutine (never the agent's loop):
//
//	func (o reporterObserver) Observe(u agent.Update) {
//		ev, _ := json.Marshal(u.Event.Document())
//		_ = o.r.Event(u.Event.At, ev)
//		st, _ := json.Marshal(u.Status.Document())
//		_ = o.r.State(u.Event.At, st)
//	}
//
// Event and State return once the document is queued for the reporter's
// writer goroutine, which makes it durable within one fsync (group commit);
// [Reporter.Sync] waits for that. They never wait for the broker.
//
// Delivery is at least once and in order: after a reconnect or a restart
// the reporter re-sends from the first event the broker has not
// acknowledged, with exactly the bytes of the first sending, so a console
// may see a seq twice but never with two contents. A full outbox drops
// ordinary events first and state transitions last, and says so with an
// outbox_overflow event (see outbox_compact.go).
//
// [StartEmbeddedBroker] runs a small in-process broker for the demo,
// package fleet (mqtt/fleet) renders a live table of every device, and
// mqtt/signcmd prints signed commands for mosquitto_pub.
package mqtt
