package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/agent/config"
)

// stateDoc is the state document: `edge-agent status --json` prints it and
// the MQTT state topic carries it (with seq and ts added by the reporter).
type stateDoc struct {
	Device  string `json:"device"`
	Version string `json:"version"`
	agent.StatusDoc
	// Links is the kernel's view of the network interfaces (netwatch).
	Links []linkDoc `json:"links"`
}

// status prints the running agent's state, read through the control socket.
func status(ctx context.Context, args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("edge-agent status", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	asJSON := fset.Bool("json", false, "print the state document as JSON")
	dir := fset.String("runtime-dir", config.Defaults().RuntimeDir, "runtime directory of the agent")
	if err := fset.Parse(args); err != nil {
		return usageError{err}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	raw, err := fetchStatus(ctx, *dir)
	if err != nil {
		return err
	}
	if *asJSON {
		_, err := fmt.Fprintf(stdout, "%s\n", raw)
		return err
	}
	var doc stateDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	return printStatus(stdout, doc)
}

// printStatus renders the document for people.
func printStatus(w io.Writer, d stateDoc) error {
	peers := make([]string, len(d.Peers))
	for i, p := range d.Peers {
		peers[i] = fmt.Sprint(p)
	}
	_, err := fmt.Fprintf(w, "state:    %s (%s) since %s\nchannel:  %s\nuid:      %d\npeers:    %s\nnetwork:  %s\nlink:     %s\ndevice:   %s (edge-agent %s)\n",
		d.State, d.Reason, d.Since.Format(time.RFC3339), d.Channel, d.UID,
		orNone(strings.Join(peers, ", ")), d.NetworkType, linkInUse(d.Links), d.Device, d.Version)
	return err
}

// linkInUse describes the interface of the path in use.
func linkInUse(links []linkDoc) string {
	for _, l := range links {
		if l.InUse {
			return fmt.Sprintf("%s (%s) %s", l.Name, l.Type, strings.Join(l.Addrs, " "))
		}
	}
	return "none"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
