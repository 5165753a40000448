// What the agent actually applied (socket type, timestamping, tuning), as an
// ordered list of key/value pairs for the header's "socket" object.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace latlab::agent {

class JsonLineWriter;

class SocketReport {
 public:
  using Value = std::variant<std::nullptr_t, bool, std::int64_t, std::string>;

  void set(const std::string& key, Value value);
  void set(const std::string& key, const char* value) { set(key, Value{std::string(value)}); }
  void set(const std::string& key, int value) { set(key, Value{static_cast<std::int64_t>(value)}); }
  void set(const std::string& key, bool value) { set(key, Value{value}); }
  [[nodiscard]] const Value* get(const std::string& key) const;
  // Writes the pairs as the members of the current object.
  void write_members(JsonLineWriter& w) const;

 private:
  std::vector<std::pair<std::string, Value>> entries_;
};

}  // namespace latlab::agent
