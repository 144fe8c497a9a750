package server

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

func TestProtocol_ErrorsDoNotEndSessions(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		code signal.Code
	}{
		{"not json", `hello`, signal.CodeMalformed},
		{"unknown type", `{"v":1,"type":"frobnicate"}`, signal.CodeMalformed},
		{"unknown field", `{"v":1,"type":"heartbeat","data":{"x":1}}`, signal.CodeMalformed},
		{"version 2", `{"v":2,"type":"heartbeat"}`, signal.CodeUnsupportedVersion},
		{"server-only type", `{"v":1,"type":"offer","data":{"sdp":"v=0"}}`, signal.CodeMalformed},
		{"oversized", `{"v":1,"type":"answer","data":{"sdp":"v=0` + strings.Repeat("x", signal.MaxMessageSize) + `"}}`, signal.CodeOversized},
		{"second join", string(signal.MustEncode(&signal.Join{AppID: "demo", Channel: "lobby", UID: 1, Kind: signal.KindNative})), signal.CodeOutOfOrder},
		{"second join, bad channel", `{"v":1,"type":"join","data":{"app_id":"demo","channel":"a b","uid":1,"kind":"native"}}`, signal.CodeOutOfOrder},
		{"answer without media", string(signal.MustEncode(&signal.Answer{SDP: "v=0\r\n"})), signal.CodeOutOfOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := newTestServer(t, Options{})
				bad, good := dialMem(t, srv), dialMem(t, srv)
				bad.doJoin(native(1))
				good.doJoin(native(2))
				bad.expect("bad", &signal.PeerJoined{UID: 2, Kind: signal.KindNative})
				bad.sendRaw([]byte(tt.msg))
				bad.expectError(tt.name, tt.code, false)
				last := bad.quiet()
				sleepUntil(last.Add(5 * time.Second))
				good.none("the other client")
				if bad.tr.closed() {
					t.Fatal("the server closed the connection after a protocol error")
				}
				bad.send(&signal.Leave{})
				good.expect("the other client", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
			})
		})
	}
}

func TestProtocol_BeforeJoin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		c := dialMem(t, srv)
		c.send(&signal.Leave{})
		c.expectError("leave before join", signal.CodeOutOfOrder, false)
		c.send(&signal.Answer{SDP: "v=0\r\n"})
		c.expectError("answer before join", signal.CodeOutOfOrder, false)
		c.send(&signal.Heartbeat{})
		c.none("heartbeat before join")
		c.doJoin(native(1))
	})
}

func TestProtocol_UnjoinedConnectionTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		c := dialMem(t, srv)
		time.Sleep(DefaultJoinTimeout - time.Millisecond)
		synctest.Wait()
		if c.tr.closed() {
			t.Fatal("closed before the join timeout")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if !c.tr.closed() {
			t.Fatal("still open after the join timeout")
		}
	})
}

func TestKick_EndsSessionAndTellsPeersQuit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		if err := srv.Kick("", "lobby", 1, "bye"); err != nil {
			t.Fatalf("Kick: %v", err)
		}
		subject.expect("kicked client", &signal.Kicked{Message: "bye"})
		if !subject.tr.closed() {
			t.Fatal("kicked connection still open")
		}
		nat.expect("native", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
		webv.expect("web", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
		if err := srv.Kick("demo", "lobby", 1, ""); err == nil {
			t.Fatal("second kick of the same uid succeeded")
		}
	})
}

func TestToken_WarningExpiryAndRenewal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := secureServer(t, Options{})
		start := time.Now()
		exp := start.Add(time.Minute)
		subject, peer := dialMem(t, srv), dialMem(t, srv)
		j := native(1)
		j.Token = token(t, "lobby", 1, exp)
		subject.doJoin(j)
		j2 := native(2)
		j2.Token = token(t, "lobby", 2, start.Add(time.Hour))
		peer.doJoin(j2)
		subject.expect("subject", &signal.PeerJoined{UID: 2, Kind: signal.KindNative})

		sleepUntil(exp.Add(-30 * time.Second))
		subject.expect("30 s before expiry", &signal.TokenWillExpire{TokenExpiry: exp.Unix()})
		subject.send(&signal.RenewToken{Token: token(t, "lobby", 2, exp.Add(time.Hour))})
		subject.expectError("renewal with another uid's token", signal.CodeInvalidToken, false)
		exp2 := exp.Add(time.Minute)
		subject.send(&signal.RenewToken{Token: token(t, "lobby", 1, exp2)})
		subject.expect("renewed", &signal.TokenRenewed{TokenExpiry: exp2.Unix()})

		sleepUntil(exp.Add(time.Second))
		peer.none("peer at the old expiry")
		sleepUntil(exp2)
		subject.expect("warning for the new token", &signal.TokenWillExpire{TokenExpiry: exp2.Unix()})
		subject.expectError("expired", signal.CodeTokenExpired, true)
		peer.expect("peer", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
	})
}
