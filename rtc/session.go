package rtc

import (
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edge-agent/edge-agent/rtc/media"
	"github.com/pion/webrtc/v4"
)

// stopTimeout bounds Stop: a leave that cannot be written in this time
// (the network is gone) is abandoned; the peers will learn of the silence.
// A leave over a new connection (dial, hello, resume, leave) takes
// milliseconds on a LAN but can take over a second on a slow link or a
// loaded kiosk, and peers hearing QUIT at once is worth the wait; 2.5 s
// stays inside the daemon's 3 s leave budget and systemd's TimeoutStopSec.
const stopTimeout = 2500 * time.Millisecond

// Session is one uid's presence in a channel, as the agent sees it: the
// signalling connection, the PeerConnection, the published and received
// media, and the resume state. Its methods may be called from any goroutine.
type Session struct {
	cfg      Config
	url      string
	log      *slog.Logger
	api      *webrtc.API
	src      media.Source    // nil: publishes nothing
	sink     [2]*net.UDPConn // video, audio; nil: received media goes nowhere
	recv     *receiver
	q        *queue
	lastData atomic.Int64 // Unix nanoseconds of the last data from the server
	wg       sync.WaitGroup
	done     chan struct{} // closed when the loop has ended
	close    sync.Once
	st       loopState // owned by the loop goroutine
}

// New returns a session that has not joined yet, with its loop running and
// its media source (if any) ready. Close releases it.
func New(cfg Config) (*Session, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("rtc config: %w", err)
	}
	c := cfg.withDefaults()
	u, _ := signalURL(c.Server) // validate checked it.
	s := &Session{cfg: c, url: u, log: c.Logger, q: newQueue(), done: make(chan struct{})}
	s.recv = newReceiver(s)
	s.st.init()
	if err := s.openMedia(); err != nil {
		return nil, err
	}
	api, err := s.newAPI()
	if err != nil {
		s.closeMedia()
		return nil, err
	}
	s.api = api
	go s.run()
	return s, nil
}

// Join starts a join of channel as uid with token. Unless fresh, it resumes
// the session that the state directory holds for this server, app, channel
// and uid; a resume the server rejects, or answers with a fresh session, is
// still a success (Joined with Resumed false). A join while joined replaces
// the current session's transport. The outcome is reported.
func (s *Session) Join(channel string, uid uint32, token string, fresh bool) {
	s.q.push(func() { s.join(channel, uid, token, fresh) })
}

// Reconnect makes one recovery attempt. With iceRestart it asks the server
// for an ICE restart over the live signalling connection (or resumes over a
// new one if that is gone); otherwise it resumes the session over a new
// signalling connection and a new PeerConnection. Attempt (from 0 within an
// outage) is logged. The outcome is reported.
func (s *Session) Reconnect(attempt int, iceRestart bool) {
	s.q.push(func() { s.reconnect(attempt, iceRestart) })
}

// Stop ends the session's transport and any attempt (which then reports
// nothing), and returns when done or after about a second. With leave, the
// server is told (peers see QUIT at once; if the signalling connection is
// gone, the session is resumed on a new one just to leave) and the resume
// state is deleted;
// without, the resume state is kept so that a new process resumes the
// session without the peers noticing.
func (s *Session) Stop(leave bool) {
	done := make(chan struct{})
	s.q.push(func() { s.stop(leave); close(done) })
	t := time.NewTimer(stopTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-s.done:
	case <-t.C:
		s.log.Warn("stop: still closing after the time limit", "limit", stopTimeout)
	}
}

// RenewToken gives the session a new token: it is sent to the server now if
// joined (TokenAccepted reports its acceptance), and used by later attempts.
func (s *Session) RenewToken(token string) {
	s.q.push(func() { s.renewToken(token) })
}

// LastData returns the time of the last data from the server: a WebSocket
// message (heartbeats included) or an RTP or RTCP packet. It is the zero
// time before any.
func (s *Session) LastData() time.Time {
	n := s.lastData.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// touch records data from the server now. It is called per packet: one
// clock read and one atomic store, no allocation.
func (s *Session) touch() { s.lastData.Store(time.Now().UnixNano()) }

// Sent returns what the session's media source sent so far (zero when it
// publishes nothing).
func (s *Session) Sent() media.SendStats {
	if s.src == nil {
		return media.SendStats{}
	}
	return s.src.Stats()
}

// Close ends the session like Stop(false), keeping the resume state, and
// releases everything: it returns when every goroutine it started has
// ended. Later calls do nothing; other methods do nothing after it.
func (s *Session) Close() error {
	s.close.Do(func() {
		s.q.push(func() { s.stop(false); s.st.quit = true })
		<-s.done
		s.q.close()
		s.wg.Wait()
		s.closeMedia()
	})
	return nil
}

// openMedia starts the media source and opens the sink.
func (s *Session) openMedia() error {
	m, _ := parseMedia(s.cfg.Media) // validate checked it.
	var err error
	switch m.kind {
	case MediaTest:
		var clip *media.Clip
		if clip, err = media.TestClip(); err == nil {
			s.src, err = media.NewClipSource(clip)
		}
	case "rtp":
		s.src, err = media.ListenRTP(m.addr, s.log)
	}
	if err != nil {
		return fmt.Errorf("rtc media: %w", err)
	}
	if s.cfg.Sink == "" {
		return nil
	}
	for i := range s.sink {
		if s.sink[i], err = dialSink(s.cfg.Sink, 2*i); err != nil {
			s.closeMedia()
			return err
		}
	}
	return nil
}

// closeMedia stops the source and closes the sink.
func (s *Session) closeMedia() {
	if s.src != nil {
		if err := s.src.Close(); err != nil {
			s.log.Warn("media source: close", "err", err)
		}
	}
	for _, c := range s.sink {
		if c != nil {
			c.Close()
		}
	}
}

// dialSink opens a UDP socket that forwards received RTP to sink, its
// port moved up by offset.
func dialSink(sink string, offset int) (*net.UDPConn, error) {
	addr, _ := parseRTPURL(sink) // validate checked it.
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("rtc sink %s: %w", addr, err)
	}
	ua.Port += offset
	if ua.Port > 65535 {
		return nil, fmt.Errorf("rtc sink %s: port %d+%d is too high", addr, ua.Port-offset, offset)
	}
	c, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		return nil, fmt.Errorf("rtc sink: %w", err)
	}
	return c, nil
}
