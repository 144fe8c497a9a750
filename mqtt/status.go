package mqtt

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"time"
)

// topics are the reporter's topic names (SPEC §6.3).
type topics struct {
	status, state, events, telemetry string
	// cmdFilter subscribes to every command; cmdPrefix + name is one.
	cmdFilter, cmdPrefix string
}

func newTopics(prefix, device string) topics {
	base := prefix + "/" + device + "/"
	return topics{
		status: base + "status", state: base + "state", events: base + "events",
		telemetry: base + "telemetry", cmdFilter: base + "cmd/+", cmdPrefix: base + "cmd/",
	}
}

// statusDoc is the status topic's payload: online after a connect, offline
// in the will and after a clean stop, with the conn_seq of the connection
// it speaks for. Clean is set only by a clean stop, so a console can tell
// a stop from a death. TS is when the message was made: for the will that
// is the connect attempt (the broker sends it as it was given then).
type statusDoc struct {
	Online  bool      `json:"online"`
	ConnSeq uint64    `json:"conn_seq"`
	Boot    string    `json:"boot"`
	Version string    `json:"version"`
	TS      time.Time `json:"ts"`
	Clean   bool      `json:"clean,omitempty"`
}

func (d statusDoc) encode() []byte {
	d.TS = d.TS.UTC()
	b, _ := json.Marshal(d) // cannot fail: plain fields
	return b
}

// newBootID returns a random id for this process's reporter: the console
// sees a new boot id after every restart, even when conn_seq is continuous.
func newBootID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails on Linux (getrandom)
	return hex.EncodeToString(b[:])
}

// connSeqFile is where the last conn_seq used is kept.
const connSeqFile = "conn_seq"

// connCounter hands out conn_seq values: one per connect attempt, each
// written to disk before the attempt, so a value is never reused across
// restarts. Only the dialling goroutine uses it (one dial at a time).
type connCounter struct {
	path string
	last uint64
}

func loadConnCounter(dir string, log *slog.Logger) *connCounter {
	c := &connCounter{path: filepath.Join(dir, connSeqFile)}
	n, err := readCounter(c.path)
	if err != nil {
		// The last value is unknown: continue above the clock in seconds,
		// which is above any count of attempts made at up to one a second.
		n = uint64(time.Now().Unix())
		log.Error("conn_seq file unreadable; continuing from the clock", "conn_seq", n, "err", err)
	}
	c.last = n
	return c
}

// next returns the next conn_seq, already durable.
func (c *connCounter) next() (uint64, error) {
	n := c.last + 1
	if err := writeCounter(c.path, n); err != nil {
		return 0, err
	}
	c.last = n
	return n, nil
}
