package rtc

import "github.com/pion/interceptor"

// lastDataFactory makes, for each PeerConnection, the interceptor that
// records every RTP and RTCP packet read from the server as data from the
// server (Session.LastData).
type lastDataFactory struct{ touch func() }

// NewInterceptor implements interceptor.Factory.
func (f lastDataFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &lastData{touch: f.touch}, nil
}

// lastData wraps the readers of incoming RTP and RTCP; it changes nothing.
type lastData struct {
	interceptor.NoOp
	touch func()
}

// BindRTCPReader implements interceptor.Interceptor.
func (l *lastData) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(b, a)
		if err == nil {
			l.touch()
		}
		return n, a, err
	})
}

// BindRemoteStream implements interceptor.Interceptor.
func (l *lastData) BindRemoteStream(_ *interceptor.StreamInfo, r interceptor.RTPReader) interceptor.RTPReader {
	return interceptor.RTPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(b, a)
		if err == nil {
			l.touch()
		}
		return n, a, err
	})
}
