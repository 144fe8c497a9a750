package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// token prints a join token: edge-channeld token --app-id ID --secret S
// --channel C --uid N [--ttl 24h].
func token(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	appID := fs.String("app-id", "", "app id (1-64 characters of [A-Za-z0-9_-])")
	secret := fs.String("secret", "", "the app's secret, as in the apps file (at least 16 bytes)")
	channel := fs.String("channel", "", "channel name (1-64 characters of [A-Za-z0-9_-])")
	uid := fs.String("uid", "", "user id, 1-4294967295")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	switch {
	case !signal.ValidName(*appID):
		return flagError("app-id", "%q: must be 1-%d characters of [A-Za-z0-9_-]", *appID, signal.MaxNameLen)
	case len(*secret) < signal.MinSecretLen:
		return flagError("secret", "must be at least %d bytes", signal.MinSecretLen)
	case !signal.ValidName(*channel):
		return flagError("channel", "%q: must be 1-%d characters of [A-Za-z0-9_-]", *channel, signal.MaxNameLen)
	case *ttl <= 0:
		return flagError("ttl", "%v: must be positive", *ttl)
	}
	n, err := strconv.ParseUint(*uid, 10, 32)
	if err != nil || n == 0 {
		return flagError("uid", "%q: must be 1-4294967295", *uid)
	}
	tok, err := signal.MakeToken(*appID, *secret, *channel, uint32(n), time.Now().Add(*ttl))
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
