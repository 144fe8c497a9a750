package signal

import "strings"

// Name rules. Channel names and app ids are 1–64 characters of
// [A-Za-z0-9_-]: safe in URLs, file names, log lines, metric labels and
// tokens (which use '.' as their separator) without any escaping.
const (
	MaxNameLen = 64
	// MaxTokenLen bounds the token field; real tokens are about 120 bytes.
	MaxTokenLen = 512
	// maxIDLen bounds session ids, proofs, nonces and secrets (all base64url
	// of at most 32 bytes, 43 characters).
	maxIDLen = 128
	// maxTextLen bounds human-readable texts (error and kick messages).
	maxTextLen = 1024
)

// ValidName reports whether s is 1–MaxNameLen characters of [A-Za-z0-9_-],
// the rule for both channel names and app ids.
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > MaxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// printable reports whether s is non-empty printable ASCII without spaces, at
// most n bytes: the shape of tokens, ids and proofs.
func printable(s string, n int) bool {
	if len(s) == 0 || len(s) > n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Validate implements Body.
func (m *Hello) Validate() error {
	switch {
	case !printable(m.Nonce, maxIDLen):
		return refuse(CodeMalformed, TypeHello, "nonce must be 1-%d printable characters", maxIDLen)
	case len(m.Versions) == 0:
		return refuse(CodeMalformed, TypeHello, "versions is empty")
	case m.HeartbeatMS <= 0:
		return refuse(CodeMalformed, TypeHello, "heartbeat_ms must be positive")
	case m.MaxMessage <= 0:
		return refuse(CodeMalformed, TypeHello, "max_message must be positive")
	}
	return nil
}

// Validate implements Body. A bad app id or channel name is refused with
// the join-refusal codes, so that the client fails with the right reason.
func (m *Join) Validate() error {
	switch {
	case !ValidName(m.AppID):
		return refuse(CodeInvalidAppID, TypeJoin, "app_id must be 1-%d characters of [A-Za-z0-9_-]", MaxNameLen)
	case !ValidName(m.Channel):
		return refuse(CodeInvalidChannelName, TypeJoin, "channel must be 1-%d characters of [A-Za-z0-9_-]", MaxNameLen)
	case m.UID == 0:
		return refuse(CodeMalformed, TypeJoin, "uid must be 1-4294967295")
	case !m.Kind.Valid():
		return refuse(CodeMalformed, TypeJoin, "kind must be native or web")
	case m.Token != "" && !printable(m.Token, MaxTokenLen):
		return refuse(CodeMalformed, TypeJoin, "token must be at most %d printable characters", MaxTokenLen)
	case m.Resume != nil:
		return m.Resume.validate()
	}
	return nil
}

func (r *Resume) validate() error {
	if !printable(r.Session, maxIDLen) || !printable(r.Proof, maxIDLen) {
		return refuse(CodeMalformed, TypeJoin, "resume needs session and proof, 1-%d printable characters each", maxIDLen)
	}
	return nil
}

// Validate implements Body.
func (m *Joined) Validate() error {
	switch {
	case !printable(m.Session, maxIDLen):
		return refuse(CodeMalformed, TypeJoined, "session is missing")
	case !printable(m.ResumeSecret, maxIDLen):
		return refuse(CodeMalformed, TypeJoined, "resume_secret is missing")
	case m.HeartbeatMS <= 0:
		return refuse(CodeMalformed, TypeJoined, "heartbeat_ms must be positive")
	case m.TokenExpiry < 0:
		return refuse(CodeMalformed, TypeJoined, "token_expiry is negative")
	}
	for _, p := range m.Peers {
		if err := validPeer(TypeJoined, p.UID, p.Kind); err != nil {
			return err
		}
	}
	return nil
}

func validPeer(t Type, uid uint32, kind Kind) error {
	if uid == 0 {
		return refuse(CodeMalformed, t, "peer uid must not be 0")
	}
	if !kind.Valid() {
		return refuse(CodeMalformed, t, "peer kind must be native or web")
	}
	return nil
}

// Validate implements Body.
func (m *PeerJoined) Validate() error { return validPeer(TypePeerJoined, m.UID, m.Kind) }

// Validate implements Body.
func (m *PeerOffline) Validate() error {
	if m.UID == 0 {
		return refuse(CodeMalformed, TypePeerOffline, "uid must not be 0")
	}
	if !m.Reason.Valid() {
		return refuse(CodeMalformed, TypePeerOffline, "reason must be QUIT or DROPPED")
	}
	return nil
}

// Validate implements Body.
func (*Heartbeat) Validate() error { return nil }

// Validate implements Body.
func (m *Offer) Validate() error { return validSDP(TypeOffer, m.SDP) }

// Validate implements Body.
func (m *Answer) Validate() error { return validSDP(TypeAnswer, m.SDP) }

func validSDP(t Type, sdp string) error {
	if !strings.HasPrefix(sdp, "v=0") {
		return refuse(CodeMalformed, t, "sdp must be a session description (starting v=0)")
	}
	return nil
}

// Validate implements Body.
func (m *Candidate) Validate() error {
	if m.Candidate != "" && !strings.HasPrefix(m.Candidate, "candidate:") {
		return refuse(CodeMalformed, TypeCandidate, `candidate must be empty or start with "candidate:"`)
	}
	return nil
}

// Validate implements Body.
func (*RestartICE) Validate() error { return nil }

// Validate implements Body.
func (*Leave) Validate() error { return nil }

// Validate implements Body.
func (m *RenewToken) Validate() error {
	if !printable(m.Token, MaxTokenLen) {
		return refuse(CodeMalformed, TypeRenewToken, "token must be 1-%d printable characters", MaxTokenLen)
	}
	return nil
}

// Validate implements Body. TokenExpiry 0 means the server checks no
// tokens (--insecure) and the session has no expiry.
func (m *TokenRenewed) Validate() error {
	if m.TokenExpiry < 0 {
		return refuse(CodeMalformed, TypeTokenRenewed, "token_expiry must be Unix seconds, or 0 for none")
	}
	return nil
}

// Validate implements Body.
func (m *TokenWillExpire) Validate() error { return validExpiry(TypeTokenWillExpire, m.TokenExpiry) }

func validExpiry(t Type, unix int64) error {
	if unix <= 0 {
		return refuse(CodeMalformed, t, "token_expiry must be positive Unix seconds")
	}
	return nil
}

// Validate implements Body.
func (m *Kicked) Validate() error {
	if len(m.Message) > maxTextLen {
		return refuse(CodeMalformed, TypeKicked, "message longer than %d bytes", maxTextLen)
	}
	return nil
}

// Validate implements Body.
func (m *ErrorMsg) Validate() error {
	switch {
	case !m.Code.Known():
		return refuse(CodeMalformed, TypeError, "unknown code %q", m.Code)
	case len(m.Message) > maxTextLen:
		return refuse(CodeMalformed, TypeError, "message longer than %d bytes", maxTextLen)
	case m.Ref != "" && !m.Ref.Known():
		return refuse(CodeMalformed, TypeError, "unknown ref %q", m.Ref)
	}
	return nil
}
