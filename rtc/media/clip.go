package media

import (
	"bytes"
	_ "embed" // The test clip is built into the binary.
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

// clipIVF is the test clip: see gen.sh for what it is and how it was made.
//
//go:embed clip.ivf
var clipIVF []byte

// Clip is a VP8 clip held in memory, ready to be looped.
type Clip struct {
	// Frames are the clip's frames in order.
	Frames [][]byte
	// Period is the time between two frames.
	Period time.Duration
	// next[i] is the index of the first keyframe at or after frame i,
	// wrapping around to the start.
	next []int
}

// TestClip returns the built-in test clip.
func TestClip() (*Clip, error) { return ParseIVF(clipIVF) }

// ParseIVF reads a VP8 clip from an IVF file. The clip must hold at least
// one keyframe, and its frames must be evenly spaced (the time base is the
// frame period, as ffmpeg writes it for a constant frame rate). The frames
// are slices of data, not copies: for the embedded clip that saves a
// megabyte of heap on a device that counts its megabytes.
func ParseIVF(data []byte) (*Clip, error) {
	_, hdr, err := ivfreader.NewWith(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parse ivf: %w", err)
	}
	if string(hdr.FourCC[:]) != "VP80" {
		return nil, fmt.Errorf("parse ivf: codec %q, want VP80", hdr.FourCC[:])
	}
	if hdr.TimebaseNumerator == 0 || hdr.TimebaseDenominator == 0 {
		return nil, errors.New("parse ivf: zero time base")
	}
	c := &Clip{Period: time.Second * time.Duration(hdr.TimebaseNumerator) / time.Duration(hdr.TimebaseDenominator)}
	hsize := int(binary.LittleEndian.Uint16(data[6:])) // NewWith read the 32 bytes.
	if hsize < ivfHeaderSize || hsize > len(data) {
		return nil, fmt.Errorf("parse ivf: header size %d", hsize)
	}
	if c.Frames, err = ivfFrames(data[hsize:]); err != nil {
		return nil, err
	}
	return c, c.index()
}

// IVF layout: a file header (32 bytes, its size at offset 6), then frames, each a 12-byte header
// (little-endian uint32 size, uint64 timestamp) and the frame's bytes.
const ivfHeaderSize, ivfFrameHeaderSize = 32, 12

// ivfFrames splits the frames of an IVF file's body without copying them.
func ivfFrames(body []byte) ([][]byte, error) {
	var frames [][]byte
	for len(body) > 0 {
		if len(body) < ivfFrameHeaderSize {
			return nil, fmt.Errorf("parse ivf: frame %d: truncated header", len(frames))
		}
		size := int(binary.LittleEndian.Uint32(body))
		body = body[ivfFrameHeaderSize:]
		if size > len(body) {
			return nil, fmt.Errorf("parse ivf: frame %d: %d bytes, %d left", len(frames), size, len(body))
		}
		frames = append(frames, body[:size:size])
		body = body[size:]
	}
	return frames, nil
}

// index fills next; it fails if the clip holds no keyframe.
func (c *Clip) index() error {
	n := len(c.Frames)
	c.next = make([]int, n)
	key := -1
	for i := 2*n - 1; i >= 0; i-- { // Twice round, so that the tail wraps.
		if IsKeyframe(c.Frames[i%n]) {
			key = i % n
		}
		c.next[i%n] = key
	}
	if key < 0 {
		return errors.New("parse ivf: no keyframe")
	}
	return nil
}

// NextKeyframe returns the index of the first keyframe at or after frame
// i, wrapping around to the start of the clip.
func (c *Clip) NextKeyframe(i int) int { return c.next[i%len(c.next)] }
