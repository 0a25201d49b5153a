#!/usr/bin/env bash
# Regenerates the small audio fixtures under libs/icy/test/fixtures/ from synthetic
# sources (a sine tone mixed with quiet pink noise), so no recorded audio is committed.
# The expected frame counts in libs/icy/test/*.test.ts were computed from these files;
# after regenerating, rerun the tests and update those counts if the encoders changed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/libs/icy/test/fixtures"
mkdir -p "$out"

if ! command -v ffmpeg >/dev/null; then
  echo "ffmpeg is missing: apt-get install -y ffmpeg" >&2
  exit 1
fi

# Every output is bit-exact (no encoder version strings) so reruns give the same bytes
# on the same ffmpeg build.
ff=(ffmpeg -hide_banner -loglevel error -y -fflags +bitexact)

# src RATE SECONDS FREQ: inputs plus the filter that mixes tone and noise at RATE.
src() {
  local rate=$1 secs=$2 freq=$3
  echo "-f lavfi -i sine=frequency=${freq}:sample_rate=${rate}:duration=${secs}" \
    "-f lavfi -i anoisesrc=color=pink:amplitude=0.03:sample_rate=${rate}:duration=${secs}:seed=7" \
    "-filter_complex amix=inputs=2:duration=shortest:normalize=0"
}

# MP3: several MPEG versions, bitrates and channel counts. Streams carry no Xing frame
# (a live source never sends one); one file keeps an ID3v2 tag in front.
# shellcheck disable=SC2046
"${ff[@]}" $(src 22050 2 440) -ac 1 -c:a libmp3lame -b:a 32k -id3v2_version 0 -write_xing 0 \
  -f mp3 "$out/mp3-32k-22050-mono.mp3"
# shellcheck disable=SC2046
"${ff[@]}" $(src 44100 2 523) -ac 2 -c:a libmp3lame -b:a 128k -id3v2_version 0 -write_xing 0 \
  -f mp3 "$out/mp3-128k-44100-stereo.mp3"
# shellcheck disable=SC2046
"${ff[@]}" $(src 48000 1 659) -ac 2 -c:a libmp3lame -b:a 320k -id3v2_version 0 -write_xing 0 \
  -f mp3 "$out/mp3-320k-48000-stereo.mp3"
# shellcheck disable=SC2046
"${ff[@]}" $(src 44100 2 392) -ac 2 -c:a libmp3lame -q:a 5 -id3v2_version 0 -write_xing 0 \
  -f mp3 "$out/mp3-vbr-44100.mp3"
# MPEG-2.5 (11025 Hz) at 8 kbit/s, mono.
# shellcheck disable=SC2046
"${ff[@]}" $(src 11025 2 330) -ac 1 -c:a libmp3lame -b:a 8k -id3v2_version 0 -write_xing 0 \
  -f mp3 "$out/mp3-8k-11025-mono.mp3"
# An ID3v2.3 tag in front of the first frame, as files played out by some sources carry.
# shellcheck disable=SC2046
"${ff[@]}" $(src 44100 1 440) -ac 2 -c:a libmp3lame -b:a 64k -id3v2_version 3 -write_xing 0 \
  -metadata title="Fixture Title" -metadata artist="Fixture Artist" \
  -f mp3 "$out/mp3-64k-44100-id3.mp3"
# MPEG-1 layer II.
# shellcheck disable=SC2046
"${ff[@]}" $(src 48000 1 440) -ac 2 -c:a mp2 -b:a 128k -f mp2 "$out/mp2-128k-48000.mp2"

# AAC in ADTS at two sample rates.
# shellcheck disable=SC2046
"${ff[@]}" $(src 44100 2 440) -ac 2 -c:a aac -b:a 64k -f adts "$out/aac-64k-44100.aac"
# shellcheck disable=SC2046
"${ff[@]}" $(src 22050 2 440) -ac 1 -c:a aac -b:a 24k -f adts "$out/aac-24k-22050-mono.aac"

# Ogg Vorbis, Ogg Opus and Ogg FLAC. Short pages make "a page from the middle" common.
# shellcheck disable=SC2046
"${ff[@]}" $(src 44100 2 440) -ac 2 -c:a libvorbis -q:a 0 -page_duration 250000 \
  -metadata TITLE="Vorbis Tone" -metadata ARTIST="PenguinCast" -f ogg "$out/vorbis.ogg"
# shellcheck disable=SC2046
"${ff[@]}" $(src 48000 2 440) -ac 2 -c:a libopus -b:a 24k -page_duration 250000 \
  -metadata TITLE="Opus Tone" -metadata ARTIST="PenguinCast" -f ogg "$out/opus.opus"
# shellcheck disable=SC2046
"${ff[@]}" $(src 8000 1 440) -ac 1 -sample_fmt s16 -c:a flac -page_duration 250000 \
  -metadata TITLE="Ogg FLAC Tone" -f ogg "$out/flac.oga"

# Native FLAC.
# shellcheck disable=SC2046
"${ff[@]}" $(src 8000 2 440) -ac 1 -sample_fmt s16 -c:a flac -metadata TITLE="FLAC Tone" \
  -f flac "$out/native.flac"

# A chained Ogg: two Vorbis streams (different serial numbers and titles) back to back,
# as a source that restarts its encoder between tracks sends them.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
"${ff[@]}" $(src 22050 1 440) -ac 1 -c:a libvorbis -q:a 0 -serial_offset 100 \
  -metadata TITLE="First Song" -metadata ARTIST="Artist One" -f ogg "$tmp/a.ogg"
# shellcheck disable=SC2046
"${ff[@]}" $(src 22050 1 660) -ac 1 -c:a libvorbis -q:a 0 -serial_offset 200 \
  -metadata TITLE="Second Song" -f ogg "$tmp/b.ogg"
cat "$tmp/a.ogg" "$tmp/b.ogg" >"$out/chained.ogg"

ls -l "$out"
du -sh "$out"
