#include "media/av.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "core/error.hpp"
#include "core/log.hpp"

extern char** environ;

namespace herd::media {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxStdout = 4u << 20;
constexpr std::size_t kMaxStderr = 4096;
constexpr auto kProbeDeadline = std::chrono::seconds(30);
constexpr auto kConvertDeadline = std::chrono::seconds(300);

[[noreturn]] void unprocessable(std::string_view step, const ToolResult& result) {
  log::info("media: {} failed (status {}): {}", step, result.status, result.err);
  fail(ErrorKind::validation, "Validation failed: File could not be processed");
}

std::string string_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

double number_of(const json::object& o, std::string_view key) {
  std::string text = string_of(o, key);
  if (text.empty()) {
    auto* v = o.if_contains(key);
    if (v && v->is_number()) return v->to_number<double>();
    return 0;
  }
  try {
    double value = std::stod(text);
    return std::isfinite(value) ? value : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

ToolResult run_tool(const std::vector<std::string>& argv, std::chrono::seconds deadline) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error(argv[0] + " could not start: " + std::strerror(rc));
  }
  ToolResult result;
  auto until = std::chrono::steady_clock::now() + deadline;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  bool killed = false;
  char buffer[65536];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    int ready = ::poll(fds, 2, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      std::string& sink = i == 0 ? result.out : result.err;
      sink.append(buffer, static_cast<std::size_t>(n));
      if (i == 1 && sink.size() > kMaxStderr) sink.erase(0, sink.size() - kMaxStderr);
      if (i == 0 && sink.size() > kMaxStdout) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
    }
    if (killed) break;
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) ::close(fd.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed)
    result.status = -1;
  else if (WIFEXITED(status))
    result.status = WEXITSTATUS(status);
  else
    result.status = 128 + WTERMSIG(status);
  return result;
}

AvInfo probe_av(const fs::path& file) {
  ToolResult result = run_tool({"ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                                "-show_streams", file.string()},
                               kProbeDeadline);
  if (result.status != 0) unprocessable("ffprobe", result);
  AvInfo info;
  try {
    json::object root = json::parse(result.out).as_object();
    if (auto* streams = root.if_contains("streams"); streams && streams->is_array()) {
      for (const auto& value : streams->as_array()) {
        if (!value.is_object()) continue;
        const json::object& stream = value.as_object();
        std::string kind = string_of(stream, "codec_type");
        // Cover art in audio files is an attached picture, not a video track.
        bool attached_picture = false;
        if (auto* d = stream.if_contains("disposition"); d && d->is_object())
          if (auto* p = d->as_object().if_contains("attached_pic"); p && p->is_int64())
            attached_picture = p->as_int64() != 0;
        if (kind == "video" && !attached_picture && !info.has_video) {
          info.has_video = true;
          info.width = static_cast<int>(number_of(stream, "width"));
          info.height = static_cast<int>(number_of(stream, "height"));
          info.frame_rate = string_of(stream, "avg_frame_rate");
          if (info.frame_rate.empty() || info.frame_rate == "0/0")
            info.frame_rate = string_of(stream, "r_frame_rate");
        } else if (kind == "audio" && !info.has_audio) {
          info.has_audio = true;
          info.audio_codec = string_of(stream, "codec_name");
          info.audio_sample_rate = static_cast<int>(number_of(stream, "sample_rate"));
          info.audio_channels = string_of(stream, "channel_layout");
          if (info.audio_channels.empty()) {
            int channels = static_cast<int>(number_of(stream, "channels"));
            info.audio_channels = channels == 1 ? "mono" : channels == 2 ? "stereo" : "";
          }
        }
      }
    }
    if (auto* format = root.if_contains("format"); format && format->is_object()) {
      info.duration = number_of(format->as_object(), "duration");
      info.bitrate = static_cast<std::int64_t>(number_of(format->as_object(), "bit_rate"));
    }
  } catch (const std::exception& error) {
    log::info("media: ffprobe output not understood: {}", error.what());
    fail(ErrorKind::validation, "Validation failed: File could not be processed");
  }
  if (!info.has_video && !info.has_audio) unprocessable("ffprobe (no video or audio)", result);
  return info;
}

void strip_av_metadata(const fs::path& in, const fs::path& out, const std::string& format,
                       bool audio_only) {
  std::vector<std::string> argv = {"ffmpeg", "-nostdin", "-v", "error", "-y", "-i", in.string()};
  if (!audio_only) argv.insert(argv.end(), {"-map", "0:v:0?"});
  argv.insert(argv.end(),
              {"-map", "0:a?", "-dn", "-sn", "-map_metadata", "-1", "-map_chapters", "-1", "-c",
               "copy", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"});
  if (format == "mp4" || format == "mov" || format == "ipod")
    argv.insert(argv.end(), {"-movflags", "+faststart"});
  argv.insert(argv.end(), {"-f", format, out.string()});
  ToolResult result = run_tool(argv, kConvertDeadline);
  if (result.status != 0) unprocessable("ffmpeg (metadata)", result);
}

std::string first_frame_png(const fs::path& in) {
  ToolResult result = run_tool(
      {"ffmpeg", "-nostdin", "-v", "error", "-i", in.string(), "-map", "0:v:0", "-frames:v", "1",
       "-vf", "scale='min(640,iw)':'min(640,ih)':force_original_aspect_ratio=decrease", "-f",
       "image2pipe", "-c:v", "png", "-"},
      kConvertDeadline);
  if (result.status != 0 || result.out.empty()) unprocessable("ffmpeg (first frame)", result);
  return result.out;
}

void gif_to_mp4(const fs::path& in, const fs::path& out) {
  ToolResult result = run_tool({"ffmpeg",
                                "-nostdin",
                                "-v",
                                "error",
                                "-y",
                                "-i",
                                in.string(),
                                "-map_metadata",
                                "-1",
                                "-movflags",
                                "+faststart",
                                "-pix_fmt",
                                "yuv420p",
                                "-vf",
                                "scale=trunc(iw/2)*2:trunc(ih/2)*2",
                                "-c:v",
                                "libx264",
                                "-preset",
                                "veryfast",
                                "-crf",
                                "26",
                                "-an",
                                "-f",
                                "mp4",
                                out.string()},
                               kConvertDeadline);
  if (result.status != 0) unprocessable("ffmpeg (gif to mp4)", result);
}

std::string format_length(double seconds) {
  if (!(seconds > 0)) seconds = 0;
  auto hours = static_cast<long>(seconds / 3600);
  auto minutes = static_cast<long>(std::fmod(seconds, 3600) / 60);
  double rest = std::fmod(seconds, 60);
  return fmt::format("{}:{:02}:{:05.2f}", hours, minutes, rest);
}

}  // namespace herd::media
