package main

import (
	"context"
	"flag"
	"io"

	"github.com/edge-agent/edge-agent/mqtt"
	"github.com/edge-agent/edge-agent/mqtt/fleet"
)

// fleetCmd shows a live table of every device reporting under a prefix:
// for operators who have no console yet.
func fleetCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("edge-agent fleet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var b mqtt.Broker
	fs.StringVar(&b.URL, "mqtt", "", "MQTT broker URL (tcp://, ssl://, ws://, wss://)")
	prefix := fs.String("mqtt-prefix", "edge", "topic prefix of the devices")
	fs.StringVar(&b.CAFile, "mqtt-ca", "", "CA certificate file")
	fs.StringVar(&b.CertFile, "mqtt-cert", "", "client certificate file")
	fs.StringVar(&b.KeyFile, "mqtt-key", "", "client key file")
	fs.StringVar(&b.Username, "mqtt-username", "", "user name")
	fs.StringVar(&b.PasswordFile, "mqtt-password-file", "", "file holding the password")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if b.URL == "" {
		return usageError{errMissing("mqtt")}
	}
	err := fleet.Run(ctx, fleet.Options{Broker: b, Prefix: *prefix, Out: stdout})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

type errMissing string

func (e errMissing) Error() string { return string(e) + ": required" }
