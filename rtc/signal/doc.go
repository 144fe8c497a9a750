// Package signal is the signalling protocol between the channel server
// (rtc/server) and its clients (the agent's rtc.Session and the web page):
// JSON messages over a WebSocket, one message per WebSocket text frame.
//
// Every message is an envelope {"v":1,"type":T,"data":{...}}. Decode checks
// the version, the size limit, the type, and the body strictly (unknown
// fields, missing required fields and bad values are refused) and reports a
// refusal as an *Error whose Code says what to answer. Encode is its inverse.
//
// The package also holds the two pieces of cryptography both sides must agree
// on: join tokens (MakeToken, ParseToken, Token.Verify), which the server
// checks and the agent only carries, and resume proofs (ResumeClaim), with
// which a restarted client proves it owns a session. PROTOCOL.md in this
// directory describes every message and the join, resume and negotiation
// sequences.
package signal
