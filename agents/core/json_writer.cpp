#include "core/json_writer.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "core/sample.h"

namespace latlab::agent {

JsonLineWriter::JsonLineWriter(int fd, std::size_t capacity) : fd_(fd), capacity_(capacity) {
  buf_.reserve(capacity_ + 4096);
}

void JsonLineWriter::separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    const std::uint32_t bit = 1u << depth_;
    if (need_comma_ & bit) buf_.push_back(',');
    need_comma_ |= bit;
  }
}

JsonLineWriter& JsonLineWriter::begin_object() {
  separator();
  buf_.push_back('{');
  ++depth_;
  need_comma_ &= ~(1u << depth_);
  return *this;
}

JsonLineWriter& JsonLineWriter::end_object() {
  buf_.push_back('}');
  --depth_;
  return *this;
}

JsonLineWriter& JsonLineWriter::begin_array() {
  separator();
  buf_.push_back('[');
  ++depth_;
  need_comma_ &= ~(1u << depth_);
  return *this;
}

JsonLineWriter& JsonLineWriter::end_array() {
  buf_.push_back(']');
  --depth_;
  return *this;
}

JsonLineWriter& JsonLineWriter::key(std::string_view name) {
  str(name);
  buf_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonLineWriter& JsonLineWriter::str(std::string_view value) {
  separator();
  static constexpr char kHex[] = "0123456789abcdef";
  buf_.push_back('"');
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': raw("\\\""); break;
      case '\\': raw("\\\\"); break;
      case '\b': raw("\\b"); break;
      case '\f': raw("\\f"); break;
      case '\n': raw("\\n"); break;
      case '\r': raw("\\r"); break;
      case '\t': raw("\\t"); break;
      default:
        if (u < 0x20 || u == 0x7f) {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 0xf]};
          buf_.append(esc, 6);
        } else {
          buf_.push_back(c);
        }
    }
  }
  buf_.push_back('"');
  maybe_flush();
  return *this;
}

JsonLineWriter& JsonLineWriter::i64(std::int64_t value) {
  separator();
  char tmp[24];
  auto res = std::to_chars(tmp, tmp + sizeof(tmp), value);
  buf_.append(tmp, res.ptr);
  return *this;
}

JsonLineWriter& JsonLineWriter::u64(std::uint64_t value) {
  separator();
  char tmp[24];
  auto res = std::to_chars(tmp, tmp + sizeof(tmp), value);
  buf_.append(tmp, res.ptr);
  return *this;
}

JsonLineWriter& JsonLineWriter::boolean(bool value) {
  separator();
  raw(value ? "true" : "false");
  return *this;
}

JsonLineWriter& JsonLineWriter::null() {
  separator();
  raw("null");
  return *this;
}

JsonLineWriter& JsonLineWriter::time(std::int64_t value) { return value == kNoTime ? null() : i64(value); }

void JsonLineWriter::end_line() {
  buf_.push_back('\n');
  need_comma_ = 0;
  depth_ = 0;
  after_key_ = false;
  maybe_flush();
}

void JsonLineWriter::maybe_flush() {
  if (fd_ >= 0 && buf_.size() >= capacity_) flush();
}

bool JsonLineWriter::flush() {
  if (fd_ < 0) return true;
  std::size_t done = 0;
  bool ok = true;
  while (done < buf_.size()) {
    const ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  buf_.clear();
  return ok;
}

std::string JsonLineWriter::take() {
  std::string out = buf_;
  buf_.clear();
  return out;
}

}  // namespace latlab::agent
