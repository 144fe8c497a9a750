package rtc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/gorilla/websocket"
)

// leaveAnewBudget bounds leaveAnew, within Stop's one second.
const leaveAnewBudget = 800 * time.Millisecond

// leaveAnew leaves a session whose signalling connection is gone (Stop(true)
// during an outage, or right after the server closed the connection): it
// resumes the session on a new connection, synchronously, and sends leave
// at once, so that peers see QUIT now rather than DROPPED after their
// silence limit. It runs on the loop, which has nothing else to do then.
func (s *Session) leaveAnew(r *resumeState) error {
	ctx, cancel := context.WithTimeout(context.Background(), leaveAnewBudget)
	defer cancel()
	ws, _, err := (&websocket.Dialer{}).DialContext(ctx, s.url, nil)
	if err != nil {
		return fmt.Errorf("leave: dial: %w", err)
	}
	defer ws.Close()
	deadline, _ := ctx.Deadline()
	_ = ws.SetReadDeadline(deadline)
	_ = ws.SetWriteDeadline(deadline)
	hello, err := readType[*signal.Hello](ws)
	if err != nil {
		return err
	}
	claim := signal.ResumeClaim{AppID: r.AppID, Channel: r.Channel, UID: r.UID, Session: r.Session, Nonce: hello.Nonce}
	join := &signal.Join{AppID: r.AppID, Channel: r.Channel, UID: r.UID, Token: s.st.token, Kind: signal.KindNative,
		Resume: &signal.Resume{Session: r.Session, Proof: claim.Proof(r.ResumeSecret)}}
	if err := writeBody(ws, join); err != nil {
		return err
	}
	if _, err := readType[*signal.Joined](ws); err != nil {
		return err
	}
	if err := writeBody(ws, &signal.Leave{}); err != nil {
		return err
	}
	drainUntilClosed(ws)
	return nil
}

// drainUntilClosed reads until the server closes the connection, as it does
// after a leave, or the deadline passes. Closing first would lose the leave:
// with the server's messages (its offer, heartbeats) unread, the kernel
// answers our close with a reset, and a reset makes the server's kernel
// drop what it received but the server has not read yet — the leave.
func drainUntilClosed(ws *websocket.Conn) {
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

// readType reads messages until one of type T; an error message or a
// kick ends the wait.
func readType[T signal.Body](ws *websocket.Conn) (T, error) {
	var zero T
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return zero, fmt.Errorf("leave: read: %w", err)
		}
		body, err := signal.Decode(data)
		if err != nil {
			continue
		}
		switch m := body.(type) {
		case T:
			return m, nil
		case *signal.ErrorMsg:
			return zero, fmt.Errorf("leave: server: %s: %s", m.Code, m.Message)
		case *signal.Kicked:
			return zero, errors.New("leave: kicked")
		}
	}
}

// writeBody writes one message.
func writeBody(ws *websocket.Conn, b signal.Body) error {
	msg, err := signal.Encode(b)
	if err != nil {
		return fmt.Errorf("leave: %w", err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		return fmt.Errorf("leave: write %s: %w", b.Type(), err)
	}
	return nil
}
