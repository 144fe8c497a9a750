package media

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// maxDatagram is the largest UDP datagram RTPSource reads; an encoder
// configured for a 1200-byte payload (see the README) stays far below it.
const maxDatagram = 1500

// RTPSource forwards VP8 RTP that a local encoder sends to a UDP address
// (any payload type: it is rewritten to the negotiated one, and so are the
// SSRC and the sequence numbers, which stay continuous over the packets
// dropped while not live). After going live it drops packets until the
// encoder's next keyframe, so the encoder must send one regularly (ffmpeg
// -g 30, GStreamer keyframe-max-dist=30: every second at 30 fps). It
// cannot make the encoder send one sooner, so keyframe requests are only
// counted.
type RTPSource struct {
	conn *net.UDPConn
	log  *slog.Logger
	gate gate
	out  sender
	done chan struct{}
}

// ListenRTP listens on addr (HOST:PORT) for RTP from a local encoder.
func ListenRTP(addr string, log *slog.Logger) (*RTPSource, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("rtp source %s: %w", addr, err)
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, fmt.Errorf("rtp source: %w", err)
	}
	track, err := newVideoTrack()
	if err != nil {
		conn.Close()
		return nil, err
	}
	s := &RTPSource{conn: conn, log: log, out: sender{track: track}, done: make(chan struct{})}
	go s.run()
	return s, nil
}

// Addr is the UDP address the source listens on.
func (s *RTPSource) Addr() net.Addr { return s.conn.LocalAddr() }

// Track implements Source.
func (s *RTPSource) Track() webrtc.TrackLocal { return s.out.track }

// SetLive implements Source.
func (s *RTPSource) SetLive(live bool) { s.gate.setLive(live) }

// RequestKeyframe implements Source. The encoder cannot be asked, so the
// request is only logged.
func (s *RTPSource) RequestKeyframe() {
	s.log.Debug("keyframe requested; the encoder sends one on its own schedule")
}

// Stats implements Source.
func (s *RTPSource) Stats() SendStats { return s.out.stats() }

// Close implements Source.
func (s *RTPSource) Close() error {
	err := s.conn.Close()
	<-s.done
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("rtp source: close: %w", err)
	}
	return nil
}

// run reads datagrams until the socket is closed.
func (s *RTPSource) run() {
	defer close(s.done)
	buf := make([]byte, maxDatagram)
	var p rtp.Packet
	var lastBad time.Time
	for {
		n, err := s.conn.Read(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err == nil {
			err = p.Unmarshal(buf[:n])
		}
		if err != nil {
			if time.Since(lastBad) > time.Minute { // Rate-limited: a stray sender must not flood the log.
				s.log.Warn("rtp source: dropped a datagram", "err", err)
				lastBad = time.Now()
			}
			continue
		}
		s.forward(&p)
	}
}

// forward sends p if live and, after going live, from a keyframe on.
func (s *RTPSource) forward(p *rtp.Packet) {
	live, wantKey := s.gate.state()
	if !live {
		return
	}
	start, key := ParsePayload(p.Payload)
	if wantKey && !key {
		return
	}
	if key {
		s.gate.keySent(time.Now())
	}
	p.Header.Extension, p.Header.Extensions = false, nil // The encoder's ids mean nothing here.
	s.out.send(p)
	if start {
		s.out.frameSent(key)
	}
}
