package rtc

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/media"
	"github.com/edge-agent/edge-agent/rtc/server"
	"github.com/pion/rtp"
)

// TestSession_SinkGetsTheMedia: received video goes to the sink as RTP.
func TestSession_SinkGetsTheMedia(t *testing.T) {
	srv := startServer(t, server.Options{})
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	b := newClient(t, srv, 2, MediaNone, func(c *Config) { c.Sink = fmt.Sprintf("rtp://%s", sink.LocalAddr()) })
	a := newClient(t, srv, 1, MediaTest, nil)
	b.joined(t, "lobby", true)
	a.joined(t, "lobby", true)
	_ = sink.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 1500)
	for keyframes := 0; keyframes == 0; {
		n, err := sink.Read(buf)
		if err != nil {
			t.Fatalf("sink: %v", err)
		}
		var p rtp.Packet
		if err := p.Unmarshal(buf[:n]); err != nil {
			t.Fatalf("sink got a packet that is not RTP: %v", err)
		}
		if _, key := media.ParsePayload(p.Payload); key {
			keyframes++
		}
	}
}

// ffmpegFeed is the command README.md documents for --media rtp://.
func ffmpegFeed(ctx context.Context, addr string) *exec.Cmd {
	return exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
		"-c:v", "libvpx", "-b:v", "2M", "-deadline", "realtime", "-cpu-used", "8",
		"-g", "30", "-keyint_min", "30", "-auto-alt-ref", "0", "-lag-in-frames", "0",
		"-an", "-f", "rtp", "-payload_type", "96", "-pkt_size", "1200", "rtp://"+addr)
}

// gstFeed is the GStreamer pipeline README.md documents, with a test
// pattern.
func gstFeed(ctx context.Context, addr string) *exec.Cmd {
	host, port, _ := net.SplitHostPort(addr)
	return exec.CommandContext(ctx, "gst-launch-1.0", "-q", "videotestsrc", "is-live=true",
		"!", "videoconvert", "!", "videoscale", "!", "video/x-raw,width=640,height=360",
		"!", "vp8enc", "deadline=1", "cpu-used=8", "target-bitrate=2000000", "keyframe-max-dist=30",
		"!", "rtpvp8pay", "pt=96", "mtu=1200", "!", "udpsink", "host="+host, "port="+port)
}

// TestSession_PublishesRTPFromEncoders: the documented ffmpeg command and
// GStreamer pipeline feed --media rtp://; the peer receives keyframes.
// Each is skipped when its tool is not installed (Debian packages ffmpeg;
// gstreamer1.0-tools and gstreamer1.0-plugins-good), and fails instead under
// EDGE_REQUIRE_SYSTEM_TESTS=1 (make test installs them).
func TestSession_PublishesRTPFromEncoders(t *testing.T) {
	for name, feed := range map[string]func(context.Context, string) *exec.Cmd{"ffmpeg": ffmpegFeed, "gst-launch-1.0": gstFeed} {
		t.Run(name, func(t *testing.T) {
			if _, err := exec.LookPath(name); err != nil {
				if os.Getenv("EDGE_REQUIRE_SYSTEM_TESTS") == "1" {
					t.Fatalf("%s is not installed (EDGE_REQUIRE_SYSTEM_TESTS=1)", name)
				}
				t.Skipf("%s is not installed", name)
			}
			publishFrom(t, feed)
		})
	}
}

// publishFrom publishes what feed sends and checks that a peer gets it.
func publishFrom(t *testing.T, feed func(context.Context, string) *exec.Cmd) {
	srv := startServer(t, server.Options{})
	probe, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}) // Find a free port.
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.LocalAddr().String()
	probe.Close()
	a := newClient(t, srv, 1, "rtp://"+addr, nil)
	b := newClient(t, srv, 2, MediaNone, nil)
	a.joined(t, "lobby", true)
	b.joined(t, "lobby", true)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := feed(ctx, addr)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("encoder's stderr:\n%s", stderr.String())
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	eventually(t, "b receives the encoder's video", func() bool { v := videoOf(b, 1); return v.Keyframes > 0 && v.Frames > 10 })
}
