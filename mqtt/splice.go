package mqtt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// maxDocBytes bounds one event or state document. The agent's documents
// are a few hundred bytes; 64 KiB leaves room without letting one record
// eat the outbox.
const maxDocBytes = 64 << 10

// docHead is what the reporter reads of a document: the callback name, and
// whether the caller wrongly set the fields the reporter owns.
type docHead struct {
	Event string           `json:"event"`
	Seq   *json.RawMessage `json:"seq"`
	TS    *json.RawMessage `json:"ts"`
}

// checkDoc verifies that doc is one JSON object of at most maxDocBytes
// without "seq" or "ts", and returns its "event" field.
func checkDoc(doc json.RawMessage) (event string, err error) {
	doc = bytes.TrimSpace(doc)
	if len(doc) > maxDocBytes {
		return "", fmt.Errorf("document of %d bytes exceeds %d", len(doc), maxDocBytes)
	}
	if len(doc) < 2 || doc[0] != '{' || !json.Valid(doc) {
		return "", errors.New("document is not a JSON object")
	}
	var h docHead
	if err := json.Unmarshal(doc, &h); err != nil {
		return "", fmt.Errorf("document: %w", err)
	}
	if h.Seq != nil || h.TS != nil {
		return "", errors.New(`document sets "seq" or "ts", which the reporter owns`)
	}
	return h.Event, nil
}

// splice returns {"seq":seq,"ts":"<ts RFC 3339 nano>", ...doc's fields}.
// doc must have passed checkDoc. ts is written in UTC so that the same
// record always has the same bytes.
func splice(dst []byte, seq uint64, ts time.Time, doc json.RawMessage) []byte {
	doc = bytes.TrimSpace(doc)
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, seq, 10)
	return spliceTS(dst, ts, doc)
}

// spliceTS appends ,"ts":"..." and the rest of doc to dst, which holds an
// open object with at least one field.
func spliceTS(dst []byte, ts time.Time, doc json.RawMessage) []byte {
	dst = append(dst, `,"ts":"`...)
	dst = ts.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, '"')
	rest := bytes.TrimSpace(doc[1:])
	if len(rest) > 0 && rest[0] != '}' {
		dst = append(dst, ',')
	}
	return append(dst, rest...)
}
