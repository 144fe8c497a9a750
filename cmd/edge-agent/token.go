package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/agent/config"
)

// tokenPoll is how often the token file is read again. A renewed token is
// written well before the old one expires (the server warns 30 s ahead), so
// a second is prompt, and reading a small file once a second costs nothing.
// Polling, unlike inotify, also sees a file replaced by rename or through a
// symlink swap (Kubernetes-style secrets).
const tokenPoll = time.Second

// watchToken posts TokenChanged whenever the token file holds a new, valid
// token. A file that cannot be read or holds a bad token is logged once per
// change and changes nothing.
func watchToken(ctx context.Context, path, current string, a *agent.Agent, log *slog.Logger) {
	log = log.With("component", "token", "file", path)
	t := time.NewTicker(tokenPoll)
	defer t.Stop()
	var lastErr string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		tok, err := config.ReadToken(path)
		if err != nil {
			if err.Error() != lastErr {
				log.Warn("token file unusable; keeping the current token", "err", err)
				lastErr = err.Error()
			}
			continue
		}
		lastErr = ""
		if tok != current {
			current = tok
			log.Info("token file changed: renewing")
			a.Post(agent.TokenChanged{Token: tok})
		}
	}
}
