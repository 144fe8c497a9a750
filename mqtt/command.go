package mqtt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Command is a console command that passed every check: signature (unless
// InsecureCommands), freshness, replay, name and arguments.
type Command struct {
	// ID is the console's id for the command, echoed in the reply.
	ID string
	// Name is the last topic level: join, leave, rejoin, renew-token or
	// log-level.
	Name string
	// TS is when the console issued it.
	TS time.Time
	// Args is the command's argument object, already validated against
	// the command's argument type; "{}" when the payload had none.
	Args json.RawMessage
}

// The command names and their arguments (SPEC §6.3).
const (
	CmdJoin       = "join"        // JoinArgs
	CmdLeave      = "leave"       // no arguments
	CmdRejoin     = "rejoin"      // no arguments
	CmdRenewToken = "renew-token" // RenewTokenArgs
	CmdLogLevel   = "log-level"   // LogLevelArgs
)

// JoinArgs are the arguments of join: the channel, the uid (not 0), and
// optionally a token (else the configured one).
type JoinArgs struct {
	Channel string `json:"channel"`
	UID     uint32 `json:"uid"`
	Token   string `json:"token,omitempty"`
}

// RenewTokenArgs are the arguments of renew-token.
type RenewTokenArgs struct {
	Token string `json:"token"`
}

// LogLevelArgs are the arguments of log-level: debug, info, warn or error.
type LogLevelArgs struct {
	Level string `json:"level"`
}

// Why a command is refused. The reply's error starts with one of these
// texts, followed by details.
var (
	ErrMalformed        = errors.New("malformed")
	ErrCommandsDisabled = errors.New("commands disabled: no command key on the device")
	ErrUnsigned         = errors.New("unsigned")
	ErrBadSignature     = errors.New("bad signature")
	ErrStale            = errors.New("stale")
	ErrUnknownCommand   = errors.New("unknown command")
	ErrBadArgs          = errors.New("bad args")
	ErrReplayed         = errors.New("replayed")
	ErrBusy             = errors.New("busy")
)

// maxCommandBytes bounds a command payload: the largest is a join with a
// token, well under 8 KiB.
const maxCommandBytes = 16 << 10

// wireCommand is a command payload: {"id":ID,"ts":T,"args":{...},"sig":HEX}.
type wireCommand struct {
	ID   string          `json:"id"`
	TS   string          `json:"ts"`
	Args json.RawMessage `json:"args"`
	Sig  string          `json:"sig"`
}

// verifier checks commands; it holds no state (replays are seenIDs' job).
type verifier struct {
	key      []byte
	insecure bool
	maxSkew  time.Duration
}

// verify parses and checks one command received on topic (whose last
// level is name). The checks run in this order, so that a sender without
// the key learns nothing beyond "unsigned" or "bad signature": structure,
// signature, freshness, name, arguments. id is returned even on error when
// the payload had one, for the reply.
func (v verifier) verify(topic, name string, payload []byte, now time.Time) (cmd Command, err error) {
	w, err := parseWire(payload)
	if err != nil {
		return Command{ID: w.ID}, err
	}
	cmd = Command{ID: w.ID, Name: name, Args: w.Args}
	if err := v.checkSig(topic, w); err != nil {
		return cmd, err
	}
	if cmd.TS, err = v.checkTS(w.TS, now); err != nil {
		return cmd, err
	}
	check, ok := argCheckers[name]
	if !ok {
		return cmd, fmt.Errorf("%w: %q", ErrUnknownCommand, name)
	}
	if len(cmd.Args) == 0 {
		cmd.Args = json.RawMessage("{}")
	}
	if err := check(cmd.Args); err != nil {
		return cmd, fmt.Errorf("%w: %s: %v", ErrBadArgs, name, err)
	}
	return cmd, nil
}

// parseWire decodes the payload strictly: one JSON object, no unknown
// fields, an id of 1–64 characters [A-Za-z0-9._:-], args an object.
func parseWire(payload []byte) (wireCommand, error) {
	var w wireCommand
	if len(payload) > maxCommandBytes {
		return w, fmt.Errorf("%w: payload over %d bytes", ErrMalformed, maxCommandBytes)
	}
	if err := strictDecode(payload, &w); err != nil {
		return wireCommand{ID: bestEffortID(payload)}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !validID(w.ID) {
		return wireCommand{}, fmt.Errorf("%w: id must be 1-64 of [A-Za-z0-9._:-]", ErrMalformed)
	}
	if len(w.Args) > 0 && w.Args[0] != '{' {
		return w, fmt.Errorf("%w: args must be an object", ErrMalformed)
	}
	return w, nil
}

// bestEffortID returns the id of a payload that failed strict decoding,
// when it is a valid id, so the refusal can name it.
func bestEffortID(payload []byte) string {
	var w struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(payload, &w) != nil || !validID(w.ID) {
		return ""
	}
	return w.ID
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// strictDecode decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func (v verifier) checkSig(topic string, w wireCommand) error {
	if v.insecure {
		return nil
	}
	if len(v.key) == 0 {
		return ErrCommandsDisabled
	}
	if w.Sig == "" {
		return ErrUnsigned
	}
	if !verifySignature(v.key, topic, w.ID, w.TS, w.Args, w.Sig) {
		return ErrBadSignature
	}
	return nil
}

func (v verifier) checkTS(raw string, now time.Time) (time.Time, error) {
	ts, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return ts, fmt.Errorf("%w: ts is not RFC 3339", ErrMalformed)
	}
	if d := now.Sub(ts).Abs(); d > v.maxSkew {
		return ts, fmt.Errorf("%w: ts is %s away from the device clock (limit %s)",
			ErrStale, d.Round(time.Second), v.maxSkew)
	}
	return ts, nil
}

// argCheckers validates the arguments of each known command.
var argCheckers = map[string]func(json.RawMessage) error{
	CmdJoin:       checkJoin,
	CmdLeave:      checkNoArgs,
	CmdRejoin:     checkNoArgs,
	CmdRenewToken: checkRenewToken,
	CmdLogLevel:   checkLogLevel,
}

func checkNoArgs(args json.RawMessage) error {
	return strictDecode(args, &struct{}{})
}

func checkJoin(args json.RawMessage) error {
	var a JoinArgs
	if err := strictDecode(args, &a); err != nil {
		return err
	}
	if a.Channel == "" || len(a.Channel) > 256 {
		return errors.New("channel must be 1-256 bytes")
	}
	if a.UID == 0 {
		return errors.New("uid must be 1-4294967295")
	}
	return nil
}

func checkRenewToken(args json.RawMessage) error {
	var a RenewTokenArgs
	if err := strictDecode(args, &a); err != nil {
		return err
	}
	if a.Token == "" {
		return errors.New("token is required")
	}
	return nil
}

func checkLogLevel(args json.RawMessage) error {
	var a LogLevelArgs
	if err := strictDecode(args, &a); err != nil {
		return err
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, a.Level) {
		return errors.New("level must be debug, info, warn or error")
	}
	return nil
}
