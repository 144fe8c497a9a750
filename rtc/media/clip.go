package media

import (
	"bytes"
	_ "embed" // The test clip is built into the binary.
	"errors"
	"fmt"
	"io"
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
// frame period, as ffmpeg writes it for a constant frame rate).
func ParseIVF(data []byte) (*Clip, error) {
	r, hdr, err := ivfreader.NewWith(bytes.NewReader(data))
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
	for {
		frame, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse ivf: frame %d: %w", len(c.Frames), err)
		}
		c.Frames = append(c.Frames, frame)
	}
	return c, c.index()
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
