package signal

import "testing"

func TestResumeClaim_Verify(t *testing.T) {
	secret := NewID(32)
	claim := ResumeClaim{AppID: "demo", Channel: "lobby", UID: 42, Session: NewID(16), Nonce: NewID(16)}
	proof := claim.Proof(secret)
	if !claim.Verify(secret, proof) {
		t.Fatal("a proof made with the secret does not verify")
	}
	tests := []struct {
		name   string
		claim  ResumeClaim
		secret string
		proof  string
	}{
		{"other nonce (replay on another connection)", with(claim, func(c *ResumeClaim) { c.Nonce = NewID(16) }), secret, proof},
		{"other session", with(claim, func(c *ResumeClaim) { c.Session = NewID(16) }), secret, proof},
		{"other uid", with(claim, func(c *ResumeClaim) { c.UID = 43 }), secret, proof},
		{"other channel", with(claim, func(c *ResumeClaim) { c.Channel = "hall" }), secret, proof},
		{"other secret", claim, NewID(32), proof},
		{"not base64", claim, secret, "!!"},
		{"empty", claim, secret, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.claim.Verify(tt.secret, tt.proof) {
				t.Fatal("Verify accepted a proof it must refuse")
			}
		})
	}
}

func with(c ResumeClaim, f func(*ResumeClaim)) ResumeClaim {
	f(&c)
	return c
}

func TestNewID_Unique(t *testing.T) {
	a, b := NewID(16), NewID(16)
	if a == b || len(a) != 22 {
		t.Fatalf("NewID(16) = %q, %q; want two different 22-character ids", a, b)
	}
}
