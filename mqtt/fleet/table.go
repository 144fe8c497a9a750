package fleet

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"
)

// device is what the table knows of one device.
type device struct {
	Name      string
	Online    *bool // nil until a status arrives
	Clean     bool  // the last offline was a clean stop
	ConnSeq   uint64
	State     string
	Reason    string
	Channel   string
	Peers     int
	Network   string
	LastEvent string
	LastAt    time.Time // when the last event happened (its ts)
}

// table holds every device seen; paho's handler updates it, the drawing
// loop reads snapshots.
type table struct {
	mu      sync.Mutex
	devices map[string]*device
}

func newTable() *table { return &table{devices: map[string]*device{}} }

// update applies one message on {prefix}/{device}/{kind}. Malformed
// payloads are ignored: a viewer shows what it can.
func (t *table) update(prefix, topic string, payload []byte, now time.Time) {
	rest, ok := strings.CutPrefix(topic, prefix+"/")
	name, kind, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || len(payload) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.devices[name]
	if d == nil {
		d = &device{Name: name}
		t.devices[name] = d
	}
	switch kind {
	case "status":
		applyStatus(d, payload)
	case "state":
		applyState(d, payload)
	case "events":
		applyEvent(d, payload, now)
	}
}

func applyStatus(d *device, payload []byte) {
	var s struct {
		Online  bool   `json:"online"`
		Clean   bool   `json:"clean"`
		ConnSeq uint64 `json:"conn_seq"`
	}
	if json.Unmarshal(payload, &s) != nil || s.ConnSeq < d.ConnSeq {
		return // an older connection's news (e.g. a will after the new online)
	}
	d.Online, d.Clean, d.ConnSeq = &s.Online, s.Clean, s.ConnSeq
}

func applyState(d *device, payload []byte) {
	var s struct {
		State   string   `json:"state"`
		Reason  string   `json:"reason"`
		Channel string   `json:"channel"`
		Peers   []uint32 `json:"peers"`
		Network string   `json:"network_type"`
	}
	if json.Unmarshal(payload, &s) != nil {
		return
	}
	d.State, d.Reason, d.Channel, d.Peers, d.Network = s.State, s.Reason, s.Channel, len(s.Peers), s.Network
}

func applyEvent(d *device, payload []byte, now time.Time) {
	var e struct {
		Event string    `json:"event"`
		TS    time.Time `json:"ts"`
	}
	if json.Unmarshal(payload, &e) != nil {
		return
	}
	if e.TS.IsZero() {
		e.TS = now
	}
	if e.TS.After(d.LastAt) {
		d.LastEvent, d.LastAt = e.Event, e.TS
	}
}

// snapshot returns copies of the devices, sorted by name.
func (t *table) snapshot() []device {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]device, 0, len(t.devices))
	for _, d := range t.devices {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
