package rtc

import (
	"slices"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"
)

// TestRegisterCodecs_AnswersWithTheDocumentedPayloadTypes: to an offer of
// pion's default codecs (what the server offers), the agent's codecs
// answer VP8 96 with its RTX 97 and Opus 111 (README.md, "Media in"), and
// nothing else.
func TestRegisterCodecs_AnswersWithTheDocumentedPayloadTypes(t *testing.T) {
	offerer := &webrtc.MediaEngine{}
	if err := offerer.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	answerer := &webrtc.MediaEngine{}
	if err := registerCodecs(answerer); err != nil {
		t.Fatal(err)
	}
	answer := negotiate(t, webrtc.NewAPI(webrtc.WithMediaEngine(offerer)), webrtc.NewAPI(webrtc.WithMediaEngine(answerer)))
	var got []string
	for line := range strings.SplitSeq(answer, "\r\n") {
		if rest, ok := strings.CutPrefix(line, "a=rtpmap:"); ok {
			got = append(got, rest)
		}
	}
	want := []string{"111 opus/48000/2", "96 VP8/90000", "97 rtx/90000"}
	if !slices.Equal(got, want) {
		t.Fatalf("answer's codecs %q, want %q", got, want)
	}
}

// negotiate returns the answer of b's PeerConnection to an offer of a's
// with one audio and one video m-line.
func negotiate(t *testing.T, a, b *webrtc.API) string {
	t.Helper()
	pcs := make([]*webrtc.PeerConnection, 2)
	for i, api := range []*webrtc.API{a, b} {
		pc, err := api.NewPeerConnection(webrtc.Configuration{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		pcs[i] = pc
	}
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err := pcs[0].AddTransceiverFromKind(kind); err != nil {
			t.Fatal(err)
		}
	}
	offer, err := pcs[0].CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := pcs[1].SetRemoteDescription(offer); err != nil {
		t.Fatal(err)
	}
	answer, err := pcs[1].CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	return answer.SDP
}
