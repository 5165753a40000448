// Collects scenario diagnostics with their source position (internal to scenario/).
#pragma once

#include <string>
#include <vector>

#include "scenario/json_pos.h"
#include "scenario/load.h"
#include "scenario/model.h"

namespace latlab::scenario {

class Diags {
 public:
  explicit Diags(std::string file) : file_(std::move(file)) {}

  void add(TextPos pos, const std::string& pointer, const std::string& message);
  void add(const SourceRef& ref, const std::string& message) {
    add(TextPos{ref.line, ref.col}, ref.pointer, message);
  }
  bool any() const { return !list_.empty(); }
  size_t count() const { return list_.size(); }
  const std::string& file() const { return file_; }
  // Sorted by position, capped at max_errors (with a final "more errors" line).
  std::vector<Diagnostic> take();

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

inline SourceRef ref(const JValue& v, const std::string& pointer) {
  return SourceRef{pointer, v.pos.line, v.pos.col};
}

}  // namespace latlab::scenario
