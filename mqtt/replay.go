package mqtt

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// seenFile keeps the ids of recent commands across restarts, so that a
// restart does not open a window in which a captured command could be
// replayed.
const seenFile = "commands-seen.json"

// maxSeen bounds the remembered ids: with a 60 s window that is ~68
// commands a second, far above what a console sends. When it is full of
// unexpired ids, new commands are refused as busy rather than forgetting
// an id early (which would allow a replay).
const maxSeen = 4096

// seenIDs remembers the id of every accepted command until its ts is out
// of the freshness window, after which the command would be refused as
// stale anyway. Command goroutine only.
type seenIDs struct {
	path   string
	window time.Duration
	log    *slog.Logger
	ids    map[string]time.Time // id → when it may be forgotten
}

func loadSeen(dir string, window time.Duration, log *slog.Logger) *seenIDs {
	s := &seenIDs{path: filepath.Join(dir, seenFile), window: window, log: log, ids: map[string]time.Time{}}
	raw, err := os.ReadFile(s.path)
	if err == nil {
		err = json.Unmarshal(raw, &s.ids)
	}
	if err != nil && !os.IsNotExist(err) {
		// Without the list, refuse every command for one window: none
		// issued before the restart can then be replayed.
		s.ids = map[string]time.Time{"\x00restart": time.Now().Add(window)}
		log.Error("seen command ids unreadable; refusing commands for one freshness window", "err", err)
	}
	return s
}

// admit records id, or refuses it as replayed (or busy). The record is
// made durable before the command runs.
func (s *seenIDs) admit(id string, ts, now time.Time) error {
	s.prune(now)
	if _, ok := s.ids["\x00restart"]; ok {
		return fmt.Errorf("%w: command ids of the last run unknown; retry after %s", ErrBusy, s.window)
	}
	if _, ok := s.ids[id]; ok {
		return fmt.Errorf("%w: id %q already seen", ErrReplayed, id)
	}
	if len(s.ids) >= maxSeen {
		return fmt.Errorf("%w: %d commands in the last %s", ErrBusy, len(s.ids), s.window)
	}
	s.ids[id] = later(ts, now).Add(s.window)
	raw, _ := json.Marshal(s.ids) // cannot fail: strings and times
	if err := writeFileAtomic(s.path, raw); err != nil {
		// The command is still run: refusing every command because the
		// disk is full would take the console's hands off a broken device.
		s.log.Error("cannot persist seen command ids; a restart would reopen a replay window", "err", err)
	}
	return nil
}

// prune forgets ids whose commands would now be refused as stale.
func (s *seenIDs) prune(now time.Time) {
	for id, until := range s.ids {
		if now.After(until) {
			delete(s.ids, id)
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
