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
// objects and splices in seq and ts. Nothing it does waits for the broker
// on the caller's goroutine.
//
// [StartEmbeddedBroker] runs a small in-process broker for the demo, and
// package fleet (mqtt/fleet) renders a live table of every device.
package mqtt
