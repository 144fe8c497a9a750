package signal

import (
	"errors"
	"fmt"
)

// Code names a refusal. The first five end a join and map onto the
// connection-state reasons of SPEC §1 (see Reason); the others are protocol
// errors: the server answers them with an error message and keeps serving the
// connection.
type Code string

// Codes that refuse a join (or, with Fatal false, a token renewal).
const (
	// CodeInvalidAppID: the server knows no such app id, or the id fails the
	// app id rules (SPEC §1 INVALID_APP_ID = 6).
	CodeInvalidAppID Code = "INVALID_APP_ID"
	// CodeInvalidChannelName: the channel name fails the channel name rules
	// (INVALID_CHANNEL_NAME = 7).
	CodeInvalidChannelName Code = "INVALID_CHANNEL_NAME"
	// CodeInvalidToken: the token is malformed, its signature is wrong, or it
	// was made for another app, channel or uid (INVALID_TOKEN = 8).
	CodeInvalidToken Code = "INVALID_TOKEN"
	// CodeTokenExpired: the token's expiry has passed (TOKEN_EXPIRED = 9).
	CodeTokenExpired Code = "TOKEN_EXPIRED"
	// CodeRejected: any other refusal, e.g. the channel is full, the join rate
	// was exceeded or a newer join of the same uid replaced this session
	// (REJECTED_BY_SERVER = 10).
	CodeRejected Code = "REJECTED_BY_SERVER"
)

// Protocol error codes. They never end a session.
const (
	// CodeMalformed: not JSON, unknown type or field, missing or bad value,
	// or a type the receiver never accepts from this side.
	CodeMalformed Code = "MALFORMED"
	// CodeOversized: the message exceeded MaxMessageSize; it was discarded.
	CodeOversized Code = "OVERSIZED"
	// CodeUnsupportedVersion: the envelope's v is not Version.
	CodeUnsupportedVersion Code = "UNSUPPORTED_VERSION"
	// CodeOutOfOrder: a well-formed message that is not valid now, e.g. an
	// offer before join, a second join, or an answer with no offer pending.
	CodeOutOfOrder Code = "OUT_OF_ORDER"
	// CodeResumeRejected: the resume proof did not verify. The session it
	// names is untouched; the client may send a fresh join (without resume)
	// on the same connection.
	CodeResumeRejected Code = "RESUME_REJECTED"
)

// Reason values of SPEC §1 that this protocol produces.
const (
	ReasonBannedByServer     = 3
	ReasonInvalidAppID       = 6
	ReasonInvalidChannelName = 7
	ReasonInvalidToken       = 8
	ReasonTokenExpired       = 9
	ReasonRejectedByServer   = 10
)

// Reason returns the SPEC §1 connection-state reason for a join refusal, and
// false for a protocol error code, which has none.
func (c Code) Reason() (int, bool) {
	switch c {
	case CodeInvalidAppID:
		return ReasonInvalidAppID, true
	case CodeInvalidChannelName:
		return ReasonInvalidChannelName, true
	case CodeInvalidToken:
		return ReasonInvalidToken, true
	case CodeTokenExpired:
		return ReasonTokenExpired, true
	case CodeRejected:
		return ReasonRejectedByServer, true
	}
	return 0, false
}

// Known reports whether c is one of the codes above.
func (c Code) Known() bool {
	switch c {
	case CodeMalformed, CodeOversized, CodeUnsupportedVersion, CodeOutOfOrder, CodeResumeRejected:
		return true
	}
	_, ok := c.Reason()
	return ok
}

// Error is a refusal: what Decode returns for a message it will not accept,
// and what the server turns into an error message (see (*Error).Message).
type Error struct {
	// Code says which refusal this is.
	Code Code
	// Ref is the type of the refused message, when it is known.
	Ref Type
	// Detail says what exactly was wrong, for people.
	Detail string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Ref != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Ref, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

// Message returns the error message that reports e to the peer.
func (e *Error) Message(fatal bool) *ErrorMsg {
	return &ErrorMsg{Code: e.Code, Fatal: fatal, Message: e.Detail, Ref: e.Ref}
}

// CodeOf returns the Code of err if it is (or wraps) an *Error, else "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func refuse(code Code, ref Type, format string, args ...any) *Error {
	return &Error{Code: code, Ref: ref, Detail: fmt.Sprintf(format, args...)}
}
