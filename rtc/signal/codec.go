package signal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// envelope is the outer object of every message.
type envelope struct {
	V    *int            `json:"v"`
	Type *Type           `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Encode validates b and returns its message: the envelope with v, type and
// data. It refuses a body that breaks the rules or a message larger than
// MaxMessageSize, so that a sender never emits what a receiver would refuse.
func Encode(b Body) ([]byte, error) {
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("encode %s: %w", b.Type(), err)
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", b.Type(), err)
	}
	v, t := Version, b.Type()
	msg, err := json.Marshal(envelope{V: &v, Type: &t, Data: data})
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", b.Type(), err)
	}
	if len(msg) > MaxMessageSize {
		return nil, fmt.Errorf("encode %s: %w", t, refuse(CodeOversized, t, "%d bytes, limit %d", len(msg), MaxMessageSize))
	}
	return msg, nil
}

// MustEncode is Encode for bodies that are valid by construction; it panics
// on error. Use it for constant messages such as heartbeats.
func MustEncode(b Body) []byte {
	msg, err := Encode(b)
	if err != nil {
		panic(err)
	}
	return msg
}

// Decode parses and validates one message. Every refusal is an *Error: its
// Code says what to answer (CodeOversized, CodeMalformed,
// CodeUnsupportedVersion, or for a join with a bad app id or channel name
// CodeInvalidAppID or CodeInvalidChannelName), and Ref names the message's
// type when it was known. Decode does not check who sent the message; see
// Type.SentBy.
func Decode(msg []byte) (Body, error) {
	if len(msg) > MaxMessageSize {
		return nil, refuse(CodeOversized, "", "%d bytes, limit %d", len(msg), MaxMessageSize)
	}
	var env envelope
	if err := strictUnmarshal(msg, &env); err != nil {
		return nil, refuse(CodeMalformed, "", "envelope: %v", err)
	}
	t, err := checkEnvelope(&env)
	if err != nil {
		return nil, err
	}
	body := registry[t].new()
	data := env.Data
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		data = []byte("{}")
	}
	if err := strictUnmarshal(data, body); err != nil {
		return nil, refuse(CodeMalformed, t, "data: %v", err)
	}
	if err := body.Validate(); err != nil {
		return nil, err
	}
	return body, nil
}

func checkEnvelope(env *envelope) (Type, error) {
	var t Type
	if env.Type != nil && env.Type.Known() {
		t = *env.Type
	}
	switch {
	case env.V == nil:
		return "", refuse(CodeMalformed, t, "v is missing")
	case *env.V != Version:
		return "", refuse(CodeUnsupportedVersion, t, "version %d is not supported, only %d", *env.V, Version)
	case env.Type == nil || *env.Type == "":
		return "", refuse(CodeMalformed, "", "type is missing")
	case t == "":
		return "", refuse(CodeMalformed, "", "unknown type %q", truncate(string(*env.Type), 64))
	}
	return t, nil
}

// strictUnmarshal decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
