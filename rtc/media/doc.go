// Package media holds what an agent publishes: the built-in test clip
// (clip.ivf, made by gen.sh) looped at its frame rate, and VP8 RTP received
// from a local encoder over UDP; both feed a pion track and start each new
// PeerConnection, and answer each keyframe request, with a keyframe where
// they can. It also tells VP8 keyframes apart, in frames and in RTP
// payloads.
package media
