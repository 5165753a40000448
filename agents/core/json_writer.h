// A small JSON-lines writer: appends into a preallocated buffer (no
// allocation per line), numbers via std::to_chars, strings escaped per RFC 8259,
// and writes to a file descriptor with write(2) when asked or when the buffer
// fills up. With fd < 0 it only buffers (tests read it with take()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace latlab::agent {

class JsonLineWriter {
 public:
  explicit JsonLineWriter(int fd, std::size_t capacity = 64 * 1024);
  JsonLineWriter(const JsonLineWriter&) = delete;
  JsonLineWriter& operator=(const JsonLineWriter&) = delete;

  JsonLineWriter& begin_object();
  JsonLineWriter& end_object();
  JsonLineWriter& begin_array();
  JsonLineWriter& end_array();
  JsonLineWriter& key(std::string_view name);
  JsonLineWriter& str(std::string_view value);
  JsonLineWriter& i64(std::int64_t value);
  JsonLineWriter& u64(std::uint64_t value);
  JsonLineWriter& boolean(bool value);
  JsonLineWriter& null();
  // kNoTime (INT64_MIN) is written as null.
  JsonLineWriter& time(std::int64_t value);

  // Shorthands for key + value.
  JsonLineWriter& field(std::string_view name, std::string_view value) { return key(name).str(value); }
  JsonLineWriter& field(std::string_view name, const char* value) { return key(name).str(value); }
  JsonLineWriter& field_i64(std::string_view name, std::int64_t value) { return key(name).i64(value); }
  JsonLineWriter& field_u64(std::string_view name, std::uint64_t value) { return key(name).u64(value); }
  JsonLineWriter& field_bool(std::string_view name, bool value) { return key(name).boolean(value); }
  JsonLineWriter& field_time(std::string_view name, std::int64_t value) { return key(name).time(value); }

  // Terminates the line; flushes when the buffer is nearly full.
  void end_line();
  // Writes everything buffered (fd mode). Returns false on a write error.
  bool flush();
  [[nodiscard]] std::size_t buffered_size() const { return buf_.size(); }
  // Test mode: returns and clears the buffered text.
  std::string take();

 private:
  void separator();
  void raw(std::string_view text) { buf_.append(text); }
  void maybe_flush();

  int fd_;
  std::size_t capacity_;
  std::string buf_;
  std::uint32_t need_comma_ = 0;  // bit per nesting depth
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace latlab::agent
