package signal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Join tokens.
//
// A token is six fields separated by '.':
//
//	et1.<app id>.<channel>.<uid>.<expiry>.<signature>
//
// where expiry is Unix seconds and signature is the unpadded base64url
// HMAC-SHA256, keyed with the app's secret, of everything before the last
// '.'. App ids and channel names cannot contain '.', so the split is
// unambiguous, and a token can be read (but not made) without the secret.
// Numbers are canonical decimal (no sign, no leading zeros).

// TokenPrefix is the first field of every token: the token format version.
const TokenPrefix = "et1"

// MinSecretLen is the shortest app secret accepted, in bytes: 16 bytes of a
// random printable string is about 96 bits, beyond brute force for HMAC.
const MinSecretLen = 16

// Token errors. TokenCode maps them onto refusal codes.
var (
	// ErrUnknownApp: no secret is known for the join's app id.
	ErrUnknownApp = errors.New("unknown app id")
	// ErrTokenMalformed: the token does not have the format above.
	ErrTokenMalformed = errors.New("token malformed")
	// ErrTokenSignature: the signature does not match the app's secret.
	ErrTokenSignature = errors.New("token signature does not match")
	// ErrTokenMismatch: the token was made for another app, channel or uid.
	ErrTokenMismatch = errors.New("token is for another app, channel or uid")
	// ErrTokenExpired: the token's expiry has passed.
	ErrTokenExpired = errors.New("token expired")
)

// Token is a parsed join token.
type Token struct {
	AppID   string
	Channel string
	UID     uint32
	Expiry  time.Time
	signed  string // everything the signature covers
	sig     []byte
}

// MakeToken returns a token for uid in channel of appID, valid until expiry
// (truncated to the second), signed with the app's secret.
func MakeToken(appID, secret, channel string, uid uint32, expiry time.Time) (string, error) {
	switch {
	case !ValidName(appID):
		return "", fmt.Errorf("make token: app id %q: must be 1-%d characters of [A-Za-z0-9_-]", appID, MaxNameLen)
	case !ValidName(channel):
		return "", fmt.Errorf("make token: channel %q: must be 1-%d characters of [A-Za-z0-9_-]", channel, MaxNameLen)
	case uid == 0:
		return "", errors.New("make token: uid must not be 0")
	case len(secret) < MinSecretLen:
		return "", fmt.Errorf("make token: secret must be at least %d bytes", MinSecretLen)
	case expiry.Unix() <= 0:
		return "", errors.New("make token: expiry must be after 1970")
	}
	signed := strings.Join([]string{TokenPrefix, appID, channel,
		strconv.FormatUint(uint64(uid), 10), strconv.FormatInt(expiry.Unix(), 10)}, ".")
	return signed + "." + base64.RawURLEncoding.EncodeToString(tokenMAC(secret, signed)), nil
}

// ParseToken parses a token without checking its signature or expiry. Any
// deviation from the format is ErrTokenMalformed.
func ParseToken(s string) (*Token, error) {
	f := strings.Split(s, ".")
	if len(s) > MaxTokenLen || len(f) != 6 || f[0] != TokenPrefix || !ValidName(f[1]) || !ValidName(f[2]) {
		return nil, ErrTokenMalformed
	}
	uid, err1 := canonicalUint(f[3], 32)
	exp, err2 := canonicalUint(f[4], 63)
	sig, err3 := base64.RawURLEncoding.Strict().DecodeString(f[5])
	if err1 != nil || err2 != nil || err3 != nil || uid == 0 || exp == 0 || len(sig) != sha256.Size {
		return nil, ErrTokenMalformed
	}
	return &Token{
		AppID: f[1], Channel: f[2], UID: uint32(uid), Expiry: time.Unix(int64(exp), 0),
		signed: s[:strings.LastIndexByte(s, '.')], sig: sig,
	}, nil
}

func canonicalUint(s string, bits int) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, bits)
	if err != nil || strconv.FormatUint(v, 10) != s {
		return 0, ErrTokenMalformed
	}
	return v, nil
}

// Verify checks the signature with the app's secret, then the expiry: a
// forged token is ErrTokenSignature even if it has also expired.
func (t *Token) Verify(secret string, now time.Time) error {
	if !hmac.Equal(t.sig, tokenMAC(secret, t.signed)) {
		return ErrTokenSignature
	}
	if !now.Before(t.Expiry) {
		return ErrTokenExpired
	}
	return nil
}

// Matches reports ErrTokenMismatch unless t was made for this app, channel
// and uid.
func (t *Token) Matches(appID, channel string, uid uint32) error {
	if t.AppID != appID || t.Channel != channel || t.UID != uid {
		return ErrTokenMismatch
	}
	return nil
}

func tokenMAC(secret, signed string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signed))
	return m.Sum(nil)
}

// AppSecrets maps app ids to their token secrets.
type AppSecrets map[string]string

// Verify checks a join's token: the app must be known (else ErrUnknownApp),
// the token well-formed, made for this app, channel and uid, correctly
// signed, and unexpired at now — in that order.
func (a AppSecrets) Verify(raw, appID, channel string, uid uint32, now time.Time) (*Token, error) {
	secret, ok := a[appID]
	if !ok {
		return nil, ErrUnknownApp
	}
	t, err := ParseToken(raw)
	if err != nil {
		return nil, err
	}
	if err := t.Matches(appID, channel, uid); err != nil {
		return nil, err
	}
	if err := t.Verify(secret, now); err != nil {
		return nil, err
	}
	return t, nil
}

// TokenCode maps a token error onto its refusal code: ErrUnknownApp is
// CodeInvalidAppID, ErrTokenExpired CodeTokenExpired, anything else
// CodeInvalidToken.
func TokenCode(err error) Code {
	switch {
	case errors.Is(err, ErrUnknownApp):
		return CodeInvalidAppID
	case errors.Is(err, ErrTokenExpired):
		return CodeTokenExpired
	}
	return CodeInvalidToken
}
