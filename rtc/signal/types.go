package signal

// Version is the protocol version this package speaks. A message whose v is
// anything else is refused with CodeUnsupportedVersion.
const Version = 1

// MaxMessageSize is the largest message, in bytes of JSON, that either side
// accepts: 64 KiB. An SDP offer for a channel with a few dozen tracks is
// 10–20 KiB, so this leaves room for large channels while bounding what one
// message can make the server buffer and parse.
const MaxMessageSize = 64 << 10

// Type is the type of a message, the envelope's "type".
type Type string

// Message types. PROTOCOL.md describes each one with an example.
const (
	TypeHello           Type = "hello"
	TypeJoin            Type = "join"
	TypeJoined          Type = "joined"
	TypePeerJoined      Type = "peer-joined"
	TypePeerOffline     Type = "peer-offline"
	TypeHeartbeat       Type = "heartbeat"
	TypeOffer           Type = "offer"
	TypeAnswer          Type = "answer"
	TypeCandidate       Type = "candidate"
	TypeRestartICE      Type = "restart-ice"
	TypeLeave           Type = "leave"
	TypeRenewToken      Type = "renew-token"
	TypeTokenRenewed    Type = "token-renewed"
	TypeTokenWillExpire Type = "token-will-expire"
	TypeKicked          Type = "kicked"
	TypeError           Type = "error"
)

// Side is who sends a message: the server, a client, or both.
type Side uint8

// Sides, as bits so that a type sent both ways is FromServer|FromClient.
const (
	FromServer Side = 1 << iota
	FromClient
)

type typeInfo struct {
	from Side
	new  func() Body
}

var registry = map[Type]typeInfo{
	TypeHello:           {FromServer, func() Body { return new(Hello) }},
	TypeJoin:            {FromClient, func() Body { return new(Join) }},
	TypeJoined:          {FromServer, func() Body { return new(Joined) }},
	TypePeerJoined:      {FromServer, func() Body { return new(PeerJoined) }},
	TypePeerOffline:     {FromServer, func() Body { return new(PeerOffline) }},
	TypeHeartbeat:       {FromServer | FromClient, func() Body { return new(Heartbeat) }},
	TypeOffer:           {FromServer, func() Body { return new(Offer) }},
	TypeAnswer:          {FromClient, func() Body { return new(Answer) }},
	TypeCandidate:       {FromServer | FromClient, func() Body { return new(Candidate) }},
	TypeRestartICE:      {FromClient, func() Body { return new(RestartICE) }},
	TypeLeave:           {FromClient, func() Body { return new(Leave) }},
	TypeRenewToken:      {FromClient, func() Body { return new(RenewToken) }},
	TypeTokenRenewed:    {FromServer, func() Body { return new(TokenRenewed) }},
	TypeTokenWillExpire: {FromServer, func() Body { return new(TokenWillExpire) }},
	TypeKicked:          {FromServer, func() Body { return new(Kicked) }},
	TypeError:           {FromServer, func() Body { return new(ErrorMsg) }},
}

// Known reports whether t is a message type of this version.
func (t Type) Known() bool {
	_, ok := registry[t]
	return ok
}

// SentBy reports whether side s may send messages of type t.
func (t Type) SentBy(s Side) bool {
	return registry[t].from&s != 0
}

// Kind is what kind of client a session is: a native client (the agent) or
// the web page. Peers of each kind learn of silence on their own schedule.
type Kind string

// Kinds.
const (
	KindNative Kind = "native"
	KindWeb    Kind = "web"
)

// Valid reports whether k is KindNative or KindWeb.
func (k Kind) Valid() bool { return k == KindNative || k == KindWeb }

// OfflineReason is why a peer went offline.
type OfflineReason string

// Offline reasons, named as in SPEC §1.
const (
	// OfflineQuit: the peer left, or the server ended its session (kick,
	// expired token, a newer join of the same uid).
	OfflineQuit OfflineReason = "QUIT"
	// OfflineDropped: the peer was silent for the receiver's limit.
	OfflineDropped OfflineReason = "DROPPED"
)

// Valid reports whether r is OfflineQuit or OfflineDropped.
func (r OfflineReason) Valid() bool { return r == OfflineQuit || r == OfflineDropped }

// Code returns SPEC §1's number for r: QUIT = 0, DROPPED = 1, -1 if invalid.
func (r OfflineReason) Code() int {
	switch r {
	case OfflineQuit:
		return 0
	case OfflineDropped:
		return 1
	}
	return -1
}
