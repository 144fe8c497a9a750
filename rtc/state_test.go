package rtc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func validState() resumeState {
	return resumeState{
		Version: stateVersion, Server: "ws://127.0.0.1:8080/ws", AppID: "demo", Channel: "lobby", UID: 42,
		Session: "Zk3mXo0b5uJ1hYV3bq2W1w", ResumeSecret: "n1xAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_A",
		SavedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

func TestState_RoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new") // saveState makes it.
	want := validState()
	if err := saveState(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, StateFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, %v; want mode 0600", fi, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only %s (no temporary files)", len(entries), StateFile)
	}
	if err := removeState(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := loadState(dir); !errors.Is(err, errNoState) {
		t.Fatalf("after remove: %v, want errNoState", err)
	}
	if err := removeState(dir); err != nil {
		t.Fatalf("removing a missing file: %v", err)
	}
}

func TestState_Invalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*resumeState)
	}{
		{"other version", func(s *resumeState) { s.Version = 2 }},
		{"no server", func(s *resumeState) { s.Server = "" }},
		{"bad app id", func(s *resumeState) { s.AppID = "a b" }},
		{"bad channel", func(s *resumeState) { s.Channel = "" }},
		{"uid 0", func(s *resumeState) { s.UID = 0 }},
		{"no session", func(s *resumeState) { s.Session = "" }},
		{"session not base64url", func(s *resumeState) { s.Session = "a/b" }},
		{"secret too long", func(s *resumeState) { s.ResumeSecret = strings.Repeat("a", maxIDLen+1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := validState()
			tt.mutate(&st)
			if err := st.validate(); err == nil {
				t.Fatalf("%+v: valid, want an error", st)
			}
		})
	}
}

func TestState_LoadRefusesWhatIsNotAStateFile(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"truncated", `{"version":1,"server":"ws://x/ws"`},
		{"not json", "\x00\x01garbage"},
		{"unknown field", `{"version":1,"extra":true}`},
		{"trailing data", `{"version":1,"server":"ws://x/ws","app_id":"demo","channel":"c","uid":1,"session":"s","resume_secret":"r","saved_at":"2026-01-01T00:00:00Z"} {}`},
		{"too large", `{"version":1,"server":"` + strings.Repeat("x", maxStateSize) + `"}`},
		{"array", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, StateFile), []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			if st, err := loadState(dir); err == nil || errors.Is(err, errNoState) {
				t.Fatalf("loaded %+v, %v; want a parse error", st, err)
			}
		})
	}
}

func TestState_UnreadableIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, StateFile), 0o700); err != nil { // A directory where the file should be.
		t.Fatal(err)
	}
	if _, err := loadState(dir); err == nil || errors.Is(err, errNoState) {
		t.Fatalf("got %v, want a read error", err)
	}
}

func TestState_Matches(t *testing.T) {
	st := validState()
	if !st.matches(st.Server, st.AppID, st.Channel, st.UID) {
		t.Fatal("does not match its own session")
	}
	for _, other := range []resumeState{
		{Server: "ws://other/ws", AppID: st.AppID, Channel: st.Channel, UID: st.UID},
		{Server: st.Server, AppID: "other", Channel: st.Channel, UID: st.UID},
		{Server: st.Server, AppID: st.AppID, Channel: "other", UID: st.UID},
		{Server: st.Server, AppID: st.AppID, Channel: st.Channel, UID: 7},
	} {
		if st.matches(other.Server, other.AppID, other.Channel, other.UID) {
			t.Errorf("matches %+v", other)
		}
	}
}

// FuzzParseState: whatever the file holds, parsing neither panics nor
// accepts something that would not validate, and what it accepts survives
// a save and a load unchanged.
func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"version":1,"server":"ws://127.0.0.1:8080/ws","app_id":"demo","channel":"lobby","uid":42,"session":"Zk3mXo0b5uJ1hYV3bq2W1w","resume_secret":"n1x","saved_at":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"uid":-1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseState(data)
		if err != nil {
			return
		}
		if err := st.validate(); err != nil {
			t.Fatalf("accepted an invalid state: %v", err)
		}
		dir := t.TempDir()
		if err := saveState(dir, st); err != nil {
			t.Fatal(err)
		}
		got, err := loadState(dir)
		if err != nil || !got.SavedAt.Equal(st.SavedAt) {
			t.Fatalf("reload: %+v, %v; want %+v", got, err, st)
		}
		got.SavedAt = st.SavedAt
		if got != st {
			t.Fatalf("reload: %+v; want %+v", got, st)
		}
	})
}
