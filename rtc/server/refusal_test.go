package server

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

const testSecret = "test-secret-0123456789"

func secureServer(t *testing.T, o Options) *Server {
	o.Apps = signal.AppSecrets{"demo": testSecret}
	return newTestServer(t, o)
}

func token(t *testing.T, channel string, uid uint32, expiry time.Time) string {
	t.Helper()
	tok, err := signal.MakeToken("demo", testSecret, channel, uid, expiry)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestJoin_Refusals(t *testing.T) {
	tests := []struct {
		name string
		join func(t *testing.T) signal.Join
		code signal.Code
	}{
		{"bad token", func(t *testing.T) signal.Join {
			j := native(1)
			j.Token = "et1.demo.lobby.1.99999999999.AAAA"
			return j
		}, signal.CodeInvalidToken},
		{"forged signature", func(t *testing.T) signal.Join {
			j := native(1)
			tok, _ := signal.MakeToken("demo", "another-secret-0123456", "lobby", 1, time.Now().Add(time.Hour))
			j.Token = tok
			return j
		}, signal.CodeInvalidToken},
		{"token for another uid", func(t *testing.T) signal.Join {
			j := native(1)
			j.Token = token(t, "lobby", 2, time.Now().Add(time.Hour))
			return j
		}, signal.CodeInvalidToken},
		{"no token", func(t *testing.T) signal.Join { return native(1) }, signal.CodeInvalidToken},
		{"expired token", func(t *testing.T) signal.Join {
			j := native(1)
			j.Token = token(t, "lobby", 1, time.Now().Add(-time.Second))
			return j
		}, signal.CodeTokenExpired},
		{"unknown app", func(t *testing.T) signal.Join {
			j := native(1)
			j.AppID = "nope"
			j.Token = token(t, "lobby", 1, time.Now().Add(time.Hour))
			return j
		}, signal.CodeInvalidAppID},
		{"bad app id", func(t *testing.T) signal.Join {
			j := native(1)
			j.AppID = "no/pe"
			return j
		}, signal.CodeInvalidAppID},
		{"bad channel name", func(t *testing.T) signal.Join {
			j := native(1)
			j.Channel = "lobby 1"
			return j
		}, signal.CodeInvalidChannelName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := secureServer(t, Options{})
				c := dialMem(t, srv)
				j := tt.join(t)
				c.sendRaw(encodeUnchecked(t, &j))
				c.expectError("join", tt.code, true)
				if !c.tr.closed() {
					t.Fatal("connection still open after a fatal error")
				}
				if n := len(srv.Channels()); n != 0 {
					t.Fatalf("%d channels after a refused join", n)
				}
			})
		})
	}
}

// encodeUnchecked encodes a join without Encode's validation, so that tests
// can send what a broken client would.
func encodeUnchecked(t *testing.T, j *signal.Join) []byte {
	t.Helper()
	msg := fmt.Sprintf(`{"v":1,"type":"join","data":{"app_id":%q,"channel":%q,"uid":%d,"kind":%q`,
		j.AppID, j.Channel, j.UID, j.Kind)
	if j.Token != "" {
		msg += fmt.Sprintf(`,"token":%q`, j.Token)
	}
	return []byte(msg + "}}")
}

func TestJoin_ValidTokenAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := secureServer(t, Options{})
		c := dialMem(t, srv)
		j := native(1)
		exp := time.Now().Add(time.Hour).Truncate(time.Second)
		j.Token = token(t, "lobby", 1, exp)
		if got := c.doJoin(j); got.TokenExpiry != exp.Unix() {
			t.Fatalf("joined %+v, want token_expiry %d", got, exp.Unix())
		}
	})
}

func TestJoin_ChannelFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{MaxUsers: 2})
		a, b := dialMem(t, srv), dialMem(t, srv)
		a.doJoin(native(1))
		b.doJoin(native(2))
		a.expect("a", &signal.PeerJoined{UID: 2, Kind: signal.KindNative})
		c := dialMem(t, srv)
		j := native(3)
		c.send(&j)
		if e := c.expectError("third join", signal.CodeRejected, true); !strings.Contains(e.Message, "full") {
			t.Fatalf("refusal %+v does not say the channel is full", e)
		}
		a.none("a after the refused join")
		b.none("b after the refused join")
	})
}

func TestJoin_RateLimitPerIP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{JoinRate: 1, JoinBurst: 2})
		for uid := uint32(1); uid <= 2; uid++ {
			dialMem(t, srv).doJoin(native(uid))
		}
		c := dialMem(t, srv)
		j := native(3)
		c.send(&j)
		c.expectError("third join in a burst of 2", signal.CodeRejected, true)
		time.Sleep(time.Second)
		dialMem(t, srv).doJoin(native(3))
	})
}

func TestJoin_SameUIDReplacesSession(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		old, peer := dialMem(t, srv), dialMem(t, srv)
		old.doJoin(native(1))
		peer.doJoin(native(2))
		old.expect("old", &signal.PeerJoined{UID: 2, Kind: signal.KindNative})
		dialMem(t, srv).doJoin(native(1))
		old.expectError("replaced session", signal.CodeRejected, true)
		peer.expect("peer: old one quits", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
		peer.expect("peer: new one joins", &signal.PeerJoined{UID: 1, Kind: signal.KindNative})
	})
}

func TestJoin_ResumeRefusals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, peer := dialMem(t, srv), dialMem(t, srv)
		subject.doJoin(native(1))
		peer.doJoin(native(2))
		subject.expect("subject", &signal.PeerJoined{UID: 2, Kind: signal.KindNative})

		// A proof made for another connection's nonce is a replay.
		other := dialMem(t, srv)
		j := subject.join
		claim := signal.ResumeClaim{AppID: "demo", Channel: "lobby", UID: 1, Session: subject.joined.Session, Nonce: subject.hello.Nonce}
		j.Resume = &signal.Resume{Session: subject.joined.Session, Proof: claim.Proof(subject.joined.ResumeSecret)}
		other.send(&j)
		other.expectError("replayed proof", signal.CodeResumeRejected, false)
		// The nonce is used up, even with the right proof now.
		claim.Nonce = other.hello.Nonce
		j.Resume.Proof = claim.Proof(subject.joined.ResumeSecret)
		other.send(&j)
		other.expectError("second attempt on one connection", signal.CodeResumeRejected, false)

		// A proof made with a guessed secret.
		third := dialMem(t, srv)
		claim.Nonce = third.hello.Nonce
		j.Resume.Proof = claim.Proof(signal.NewID(32))
		third.send(&j)
		third.expectError("forged proof", signal.CodeResumeRejected, false)
		peer.none("peer after refused resumes")
		subject.none("the real session after refused resumes")
		third.doJoin(native(9)) // the connection is still usable
	})
}
