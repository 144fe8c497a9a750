package server

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/gorilla/websocket"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// waitLimit bounds every wait in the media tests: generous for -race on two
// cores, never reached when things work.
const waitLimit = 15 * time.Second

// startMediaServer runs a server with media on loopback behind httptest.
func startMediaServer(t testing.TB, o Options) (*Server, string) {
	t.Helper()
	o.Insecure = o.Apps == nil
	o.ICE = ICEOptions{Loopback: true, Interfaces: []string{"lo"}}
	srv, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		_ = srv.Close()
	})
	return srv, "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"
}

// pionClient is a test client with a real PeerConnection: it answers every
// offer, trickles candidates, optionally publishes one VP8 track, and
// records what it receives.
type pionClient struct {
	t   testing.TB
	ws  *websocket.Conn
	wmu sync.Mutex
	pc  *webrtc.PeerConnection
	pub *webrtc.TrackLocalStaticRTP

	hello  *signal.Hello
	joined *signal.Joined
	join   signal.Join

	msgs      chan signal.Body // everything but heartbeats, offers and candidates
	tracks    chan *webrtc.TrackRemote
	ended     chan string      // ids of received tracks whose stream ended
	offers    chan string      // SDP of every offer answered
	packets   chan *rtp.Packet // RTP of every received track
	plis      chan struct{}    // PLIs received for the published track
	connected chan struct{}
	done      chan struct{}
	readDone  chan struct{} // closed when readLoop (the only user of pc's negotiation) ends
	closeOnce sync.Once
	wg        sync.WaitGroup
}

func clientAPI(t testing.TB) *webrtc.API {
	t.Helper()
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
}

// dialPion connects to url, reads hello, and starts the client's loops.
func dialPion(t testing.TB, url string, publish bool) *pionClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	pc, err := clientAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	c := &pionClient{t: t, ws: ws, pc: pc, msgs: make(chan signal.Body, 256), tracks: make(chan *webrtc.TrackRemote, 8), ended: make(chan string, 8), offers: make(chan string, 64),
		packets: make(chan *rtp.Packet, 8192), plis: make(chan struct{}, 64), connected: make(chan struct{}), done: make(chan struct{})}
	if publish {
		c.pub, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "cam")
		if err != nil {
			t.Fatal(err)
		}
	}
	c.hooks()
	t.Cleanup(c.close)
	c.hello = c.readHello()
	c.readDone = make(chan struct{})
	c.goLoop(func() {
		defer close(c.readDone)
		c.readLoop()
	})
	c.goLoop(c.heartbeatLoop)
	return c
}

func (c *pionClient) hooks() {
	var once sync.Once
	c.pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(c.connected) })
		}
	})
	c.pc.OnICECandidate(func(ic *webrtc.ICECandidate) {
		if ic != nil {
			j := ic.ToJSON()
			c.send(&signal.Candidate{Candidate: j.Candidate, SDPMid: j.SDPMid, SDPMLineIndex: j.SDPMLineIndex})
		}
	})
	c.pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		c.tracks <- tr
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				c.ended <- tr.ID()
				return
			}
			select {
			case c.packets <- p:
			default:
			}
		}
	})
}

func (c *pionClient) goLoop(f func()) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f()
	}()
}

func (c *pionClient) send(b signal.Body) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, signal.MustEncode(b))
}

func (c *pionClient) readHello() *signal.Hello {
	_, msg, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read hello: %v", err)
	}
	b, err := signal.Decode(msg)
	h, ok := b.(*signal.Hello)
	if err != nil || !ok {
		c.t.Fatalf("first message %s is not hello (%v)", msg, err)
	}
	return h
}

func (c *pionClient) readLoop() {
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		b, err := signal.Decode(msg)
		if err != nil {
			c.errorf("server sent %s: %v", msg, err)
			return
		}
		switch m := b.(type) {
		case *signal.Heartbeat:
		case *signal.Offer:
			c.answer(m.SDP)
		case *signal.Candidate:
			if m.Candidate != "" {
				_ = c.pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: m.Candidate, SDPMid: m.SDPMid, SDPMLineIndex: m.SDPMLineIndex})
			}
		default:
			c.msgs <- b
		}
	}
}

// answer answers an offer; a publisher attaches its track to the offered
// video transceiver the first time.
func (c *pionClient) answer(sdp string) {
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		c.errorf("set offer: %v", err)
		return
	}
	if c.pub != nil && len(c.pc.GetSenders()) == 0 {
		sender, err := c.pc.AddTrack(c.pub)
		if err != nil {
			c.errorf("add track: %v", err)
			return
		}
		c.goLoop(func() { c.readPLIs(sender) })
	}
	ans, err := c.pc.CreateAnswer(nil)
	if err == nil {
		err = c.pc.SetLocalDescription(ans)
	}
	if err != nil {
		c.errorf("answer: %v", err)
		return
	}
	c.send(&signal.Answer{SDP: ans.SDP})
	select {
	case c.offers <- sdp:
	default:
	}
}

// errorf fails the test unless the client is being closed (a test that
// ended while an offer was in flight).
func (c *pionClient) errorf(format string, args ...any) {
	select {
	case <-c.done:
	default:
		c.t.Errorf(format, args...)
	}
}

func (c *pionClient) readPLIs(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			if _, ok := p.(*rtcp.PictureLossIndication); ok {
				select {
				case c.plis <- struct{}{}:
				default:
				}
			}
		}
	}
}

func (c *pionClient) heartbeatLoop() {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-tick.C:
			c.send(&signal.Heartbeat{})
		}
	}
}

// doJoin sends join (with a resume proof when resume is set) and waits
// for joined.
func (c *pionClient) doJoin(j signal.Join, resume *pionClient) *signal.Joined {
	c.t.Helper()
	if resume != nil {
		claim := signal.ResumeClaim{AppID: j.AppID, Channel: j.Channel, UID: j.UID, Session: resume.joined.Session, Nonce: c.hello.Nonce}
		j.Resume = &signal.Resume{Session: resume.joined.Session, Proof: claim.Proof(resume.joined.ResumeSecret)}
	}
	c.join = j
	c.send(&j)
	m := c.nextMsg()
	joined, ok := m.(*signal.Joined)
	if !ok {
		c.t.Fatalf("join: got %+v", m)
	}
	c.joined = joined
	return joined
}

func (c *pionClient) nextMsg() signal.Body {
	c.t.Helper()
	select {
	case m := <-c.msgs:
		return m
	case <-time.After(waitLimit):
		c.t.Fatal("no message from the server")
		return nil
	}
}

func (c *pionClient) waitConnected() {
	c.t.Helper()
	select {
	case <-c.connected:
	case <-time.After(waitLimit):
		c.t.Fatal("PeerConnection not connected")
	}
}

// close ends the client without leave (a kill). The PeerConnection is
// closed after the read loop ends: pion creates an ICE agent on demand, and
// one created by an answer after Close would never be closed.
func (c *pionClient) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
		<-c.readDone
		_ = c.pc.GracefulClose()
	})
	c.wg.Wait()
}

// publishLoop writes one synthetic VP8 packet every 10 ms from seq and ts
// until stop is closed.
func (c *pionClient) publishLoop(seq uint16, ts uint32, stop <-chan struct{}) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	payload := []byte{0x10, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq + uint16(i),
			Timestamp: ts + uint32(i)*900, Marker: true}, Payload: payload}
		_ = c.pub.WriteRTP(p)
	}
}
