package server

import (
	"fmt"
	"log/slog"
	"net"
	"slices"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// newWebRTCAPI builds the pion API shared by every PeerConnection: default
// codecs and interceptors (NACK, RTCP reports, TWCC), and the ICE settings.
func newWebRTCAPI(o ICEOptions, log *slog.Logger) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("register codecs: %w", err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		return nil, fmt.Errorf("register interceptors: %w", err)
	}
	se, err := settingEngine(o, log)
	if err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir),
		webrtc.WithSettingEngine(se)), nil
}

func settingEngine(o ICEOptions, log *slog.Logger) (webrtc.SettingEngine, error) {
	se := webrtc.SettingEngine{LoggerFactory: pionLoggerFactory{log: log.With("component", "pion")}}
	if o.UDPPortMin != 0 || o.UDPPortMax != 0 {
		if err := se.SetEphemeralUDPPortRange(o.UDPPortMin, o.UDPPortMax); err != nil {
			return se, fmt.Errorf("udp ports %d-%d: %w", o.UDPPortMin, o.UDPPortMax, err)
		}
	}
	if len(o.PublicIPs) > 0 {
		for _, ip := range o.PublicIPs {
			if net.ParseIP(ip) == nil {
				return se, fmt.Errorf("public ip %q: not an IP address", ip)
			}
		}
		rule := webrtc.ICEAddressRewriteRule{External: o.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost,
			Mode: webrtc.ICEAddressRewriteReplace}
		if err := se.SetICEAddressRewriteRules(rule); err != nil {
			return se, fmt.Errorf("public ip: %w", err)
		}
	}
	se.SetIncludeLoopbackCandidate(o.Loopback)
	// The DTLS cookie exchange (HelloVerifyRequest) makes a client prove
	// that it receives at its source address before the server answers
	// with its certificate, so that a spoofed hello cannot aim that answer
	// at someone else. ICE does this already: pion passes DTLS on only from
	// the address of one of the session's remote candidates (signalled on
	// its WebSocket, or learnt from a check signed with its ICE password).
	// The exchange would only add a round trip to every join, resume and
	// ICE restart.
	se.SetDTLSInsecureSkipHelloVerify(true)
	// mDNS hides host addresses behind .local names for browsers' privacy;
	// a server wants to be found, and it would need a multicast socket.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	if len(o.Interfaces) > 0 {
		se.SetInterfaceFilter(func(name string) bool { return slices.Contains(o.Interfaces, name) })
	}
	return se, nil
}
