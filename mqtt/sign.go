package mqtt

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// The command signature.
//
// sig is the lowercase hex HMAC-SHA256, keyed with the device's command
// key, of these bytes:
//
//	"edge-agent-command-v1\n" + topic + "\n" + id + "\n" + ts + "\n" + args
//
// where topic is the full topic the command is published on
// ({prefix}/{device}/cmd/{name}, so a signature is bound to one device and
// one command), id and ts are the values of the payload's "id" and "ts"
// strings, and args is the exact bytes of the payload's "args" value as
// they appear in the payload (empty when there is no "args"). Nothing is
// re-serialised, so any JSON library can produce a valid command: sign the
// args bytes you are about to send, then embed them verbatim. id, ts and
// topic cannot contain a newline (ids are [A-Za-z0-9._:-], ts is RFC 3339),
// so the encoding is unambiguous.
const signingContext = "edge-agent-command-v1\n"

func signingInput(topic, id, ts string, args []byte) []byte {
	b := make([]byte, 0, len(signingContext)+len(topic)+len(id)+len(ts)+len(args)+3)
	b = append(b, signingContext...)
	b = append(b, topic...)
	b = append(b, '\n')
	b = append(b, id...)
	b = append(b, '\n')
	b = append(b, ts...)
	b = append(b, '\n')
	return append(b, args...)
}

func signature(key []byte, topic, id, ts string, args []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(signingInput(topic, id, ts, args))
	return m.Sum(nil)
}

// verifySignature reports whether sig (hex) signs the command.
func verifySignature(key []byte, topic, id, ts string, args []byte, sig string) bool {
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	return hmac.Equal(got, signature(key, topic, id, ts, args))
}

// SignCommand returns a signed command payload for topic (the full
// {prefix}/{device}/cmd/{name} topic): {"id":id,"ts":ts,"args":args,
// "sig":HEX}. args must be a JSON object or empty (no arguments); it is
// compacted before signing. ts is written as RFC 3339 with nanoseconds.
func SignCommand(key []byte, topic, id string, ts time.Time, args json.RawMessage) ([]byte, error) {
	if !validID(id) {
		return nil, fmt.Errorf("sign command: id %q: must be 1-64 of [A-Za-z0-9._:-]", id)
	}
	if len(key) == 0 {
		return nil, errors.New("sign command: empty key")
	}
	var compact bytes.Buffer
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	if err := json.Compact(&compact, args); err != nil || compact.Bytes()[0] != '{' {
		return nil, fmt.Errorf("sign command: args must be a JSON object")
	}
	tss := ts.UTC().Format(time.RFC3339Nano)
	sig := hex.EncodeToString(signature(key, topic, id, tss, compact.Bytes()))
	// Built by hand: json.Marshal would HTML-escape the args bytes and so
	// change what was signed.
	out := []byte(`{"id":"` + id + `","ts":"` + tss + `","args":`)
	out = append(out, compact.Bytes()...)
	return append(out, `,"sig":"`+sig+`"}`...), nil
}

// ReadCommandKey reads a command key file: the key is the file's text with
// surrounding whitespace removed (e.g. made by `openssl rand -hex 32`).
// It refuses a key shorter than 16 bytes.
func ReadCommandKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read command key: %w", err)
	}
	key := bytes.TrimSpace(raw)
	if len(key) < 16 {
		return nil, fmt.Errorf("command key %s: shorter than 16 bytes", path)
	}
	return key, nil
}
