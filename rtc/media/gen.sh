#!/bin/sh
# Regenerates clip.ivf, the test clip that `--media test` publishes (see
# clip.go). Needs ffmpeg (Debian: apt-get install -y ffmpeg); the tests do not.
#
# What it makes: 4 s of VP8 in IVF, 640x360 at 30 fps, ~1.9 Mbit/s
# (constant-bitrate libvpx), a keyframe every 30 frames (1 s): ffmpeg's
# built-in moving test pattern (testsrc2, with a frame counter) plus
# temporal noise so that the encoder has real work to do, as a camera's
# picture would give it. Deterministic inputs; libvpx output may differ by
# version, so the committed file is the reference.
set -eu
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "testsrc2=size=640x360:rate=30:duration=4,noise=alls=12:allf=t" \
	-c:v libvpx -b:v 2M -minrate 2M -maxrate 2M -bufsize 1M \
	-g 30 -keyint_min 30 -auto-alt-ref 0 -lag-in-frames 0 -deadline good -cpu-used 4 \
	-pix_fmt yuv420p -f ivf clip.ivf
ls -l clip.ivf
