package rtc

import (
	"fmt"
	"slices"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/webrtc/v4"
)

// nackHistory is how many sent packets the NACK responder keeps for
// retransmission: 256 packets are about 1.2 s of the 2 Mbps test clip, more
// than a retransmission round trip on any network the agent can still use,
// and a quarter of pion's default 1024 (which costs 1.5 MB of a kiosk's
// memory for history that is never asked for).
const nackHistory = 256

// iceKeepalive is how often ICE checks an idle path. The server answers
// each check, so this also bounds the silence on a path that carries no
// media, well below the disconnected timeout.
const iceKeepalive = time.Second

// newAPI builds the pion API every PeerConnection of the session comes
// from: the agent's codecs (codecs.go), the default interceptors (NACK,
// RTCP reports, TWCC), the interceptor that keeps LastData, and the ICE
// settings.
func (s *Session) newAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := registerCodecs(m); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	logs := pionLoggers{s.log}
	if err := webrtc.RegisterDefaultInterceptorsWithOptions(m, ir, webrtc.WithInterceptorLoggerFactory(logs),
		webrtc.WithNackResponderOptions(nack.ResponderSize(nackHistory))); err != nil {
		return nil, fmt.Errorf("rtc interceptors: %w", err)
	}
	ir.Add(lastDataFactory{touch: s.touch})
	se, err := s.settingEngine()
	if err != nil {
		return nil, err
	}
	se.LoggerFactory = logs
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// settingEngine applies Config.ICE.
func (s *Session) settingEngine() (webrtc.SettingEngine, error) {
	c := s.cfg.ICE
	var se webrtc.SettingEngine
	se.SetICETimeouts(c.DisconnectedTimeout, c.FailedTimeout, iceKeepalive)
	se.SetIncludeLoopbackCandidate(c.Loopback)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	if len(c.Interfaces) > 0 {
		ifs := slices.Clone(c.Interfaces)
		se.SetInterfaceFilter(func(name string) bool { return slices.Contains(ifs, name) })
	}
	if c.UDPPortMax != 0 {
		if err := se.SetEphemeralUDPPortRange(c.UDPPortMin, c.UDPPortMax); err != nil {
			return se, fmt.Errorf("rtc udp ports: %w", err)
		}
	}
	return se, nil
}
