package signal

// Body is the body of one message, the envelope's "data". Every message type
// has one Body type; Validate reports the first rule the body breaks as an
// *Error.
type Body interface {
	Type() Type
	Validate() error
}

// Hello is the server's first message on every connection.
type Hello struct {
	// Nonce is single-use and bound to this connection: a resume proof sent
	// on this connection must be made with it.
	Nonce string `json:"nonce"`
	// Versions lists the protocol versions the server speaks.
	Versions []int `json:"versions"`
	// HeartbeatMS is the longest gap between two server messages.
	HeartbeatMS int64 `json:"heartbeat_ms"`
	// MaxMessage is the server's MaxMessageSize.
	MaxMessage int `json:"max_message"`
}

// Join asks to join a channel, or with Resume, to resume a session.
type Join struct {
	AppID   string `json:"app_id"`
	Channel string `json:"channel"`
	UID     uint32 `json:"uid"`
	// Token is the join token (see MakeToken). A server started with
	// --insecure ignores it and it may be empty.
	Token string `json:"token,omitempty"`
	Kind  Kind   `json:"kind"`
	// Resume, when set, asks to reattach to a session still present.
	Resume *Resume `json:"resume,omitempty"`
}

// Resume names the session to resume and proves ownership of it.
type Resume struct {
	Session string `json:"session"`
	// Proof is ResumeClaim{...}.Proof(resume secret), made with this
	// connection's hello nonce.
	Proof string `json:"proof"`
}

// Joined accepts a join.
type Joined struct {
	Session string `json:"session"`
	// ResumeSecret is the key for resume proofs. It stays the same for the
	// session's life; keep it secret (the agent's state directory, mode 0600).
	ResumeSecret string `json:"resume_secret"`
	// Peers are the other users present, as this client's kind sees them.
	Peers []Peer `json:"peers"`
	// Resumed is true when an existing session was reattached: the peers saw
	// nothing. False is a fresh session, even if resume was asked for.
	Resumed bool `json:"resumed"`
	// HeartbeatMS is the longest gap between two server messages.
	HeartbeatMS int64 `json:"heartbeat_ms"`
	// TokenExpiry is the token's expiry in Unix seconds, 0 if none.
	TokenExpiry int64 `json:"token_expiry,omitempty"`
}

// Peer is one other user in the channel.
type Peer struct {
	UID  uint32 `json:"uid"`
	Kind Kind   `json:"kind"`
}

// PeerJoined says a peer became present (for this client's kind).
type PeerJoined Peer

// PeerOffline says a peer is gone (for this client's kind), and why.
type PeerOffline struct {
	UID    uint32        `json:"uid"`
	Reason OfflineReason `json:"reason"`
}

// Heartbeat is sent by both sides; it carries nothing but its arrival.
type Heartbeat struct{}

// Offer is an SDP offer. Only the server offers (see PROTOCOL.md).
type Offer struct {
	SDP string `json:"sdp"`
}

// Answer is the client's SDP answer to the last offer.
type Answer struct {
	SDP string `json:"sdp"`
}

// Candidate is one trickled ICE candidate, as in RTCIceCandidateInit. An
// empty Candidate means the sender has no more candidates.
type Candidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdp_mid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdp_mline_index,omitempty"`
	UsernameFragment *string `json:"username_fragment,omitempty"`
}

// RestartICE asks the server for an offer with new ICE credentials.
type RestartICE struct{}

// Leave ends the session at once: peers are told QUIT.
type Leave struct{}

// RenewToken replaces the session's token with a fresh one.
type RenewToken struct {
	Token string `json:"token"`
}

// TokenRenewed accepts a RenewToken.
type TokenRenewed struct {
	// TokenExpiry is the new expiry in Unix seconds, 0 if none (a server
	// that checks no tokens).
	TokenExpiry int64 `json:"token_expiry"`
}

// TokenWillExpire warns that the session's token expires soon; without a
// renewal the session ends with a fatal TOKEN_EXPIRED error at TokenExpiry.
type TokenWillExpire struct {
	TokenExpiry int64 `json:"token_expiry"`
}

// Kicked says the server removed this uid (SPEC §1 BANNED_BY_SERVER). The
// server closes the connection after it.
type Kicked struct {
	Message string `json:"message,omitempty"`
}

// ErrorMsg reports a refusal. When Fatal, the session (or join attempt) is
// over and the server closes the connection; otherwise nothing changed but
// the refused message was ignored.
type ErrorMsg struct {
	Code    Code   `json:"code"`
	Fatal   bool   `json:"fatal"`
	Message string `json:"message,omitempty"`
	// Ref is the type of the message refused, when known.
	Ref Type `json:"ref,omitempty"`
}

// Type implements Body.
func (*Hello) Type() Type { return TypeHello }

// Type implements Body.
func (*Join) Type() Type { return TypeJoin }

// Type implements Body.
func (*Joined) Type() Type { return TypeJoined }

// Type implements Body.
func (*PeerJoined) Type() Type { return TypePeerJoined }

// Type implements Body.
func (*PeerOffline) Type() Type { return TypePeerOffline }

// Type implements Body.
func (*Heartbeat) Type() Type { return TypeHeartbeat }

// Type implements Body.
func (*Offer) Type() Type { return TypeOffer }

// Type implements Body.
func (*Answer) Type() Type { return TypeAnswer }

// Type implements Body.
func (*Candidate) Type() Type { return TypeCandidate }

// Type implements Body.
func (*RestartICE) Type() Type { return TypeRestartICE }

// Type implements Body.
func (*Leave) Type() Type { return TypeLeave }

// Type implements Body.
func (*RenewToken) Type() Type { return TypeRenewToken }

// Type implements Body.
func (*TokenRenewed) Type() Type { return TypeTokenRenewed }

// Type implements Body.
func (*TokenWillExpire) Type() Type { return TypeTokenWillExpire }

// Type implements Body.
func (*Kicked) Type() Type { return TypeKicked }

// Type implements Body.
func (*ErrorMsg) Type() Type { return TypeError }
