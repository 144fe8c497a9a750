package signal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// resumeLabel separates resume proofs from every other use of HMAC in this
// project, so that no other MAC can be passed off as a proof.
const resumeLabel = "edge-agent resume v1"

// ResumeClaim is what a resume proof binds together: the session, who owns
// it, and the nonce of the connection that carries the proof. Because the
// nonce is issued by the server in hello and is valid on that connection
// only, a proof cannot be replayed on another connection; because it is an
// HMAC keyed with the resume secret (sent only in joined, over the same TLS
// connection as the token), it cannot be forged by someone who merely knows
// the session id.
type ResumeClaim struct {
	AppID   string
	Channel string
	UID     uint32
	Session string
	Nonce   string
}

// Proof returns the base64url (unpadded) HMAC-SHA256, keyed with the resume
// secret, of the claim's fields joined by newlines after a fixed label.
func (c ResumeClaim) Proof(secret string) string {
	return base64.RawURLEncoding.EncodeToString(c.mac(secret))
}

// Verify reports whether proof is c.Proof(secret), in constant time.
func (c ResumeClaim) Verify(secret, proof string) bool {
	got, err := base64.RawURLEncoding.DecodeString(proof)
	if err != nil {
		return false
	}
	return hmac.Equal(got, c.mac(secret))
}

func (c ResumeClaim) mac(secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	fields := []string{resumeLabel, c.AppID, c.Channel, strconv.FormatUint(uint64(c.UID), 10), c.Session, c.Nonce}
	m.Write([]byte(strings.Join(fields, "\n")))
	return m.Sum(nil)
}

// NewID returns n random bytes from crypto/rand as unpadded base64url: use 16
// bytes for session ids and nonces, 32 for resume secrets.
func NewID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+); it crashes instead.
	return base64.RawURLEncoding.EncodeToString(b)
}
