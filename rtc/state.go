package rtc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// StateFile is the name of the resume state in Config.StateDir. It is JSON:
//
//	{"version":1,"server":"ws://host:8080/ws","app_id":"demo","channel":"lobby",
//	 "uid":42,"session":"Zk3m…","resume_secret":"n1x…","saved_at":"2026-01-01T00:00:00Z"}
//
// It is written atomically (temporary file, fsync, rename, fsync of the
// directory) with mode 0600, because the resume secret lets whoever holds it
// take over the session. A file that is missing, unreadable, corrupt, of
// another version, or for another server, app, channel or uid means a fresh
// join.
const StateFile = "session.json"

// stateVersion is the version of the StateFile format.
const stateVersion = 1

// maxStateSize bounds what loadState reads: a valid file is a few hundred
// bytes, so anything larger is corrupt and need not be read whole.
const maxStateSize = 4 << 10

// maxIDLen bounds the session id and resume secret: the server's are 22
// and 43 characters of base64url.
const maxIDLen = 128

// resumeState is what a new process needs to resume its session.
type resumeState struct {
	Version      int       `json:"version"`
	Server       string    `json:"server"`
	AppID        string    `json:"app_id"`
	Channel      string    `json:"channel"`
	UID          uint32    `json:"uid"`
	Session      string    `json:"session"`
	ResumeSecret string    `json:"resume_secret"`
	SavedAt      time.Time `json:"saved_at"`
}

// errNoState says the state directory holds no resume state.
var errNoState = errors.New("no resume state")

// parseState decodes and validates a state file's contents.
func parseState(data []byte) (resumeState, error) {
	var st resumeState
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return resumeState{}, fmt.Errorf("parse resume state: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return resumeState{}, errors.New("parse resume state: trailing data")
	}
	if err := st.validate(); err != nil {
		return resumeState{}, fmt.Errorf("parse resume state: %w", err)
	}
	return st, nil
}

// validate reports the first field that is not as written by saveState.
func (st resumeState) validate() error {
	switch {
	case st.Version != stateVersion:
		return fmt.Errorf("version %d, want %d", st.Version, stateVersion)
	case st.Server == "":
		return errors.New("no server")
	case !signal.ValidName(st.AppID):
		return fmt.Errorf("bad app id %q", st.AppID)
	case !signal.ValidName(st.Channel):
		return fmt.Errorf("bad channel %q", st.Channel)
	case st.UID == 0:
		return errors.New("uid 0")
	case !validID(st.Session):
		return errors.New("bad session id")
	case !validID(st.ResumeSecret):
		return errors.New("bad resume secret")
	}
	return nil
}

// validID reports whether s is 1–maxIDLen characters of base64url.
func validID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// matches reports whether st is the session of this server, app, channel
// and uid.
func (st resumeState) matches(server, appID, channel string, uid uint32) bool {
	return st.Server == server && st.AppID == appID && st.Channel == channel && st.UID == uid
}

// loadState reads the state file of dir: errNoState if there is none.
func loadState(dir string) (resumeState, error) {
	f, err := os.Open(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return resumeState{}, errNoState
	}
	if err != nil {
		return resumeState{}, fmt.Errorf("load resume state: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateSize+1))
	if err != nil {
		return resumeState{}, fmt.Errorf("load resume state: %w", err)
	}
	if len(data) > maxStateSize {
		return resumeState{}, fmt.Errorf("load resume state: larger than %d bytes", maxStateSize)
	}
	return parseState(data)
}

// saveState writes st to dir atomically: a reader (or a new process after
// a crash at any point) finds either the old file or the new one, whole.
func saveState(dir string, st resumeState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save resume state: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save resume state: %w", err)
	}
	if err := writeFileAtomic(dir, StateFile, data); err != nil {
		return fmt.Errorf("save resume state: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to dir/name through a temporary file in dir
// (mode 0600), fsyncs it, renames it over name and fsyncs dir.
func writeFileAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // After the rename this fails harmlessly.
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeState deletes the state file of dir; a missing file is no error.
func removeState(dir string) error {
	err := os.Remove(filepath.Join(dir, StateFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove resume state: %w", err)
	}
	if err == nil {
		return syncDir(dir)
	}
	return nil
}
