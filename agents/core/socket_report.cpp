#include "core/socket_report.h"

#include "core/json_writer.h"

namespace latlab::agent {

void SocketReport::set(const std::string& key, Value value) {
  for (auto& e : entries_) {
    if (e.first == key) {
      e.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(key, std::move(value));
}

const SocketReport::Value* SocketReport::get(const std::string& key) const {
  for (const auto& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

void SocketReport::write_members(JsonLineWriter& w) const {
  for (const auto& [key, value] : entries_) {
    w.key(key);
    if (std::holds_alternative<std::nullptr_t>(value)) w.null();
    else if (const bool* b = std::get_if<bool>(&value)) w.boolean(*b);
    else if (const std::int64_t* i = std::get_if<std::int64_t>(&value)) w.i64(*i);
    else w.str(std::get<std::string>(value));
  }
}

}  // namespace latlab::agent
