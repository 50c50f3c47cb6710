// Video and audio through Debian's FFmpeg command-line tools (ffprobe, ffmpeg), run as child
// processes with a deadline, on files in a private work folder: what a file holds (size, frame
// rate, duration, bit rate, audio codec), a copy with every metadata tag (GPS positions, device,
// dates) and chapters dropped (streams copied, not re-encoded), the first frame as PNG for the
// preview, and animated GIFs converted to H.264 MP4 (Mastodon's gifv).
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace herd::media {

// What ffprobe reports about a file (zero/empty when the file has no such stream).
struct AvInfo {
  bool has_video = false;
  bool has_audio = false;
  int width = 0, height = 0;
  std::string frame_rate;  // "30/1"
  double duration = 0;     // seconds
  std::int64_t bitrate = 0;
  std::string audio_codec;     // "aac", "mp3", "opus"...
  int audio_sample_rate = 0;   // Hz
  std::string audio_channels;  // "mono", "stereo"...
};

// ffprobe of `file`; 422 "Validation failed: File could not be processed" when it is no media
// file FFmpeg can read or holds neither video nor audio.
AvInfo probe_av(const std::filesystem::path& file);

// Copies `in` to `out` (container `format`: "mp4", "mov", "webm", "mp3", "ogg", "wav", "flac",
// "ipod") keeping only the video and audio streams (`audio_only`: audio), with the global and
// per-stream metadata and the chapters dropped. 422 when FFmpeg cannot.
void strip_av_metadata(const std::filesystem::path& in, const std::filesystem::path& out,
                       const std::string& format, bool audio_only);

// The first video frame as PNG bytes, scaled to fit 640×640 (Mastodon's video `small`).
std::string first_frame_png(const std::filesystem::path& in);

// An animated GIF as a silent H.264 MP4 (yuv420p, even dimensions, fast start).
void gif_to_mp4(const std::filesystem::path& in, const std::filesystem::path& out);

// "0:01:28.65": Mastodon's `length`.
std::string format_length(double seconds);

struct ToolResult {
  int status = -1;  // exit status, 128+signal, or -1 when killed at the deadline
  std::string out;  // stdout (capped at 4 MiB)
  std::string err;  // the end of stderr (capped at 4 KiB)
};
// Runs argv (argv[0] searched in PATH) with stdin from /dev/null; killed at the deadline.
ToolResult run_tool(const std::vector<std::string>& argv, std::chrono::seconds deadline);

}  // namespace herd::media
