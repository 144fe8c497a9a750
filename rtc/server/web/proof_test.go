package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// TestPage_ProofMatchesGo checks the page's HMAC-SHA256, both crypto.subtle
// and the fallback of sha256.js (used where there is no secure context),
// against Go's, at the lengths where SHA-256's padding and HMAC's key
// handling change.
func TestPage_ProofMatchesGo(t *testing.T) {
	srv := startServer(t)
	p := openPage(t, srv, "")
	claim := signal.ResumeClaim{AppID: "demo", Channel: "lobby", UID: 4294967295,
		Session: signal.NewID(16), Nonce: signal.NewID(16)}
	secret := signal.NewID(32)
	tests := []struct {
		name, key, msg string
	}{
		{name: "empty message", key: "k", msg: ""},
		{name: "55 bytes, one block", key: secret, msg: strings.Repeat("a", 55)},
		{name: "56 bytes, two blocks", key: secret, msg: strings.Repeat("b", 56)},
		{name: "64 bytes", key: secret, msg: strings.Repeat("c", 64)},
		{name: "1000 bytes", key: secret, msg: strings.Repeat("0123456789", 100)},
		{name: "64-byte key", key: strings.Repeat("k", 64), msg: "m"},
		{name: "65-byte key is hashed", key: strings.Repeat("k", 65), msg: "m"},
		{name: "non-ASCII", key: "clé", msg: "grüße\n✓"},
		{name: "resume claim", key: secret, msg: claimText(claim)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := hmac.New(sha256.New, []byte(tt.key))
			m.Write([]byte(tt.msg))
			want := base64.RawURLEncoding.EncodeToString(m.Sum(nil))
			for _, way := range []string{"subtle", "fallback"} {
				got := eval[string](p, fmt.Sprintf("window.edgeProof.%s(%s, %s)", way, jsString(tt.key), jsString(tt.msg)))
				if got != want {
					t.Errorf("%s: %s, want %s", way, got, want)
				}
			}
		})
	}
	if want := claim.Proof(secret); want != eval[string](p, fmt.Sprintf("window.edgeProof.fallback(%s, %s)",
		jsString(secret), jsString(claimText(claim)))) {
		t.Errorf("the claim text differs from signal.ResumeClaim's")
	}
}

// claimText is the text a resume proof signs (PROTOCOL.md), as app.js
// writes it.
func claimText(c signal.ResumeClaim) string {
	return strings.Join([]string{"edge-agent resume v1", c.AppID, c.Channel, fmt.Sprint(c.UID), c.Session, c.Nonce}, "\n")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // A string always marshals.
	return string(b)
}
