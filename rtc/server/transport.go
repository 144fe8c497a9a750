package server

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/gorilla/websocket"
)

// transport carries whole signalling messages: a WebSocket in production, an
// in-memory pipe in tests. Read is called by one goroutine, Write by
// another; Close may be called by any and more than once.
type transport interface {
	// Read returns the next message. errOversized and errBinary report a
	// message that was discarded; the transport is still usable. Any other
	// error ends it.
	Read() ([]byte, error)
	Write(msg []byte) error
	Close() error
}

var (
	errOversized = errors.New("message larger than the limit")
	errBinary    = errors.New("binary message")
)

const (
	// hardReadLimit is where the server stops reading a message and closes
	// the connection (1009): up to it, an oversized message is read and
	// discarded so that the client gets a non-fatal OVERSIZED error.
	hardReadLimit = 1 << 20
	// writeTimeout bounds one write: a client that does not read for this
	// long has lost its connection, and silence rules decide the rest.
	writeTimeout = 5 * time.Second
	// closeTimeout bounds the close handshake's write.
	closeTimeout = time.Second
)

type wsTransport struct {
	ws *websocket.Conn
}

func newWSTransport(ws *websocket.Conn) *wsTransport {
	ws.SetReadLimit(hardReadLimit)
	return &wsTransport{ws: ws}
}

func (t *wsTransport) Read() ([]byte, error) {
	typ, r, err := t.ws.NextReader()
	if err != nil {
		return nil, fmt.Errorf("websocket read: %w", err)
	}
	msg, err := io.ReadAll(io.LimitReader(r, signal.MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("websocket read: %w", err)
	}
	if len(msg) > signal.MaxMessageSize || typ != websocket.TextMessage {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return nil, fmt.Errorf("websocket read: %w", err)
		}
		if typ != websocket.TextMessage {
			return nil, errBinary
		}
		return nil, errOversized
	}
	return msg, nil
}

func (t *wsTransport) Write(msg []byte) error {
	if err := t.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("websocket write: %w", err)
	}
	if err := t.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		return fmt.Errorf("websocket write: %w", err)
	}
	return nil
}

// Close sends a normal close frame (best effort) and closes the socket.
func (t *wsTransport) Close() error {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = t.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeTimeout))
	return t.ws.Close()
}
