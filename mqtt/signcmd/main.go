// Command signcmd prints a signed edge-agent console command, for
// operators and tests without a console:
//
//	mosquitto_pub -t edge/kiosk-7/cmd/join -q 1 -m "$(signcmd -key-file /etc/edge-agent/command.key \
//	    -topic edge/kiosk-7/cmd/join -args '{"channel":"lobby","uid":7}')"
//
// The payload is valid for the device's freshness window (60 s by default)
// from now, and only once.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/edge-agent/edge-agent/mqtt"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "signcmd:", err)
		os.Exit(2)
	}
}

// run parses args and writes the signed payload and a newline to out.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("signcmd", flag.ContinueOnError)
	keyFile := fs.String("key-file", "", "the device's command key file (required)")
	topic := fs.String("topic", "", "the full command topic, {prefix}/{device}/cmd/{name} (required)")
	cmdArgs := fs.String("args", "{}", "the command's arguments, a JSON object")
	id := fs.String("id", "", "the command id (default: random)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyFile == "" || *topic == "" {
		return errors.New("-key-file and -topic are required")
	}
	key, err := mqtt.ReadCommandKey(*keyFile)
	if err != nil {
		return err
	}
	if *id == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		*id = hex.EncodeToString(b[:])
	}
	payload, err := mqtt.SignCommand(key, *topic, *id, time.Now(), json.RawMessage(*cmdArgs))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", payload)
	return err
}
