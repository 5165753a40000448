// Docker's multiplexed raw stream (an attach or exec without a TTY): frames of
// an 8-byte header {stream, 0, 0, 0, big-endian uint32 length} and that many
// bytes. Fed in arbitrary chunks; hands each payload on as it arrives (a
// frame's payload may come in several pieces).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

namespace latlab::docker {

enum class StreamKind : std::uint8_t { stdin_ = 0, stdout_ = 1, stderr_ = 2, system_error = 3 };

class StreamDemux {
 public:
  using Sink = std::function<void(StreamKind, std::string_view)>;
  explicit StreamDemux(Sink sink) : sink_(std::move(sink)) {}

  void feed(std::string_view bytes);
  // Inside a frame (its header or payload not complete): the stream was cut.
  bool mid_frame() const { return header_got_ != 0 || remaining_ != 0; }

 private:
  Sink sink_;
  std::array<unsigned char, 8> header_{};
  size_t header_got_ = 0;
  std::uint32_t remaining_ = 0;
  StreamKind kind_ = StreamKind::stdout_;
};

}  // namespace latlab::docker
