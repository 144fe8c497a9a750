package rtc

import (
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

const testSecret = "rtc-test-secret-0123456789"

// secureOptions are server options that check tokens of app "demo".
func secureOptions() server.Options {
	return server.Options{Apps: signal.AppSecrets{"demo": testSecret}}
}

// makeToken makes a token of app "demo".
func makeToken(t testing.TB, channel string, uid uint32, expiry time.Time) string {
	t.Helper()
	tok, err := signal.MakeToken("demo", testSecret, channel, uid, expiry)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestSession_Refusals(t *testing.T) {
	hour := time.Now().Add(time.Hour)
	tests := []struct {
		name    string
		app     string
		channel string
		token   func(t testing.TB) string
		reason  int
	}{
		{"bad token", "demo", "lobby", func(t testing.TB) string { return "et1.demo.lobby.1.99999999999.AAAA" }, signal.ReasonInvalidToken},
		{"token for another uid", "demo", "lobby", func(t testing.TB) string { return makeToken(t, "lobby", 9, hour) }, signal.ReasonInvalidToken},
		{"token with a space", "demo", "lobby", func(t testing.TB) string { return "a token" }, signal.ReasonInvalidToken},
		{"expired token", "demo", "lobby", func(t testing.TB) string { return makeToken(t, "lobby", 1, time.Now().Add(-time.Minute)) }, signal.ReasonTokenExpired},
		{"unknown app", "nosuchapp", "lobby", func(t testing.TB) string { return makeToken(t, "lobby", 1, hour) }, signal.ReasonInvalidAppID},
		{"bad app id", "no/such/app", "lobby", func(t testing.TB) string { return "" }, signal.ReasonInvalidAppID},
		{"bad channel name", "demo", "lobby!", func(t testing.TB) string { return "" }, signal.ReasonInvalidChannelName},
		{"channel name too long", "demo", string(make([]byte, 65)), func(t testing.TB) string { return "" }, signal.ReasonInvalidChannelName},
	}
	srv := startServer(t, secureOptions())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, srv, 1, MediaNone, func(c *Config) { c.AppID = tt.app })
			c.Join(tt.channel, 1, tt.token(t), true)
			r, _ := next[Refused](t, c.rec)
			if r.Reason != tt.reason {
				t.Fatalf("%v: want reason %d", r, tt.reason)
			}
		})
	}
}

func TestSession_ChannelFullIsRejected(t *testing.T) {
	o := secureOptions()
	o.MaxUsers = 1
	srv := startServer(t, o)
	a := newClient(t, srv, 1, MediaNone, nil)
	a.Join("lobby", 1, makeToken(t, "lobby", 1, time.Now().Add(time.Hour)), true)
	next[Joined](t, a.rec)
	b := newClient(t, srv, 2, MediaNone, nil)
	b.Join("lobby", 2, makeToken(t, "lobby", 2, time.Now().Add(time.Hour)), true)
	if r, _ := next[Refused](t, b.rec); r.Reason != signal.ReasonRejectedByServer {
		t.Fatalf("%v: want reason %d", r, signal.ReasonRejectedByServer)
	}
}

// TestSession_KickIsBannedByServer: a kick is reported as Refused with
// BANNED_BY_SERVER, outside any attempt, and the resume state is gone.
func TestSession_KickIsBannedByServer(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	a.joined(t, "lobby", true)
	if err := srv.srv.Kick("demo", "lobby", 1, "go away"); err != nil {
		t.Fatal(err)
	}
	r, _ := next[Refused](t, a.rec)
	if r.Reason != signal.ReasonBannedByServer || r.Message != "go away" {
		t.Fatalf("%v: want reason %d with the server's message", r, signal.ReasonBannedByServer)
	}
	if _, err := loadState(a.dir); err != errNoState {
		t.Fatalf("resume state after a kick: %v, want none", err)
	}
}

// TestSession_TokenRenewal: the server's warning is reported, and a
// renewed token is accepted.
func TestSession_TokenRenewal(t *testing.T) {
	srv := startServer(t, secureOptions())
	a := newClient(t, srv, 1, MediaNone, nil)
	a.Join("lobby", 1, makeToken(t, "lobby", 1, time.Now().Add(20*time.Second)), true)
	next[Joined](t, a.rec)
	next[TokenWillExpire](t, a.rec) // Expiry within the 30 s warning: at once.
	a.RenewToken(makeToken(t, "lobby", 1, time.Now().Add(time.Hour)))
	next[TokenAccepted](t, a.rec)
}
