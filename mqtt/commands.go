package mqtt

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// commandQueue bounds commands waiting for the command goroutine. A
// console sends a command at a time; 16 absorbs a burst, and beyond that
// commands are dropped (with a log) rather than stalling paho's router.
const commandQueue = 16

// inbound is a command as received.
type inbound struct {
	topic   string
	payload []byte
}

// commander verifies commands and runs them through Options.OnCommand on
// its own goroutine, one at a time, and publishes the replies.
type commander struct {
	verifier
	topics  topics
	seen    *seenIDs
	handler func(context.Context, Command) error
	timeout time.Duration
	log     *slog.Logger
	in      chan inbound
	// publish sends a reply on the current connection, if any.
	publish func(topic string, payload []byte)
	now     func() time.Time
}

// receive is the paho message handler. paho calls it on its router
// goroutine (OrderMatters): it must not block, so it only hands off.
func (c *commander) receive(_ paho.Client, m paho.Message) {
	select {
	case c.in <- inbound{topic: m.Topic(), payload: m.Payload()}:
	default:
		c.log.Warn("command queue full; command dropped", "topic", m.Topic())
	}
}

// run processes commands until ctx ends.
func (c *commander) run(ctx context.Context) {
	for {
		select {
		case m := <-c.in:
			c.process(ctx, m)
		case <-ctx.Done():
			return
		}
	}
}

// process checks one command, runs it if it passes, and replies.
func (c *commander) process(ctx context.Context, m inbound) {
	name := strings.TrimPrefix(m.topic, c.topics.cmdPrefix)
	now := c.now()
	cmd, err := c.verify(m.topic, name, m.payload, now)
	if err == nil {
		err = c.seen.admit(cmd.ID, cmd.TS, now)
	}
	if err == nil {
		err = c.call(ctx, cmd)
	}
	if err != nil {
		c.log.Warn("command refused or failed", "command", name, "id", cmd.ID, "err", err)
	} else {
		c.log.Info("command done", "command", name, "id", cmd.ID)
	}
	c.publish(m.topic+"/reply", replyDoc(cmd.ID, err))
}

// call runs the agent's handler with the command timeout.
func (c *commander) call(ctx context.Context, cmd Command) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.handler(ctx, cmd)
}

// replyDoc is {"id":ID,"ok":true} or {"id":ID,"ok":false,"error":"why"}.
func replyDoc(id string, err error) []byte {
	r := struct {
		ID    string `json:"id"`
		OK    bool   `json:"ok"`
		Error string `json:"error,omitempty"`
	}{ID: id, OK: err == nil}
	if err != nil {
		r.Error = err.Error()
	}
	b, _ := json.Marshal(r) // cannot fail: strings and a bool
	return b
}
