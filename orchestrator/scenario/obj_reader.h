// Strict reading of one JSON object: unknown keys are errors (with a
// "did you mean" hint), types and ranges are checked, every error names the
// JSON pointer and position. Internal to scenario/.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "scenario/diag.h"
#include "scenario/json_pos.h"
#include "scenario/model.h"

namespace latlab::scenario {

std::string join_names(const std::vector<std::string>& names);
// "text" in double quotes, with control characters, quotes and backslashes
// escaped as JSON writes them: error lines stay one visible line. Past 80
// bytes, its first 64 and its length: "xxxx..." (921600 bytes).
std::string quote_text(const std::string& text);
// The candidate closest to word by edit distance, if close enough to be a typo.
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates);
// "expected a string, found integer"
std::string type_mismatch(const char* expected, const JValue& v);

class ObjReader {
 public:
  // what: "node", "link", ... used in messages. When v is not an object an
  // error is recorded and valid() is false; getters then return nullopt.
  ObjReader(Diags& d, const JValue& v, std::string pointer, std::vector<std::string> keys, const char* what,
            bool report_unknown = true);

  bool valid() const { return valid_; }
  const JValue& value() const { return v_; }
  const std::string& pointer() const { return ptr_; }
  std::string ptr(const std::string& key) const { return ptr_ + "/" + json_pointer_escape(key); }
  SourceRef src() const { return ref(v_, ptr_); }
  SourceRef src(const std::string& key) const;

  const JValue* get(const std::string& key) const;
  // Records "missing required key" when absent.
  const JValue* require(const std::string& key);

  std::optional<std::string> str(const std::string& key, bool required = false);
  std::optional<int64_t> integer(const std::string& key, int64_t min, int64_t max, bool required = false);
  std::optional<double> number(const std::string& key, double min, double max);
  std::optional<bool> boolean(const std::string& key);
  std::optional<uint64_t> duration(const std::string& key, uint64_t min_ns, uint64_t max_ns);
  // "5%" as a fraction, more than 0 and at most max (1.0 = 100 %).
  std::optional<double> percent(const std::string& key, double max = 1.0);
  // A string from a fixed set ("kind"): "kind \"x\" is not supported; supported kinds are a, b".
  std::optional<std::string> one_of(const std::string& key, const std::vector<std::string>& allowed,
                                    const char* what, bool required = false);
  // An object value (validated as such); nullptr when absent or wrong type.
  const JValue* object(const std::string& key);
  const JValue* array(const std::string& key);

  Diags& diags() { return d_; }
  // The position of every member present, keyed by member name.
  FieldRefs field_refs() const;

 private:
  Diags& d_;
  const JValue& v_;
  std::string ptr_;
  bool valid_ = true;
};

// Checks v is a string; records the error otherwise.
std::optional<std::string> as_string(Diags& d, const JValue& v, const std::string& pointer);

}  // namespace latlab::scenario
