package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/gorilla/websocket"
)

// startHTTP runs a signalling-only server behind httptest.
func startHTTP(t *testing.T, o Options) (*Server, *httptest.Server) {
	t.Helper()
	o.Insecure = true
	o.SignallingOnly = true
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		_ = srv.Close()
	})
	return srv, hs
}

// wsClient is a bare WebSocket client for the HTTP tests.
type wsClient struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialWS(t *testing.T, hs *httptest.Server) *wsClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	c := &wsClient{t: t, ws: ws}
	if m := c.next(); m.Type() != signal.TypeHello {
		t.Fatalf("first message %s", m.Type())
	}
	return c
}

// next returns the next message that is not a heartbeat.
func (c *wsClient) next() signal.Body {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitLimit))
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		b, err := signal.Decode(msg)
		if err != nil {
			c.t.Fatalf("server sent %s: %v", msg, err)
		}
		if b.Type() != signal.TypeHeartbeat {
			return b
		}
	}
}

func (c *wsClient) write(typ int, msg []byte) {
	if err := c.ws.WriteMessage(typ, msg); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *wsClient) join(j signal.Join) {
	c.t.Helper()
	c.write(websocket.TextMessage, signal.MustEncode(&j))
	if m := c.next(); m.Type() != signal.TypeJoined {
		c.t.Fatalf("join: %+v", m)
	}
}

func TestWebSocket_OversizedAndBinaryAreNotFatal(t *testing.T) {
	_, hs := startHTTP(t, Options{})
	c := dialWS(t, hs)
	big := `{"v":1,"type":"heartbeat","data":{"pad":"` + strings.Repeat("x", signal.MaxMessageSize) + `"}}`
	c.write(websocket.TextMessage, []byte(big))
	if e, ok := c.next().(*signal.ErrorMsg); !ok || e.Code != signal.CodeOversized || e.Fatal {
		t.Fatalf("oversized: got %+v", e)
	}
	c.write(websocket.BinaryMessage, []byte{1, 2, 3})
	if e, ok := c.next().(*signal.ErrorMsg); !ok || e.Code != signal.CodeMalformed || e.Fatal {
		t.Fatalf("binary: got %+v", e)
	}
	c.join(native(1))
}

func TestWebSocket_HugeMessageClosesConnection(t *testing.T) {
	_, hs := startHTTP(t, Options{})
	c := dialWS(t, hs)
	_ = c.ws.WriteMessage(websocket.TextMessage, make([]byte, hardReadLimit+1))
	_ = c.ws.SetReadDeadline(time.Now().Add(waitLimit))
	for {
		_, _, err := c.ws.ReadMessage()
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("connection still open after a message over the hard limit")
		}
		if err != nil {
			return // closed, with 1009 or a reset
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHTTP_HealthChannelsMetrics(t *testing.T) {
	_, hs := startHTTP(t, Options{})
	a, b := dialWS(t, hs), dialWS(t, hs)
	a.join(native(1))
	b.join(web(7))

	if code, body := get(t, hs.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	code, body := get(t, hs.URL+"/api/v1/channels")
	var doc struct {
		Channels []ChannelInfo `json:"channels"`
	}
	if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil {
		t.Fatalf("channels: %d %v %s", code, err, body)
	}
	if len(doc.Channels) != 1 || doc.Channels[0].Name != "lobby" || len(doc.Channels[0].Users) != 2 {
		t.Fatalf("channels: %s", body)
	}
	u := doc.Channels[0].Users[1]
	if u.UID != 7 || u.Kind != signal.KindWeb || u.Presence != "present" || !u.Connected || u.Since.IsZero() {
		t.Fatalf("user: %+v", u)
	}
	code, body = get(t, hs.URL+"/metrics")
	for _, want := range []string{
		"# TYPE edge_channeld_channels gauge", "edge_channeld_channels 1",
		`edge_channeld_sessions{kind="native"} 1`, `edge_channeld_sessions{kind="web"} 1`,
		`edge_channeld_joins_total{result="fresh"} 2`, "edge_channeld_connections 2",
	} {
		if code != 200 || !strings.Contains(body, want+"\n") {
			t.Fatalf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestHTTP_KickNeedsAdminToken(t *testing.T) {
	const admin = "admin-token-0123456789"
	_, hs := startHTTP(t, Options{AdminToken: admin})
	a, b := dialWS(t, hs), dialWS(t, hs)
	a.join(native(1))
	b.join(native(2))
	if m := a.next(); m.Type() != signal.TypePeerJoined {
		t.Fatalf("a: %+v", m)
	}
	kick := func(auth, uid string) int {
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/channels/lobby/users/"+uid+"/kick?message=bye", nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := kick("", "2"); code != http.StatusUnauthorized {
		t.Fatalf("kick without token: %d", code)
	}
	if code := kick("wrong", "2"); code != http.StatusUnauthorized {
		t.Fatalf("kick with a wrong token: %d", code)
	}
	if code := kick(admin, "9"); code != http.StatusNotFound {
		t.Fatalf("kick of an absent uid: %d", code)
	}
	if code := kick(admin, "2"); code != http.StatusNoContent {
		t.Fatalf("kick: %d", code)
	}
	if m, ok := b.next().(*signal.Kicked); !ok || m.Message != "bye" {
		t.Fatalf("kicked client got %+v", m)
	}
	if m, ok := a.next().(*signal.PeerOffline); !ok || m.UID != 2 || m.Reason != signal.OfflineQuit {
		t.Fatalf("peer got %+v", m)
	}
}

func TestHTTP_PageMountedAtRoot(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "page "+r.URL.Path) })
	_, hs := startHTTP(t, Options{Page: page})
	if code, body := get(t, hs.URL+"/?channel=lobby"); code != 200 || body != "page /" {
		t.Fatalf("/: %d %q", code, body)
	}
	if code, body := get(t, hs.URL+"/app.js"); code != 200 || body != "page /app.js" {
		t.Fatalf("/app.js: %d %q", code, body)
	}
	if code, _ := get(t, hs.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz with a page: %d", code)
	}
	_, bare := startHTTP(t, Options{})
	if code, _ := get(t, bare.URL+"/"); code != http.StatusNotFound {
		t.Fatalf("/ without a page: %d", code)
	}
}

func TestOptions_Validation(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"neither apps nor insecure", Options{}},
		{"both", Options{Insecure: true, Apps: signal.AppSecrets{"a": "0123456789abcdef"}}},
		{"short secret", Options{Apps: signal.AppSecrets{"a": "short"}}},
		{"bad app id", Options{Apps: signal.AppSecrets{"a.b": "0123456789abcdef"}}},
		{"slow heartbeat", Options{Insecure: true, Heartbeat: time.Second}},
		{"negative", Options{Insecure: true, OfflineAfter: -time.Second}},
		{"ports", Options{Insecure: true, ICE: ICEOptions{UDPPortMin: 2, UDPPortMax: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.SignallingOnly = true
			if _, err := New(tt.o); err == nil {
				t.Fatal("New accepted bad options")
			}
		})
	}
}

func TestParseApps(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"ok", "# apps\n\ndemo 0123456789abcdef\nother\t0123456789abcdefXYZ\n", ""},
		{"one field", "demo\n", "line 1: want \"APP_ID SECRET\""},
		{"short secret", "demo short\n", "line 1: app \"demo\": secret must be at least 16 bytes"},
		{"bad id", "\nde.mo 0123456789abcdef\n", "line 2: app id \"de.mo\""},
		{"duplicate", "a 0123456789abcdef\na 0123456789abcdef\n", "line 2: app id \"a\" appears twice"},
		{"empty", "# nothing\n", "no apps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apps, err := ParseApps(strings.NewReader(tt.in))
			if tt.err == "" {
				if err != nil || len(apps) != 2 {
					t.Fatalf("ParseApps = %v, %v", apps, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("ParseApps error %v, want %q", err, tt.err)
			}
		})
	}
}
