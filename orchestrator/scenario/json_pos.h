// A strict JSON reader that keeps the line and column of every value and key.
// nlohmann::json drops positions and silently accepts duplicate keys; scenario
// errors need both, so scenarios are read with this and nothing else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace latlab::scenario {

struct TextPos {
  int line = 1;
  int col = 1;  // 1-based, counted in characters (UTF-8 code points)
};

struct JMember;

struct JValue {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  TextPos pos;
  bool boolean = false;
  bool is_integer = false;  // number written without fraction or exponent, fits int64
  int64_t integer = 0;
  double number = 0;
  std::string string;  // string value; for numbers, the literal as written
  std::vector<JValue> items;
  std::vector<JMember> members;  // in document order

  const JValue* get(std::string_view key) const;
  const char* type_name() const;
};

struct JMember {
  std::string key;
  TextPos key_pos;
  JValue value;
};

struct JsonError {
  TextPos pos;
  std::string pointer;  // set for duplicate keys
  std::string message;
};

// Parses text as one JSON document. Rejects duplicate keys, invalid UTF-8,
// nesting deeper than 64, and trailing garbage.
struct JsonParseResult {
  JValue value;
  std::vector<JsonError> errors;  // syntax errors stop at the first; duplicate keys are all listed
  bool syntax_error = false;      // errors[0] is a syntax error (nothing else was read)
};
JsonParseResult parse_json_with_positions(std::string_view text);

// "~" and "/" escaped per RFC 6901.
std::string json_pointer_escape(std::string_view token);

}  // namespace latlab::scenario
