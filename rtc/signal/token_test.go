package signal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const testSecret = "0123456789abcdef-secret"

func mustToken(t testing.TB, appID, secret, channel string, uid uint32, expiry time.Time) string {
	t.Helper()
	tok, err := MakeToken(appID, secret, channel, uid, expiry)
	if err != nil {
		t.Fatalf("MakeToken: %v", err)
	}
	return tok
}

func TestMakeToken_Format(t *testing.T) {
	tok := mustToken(t, "demo", testSecret, "lobby", 42, time.Unix(1767225600, 0))
	prefix := "et1.demo.lobby.42.1767225600."
	if !strings.HasPrefix(tok, prefix) || len(tok) != len(prefix)+43 {
		t.Fatalf("token = %q, want %q + 43 characters", tok, prefix)
	}
}

func TestMakeToken_Refusals(t *testing.T) {
	exp := time.Unix(1767225600, 0)
	tests := []struct {
		name, app, secret, channel string
		uid                        uint32
		expiry                     time.Time
	}{
		{"bad app", "a.b", testSecret, "c", 1, exp},
		{"bad channel", "a", testSecret, "", 1, exp},
		{"uid 0", "a", testSecret, "c", 0, exp},
		{"short secret", "a", "short", "c", 1, exp},
		{"zero expiry", "a", testSecret, "c", 1, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := MakeToken(tt.app, tt.secret, tt.channel, tt.uid, tt.expiry); err == nil {
				t.Fatal("MakeToken succeeded, want an error")
			}
		})
	}
}

func TestAppSecrets_Verify(t *testing.T) {
	now := time.Unix(1700000000, 0)
	apps := AppSecrets{"demo": testSecret, "other": testSecret + "2"}
	good := mustToken(t, "demo", testSecret, "lobby", 42, now.Add(time.Hour))
	tampered := strings.Replace(good, ".42.", ".43.", 1)
	sigFlip := good[:len(good)-1] + map[bool]string{true: "A", false: "B"}[good[len(good)-1] != 'A']
	tests := []struct {
		name    string
		tok     string
		app     string
		channel string
		uid     uint32
		want    error
		code    Code
	}{
		{"good", good, "demo", "lobby", 42, nil, ""},
		{"unknown app", good, "nope", "lobby", 42, ErrUnknownApp, CodeInvalidAppID},
		{"empty", "", "demo", "lobby", 42, ErrTokenMalformed, CodeInvalidToken},
		{"garbage", "hello", "demo", "lobby", 42, ErrTokenMalformed, CodeInvalidToken},
		{"wrong prefix", "et2" + good[3:], "demo", "lobby", 42, ErrTokenMalformed, CodeInvalidToken},
		{"leading zero uid", strings.Replace(good, ".42.", ".042.", 1), "demo", "lobby", 42, ErrTokenMalformed, CodeInvalidToken},
		{"short signature", good[:len(good)-2], "demo", "lobby", 42, ErrTokenMalformed, CodeInvalidToken},
		{"other channel", good, "demo", "hall", 42, ErrTokenMismatch, CodeInvalidToken},
		{"other uid", good, "demo", "lobby", 43, ErrTokenMismatch, CodeInvalidToken},
		{"tampered uid", tampered, "demo", "lobby", 43, ErrTokenSignature, CodeInvalidToken},
		{"flipped signature", sigFlip, "demo", "lobby", 42, ErrTokenSignature, CodeInvalidToken},
		{"other app's secret", mustToken(t, "other", testSecret, "lobby", 42, now.Add(time.Hour)), "other", "lobby", 42, ErrTokenSignature, CodeInvalidToken},
		{"expired", mustToken(t, "demo", testSecret, "lobby", 42, now), "demo", "lobby", 42, ErrTokenExpired, CodeTokenExpired},
		{"forged and expired", mustToken(t, "demo", "wrong-secret-0123456789", "lobby", 42, now.Add(-time.Hour)),
			"demo", "lobby", 42, ErrTokenSignature, CodeInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := apps.Verify(tt.tok, tt.app, tt.channel, tt.uid, now)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if err != nil && TokenCode(err) != tt.code {
				t.Fatalf("TokenCode(%v) = %s, want %s", err, TokenCode(err), tt.code)
			}
		})
	}
}

func TestParseToken_Fields(t *testing.T) {
	exp := time.Unix(1767225600, 0)
	tok, err := ParseToken(mustToken(t, "demo", testSecret, "lobby", 4294967295, exp))
	if err != nil {
		t.Fatalf("ParseToken: %v", err)
	}
	if tok.AppID != "demo" || tok.Channel != "lobby" || tok.UID != 4294967295 || !tok.Expiry.Equal(exp) {
		t.Fatalf("ParseToken = %+v", tok)
	}
}
