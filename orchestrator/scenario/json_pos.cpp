#include "scenario/json_pos.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace latlab::scenario {

const JValue* JValue::get(std::string_view key) const {
  for (const auto& m : members)
    if (m.key == key) return &m.value;
  return nullptr;
}

const char* JValue::type_name() const {
  switch (type) {
    case Type::null: return "null";
    case Type::boolean: return "boolean";
    case Type::number: return is_integer ? "integer" : "number";
    case Type::string: return "string";
    case Type::array: return "array";
    case Type::object: return "object";
  }
  return "?";
}

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

struct SyntaxError {
  TextPos pos;
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : t_(text) {}

  JsonParseResult run() {
    JsonParseResult r;
    try {
      skip_bom();
      skip_ws();
      if (at_end()) fail("the file is empty; a scenario is a JSON object");
      r.value = value(0, "");
      skip_ws();
      if (!at_end()) fail(std::string("unexpected ") + describe_here() + " after the JSON document");
    } catch (const SyntaxError& e) {
      r.errors.clear();
      r.errors.push_back({e.pos, "", e.message});
      r.syntax_error = true;
      return r;
    }
    r.errors = std::move(dups_);
    return r;
  }

 private:
  std::string_view t_;
  size_t i_ = 0;
  TextPos pos_;
  std::vector<JsonError> dups_;

  bool at_end() const { return i_ >= t_.size(); }
  char peek() const { return at_end() ? '\0' : t_[i_]; }

  [[noreturn]] void fail(const std::string& msg) { throw SyntaxError{pos_, msg}; }
  [[noreturn]] void fail_at(TextPos p, const std::string& msg) { throw SyntaxError{p, msg}; }

  std::string describe_here() const {
    if (at_end()) return "end of file";
    unsigned char c = static_cast<unsigned char>(t_[i_]);
    char buf[32];
    if (c < 0x20 || c == 0x7f) std::snprintf(buf, sizeof buf, "control character 0x%02x", c);
    else if (c >= 0x80) std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    else std::snprintf(buf, sizeof buf, "'%c'", c);
    return buf;
  }

  // Advance one byte, tracking line and column (columns count code points).
  void advance() {
    unsigned char c = static_cast<unsigned char>(t_[i_]);
    ++i_;
    if (c == '\n') {
      ++pos_.line;
      pos_.col = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos_.col;
    }
  }

  void skip_bom() {
    if (t_.size() >= 3 && static_cast<unsigned char>(t_[0]) == 0xEF &&
        static_cast<unsigned char>(t_[1]) == 0xBB && static_cast<unsigned char>(t_[2]) == 0xBF)
      i_ = 3;
  }

  void skip_ws() {
    while (!at_end()) {
      char c = t_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') advance();
      else break;
    }
  }

  void expect_literal(std::string_view lit) {
    TextPos start = pos_;
    for (char c : lit) {
      if (peek() != c) fail_at(start, "invalid literal; expected " + std::string(lit));
      advance();
    }
  }

  JValue value(int depth, const std::string& ptr) {
    if (depth > 64) fail("nesting deeper than 64 levels");
    skip_ws();
    JValue v;
    v.pos = pos_;
    char c = peek();
    if (c == '{') {
      v.type = JValue::Type::object;
      object(v, depth, ptr);
    } else if (c == '[') {
      v.type = JValue::Type::array;
      array(v, depth, ptr);
    } else if (c == '"') {
      v.type = JValue::Type::string;
      v.string = string();
    } else if (c == 't') {
      expect_literal("true");
      v.type = JValue::Type::boolean;
      v.boolean = true;
    } else if (c == 'f') {
      expect_literal("false");
      v.type = JValue::Type::boolean;
    } else if (c == 'n') {
      expect_literal("null");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = JValue::Type::number;
      number(v);
    } else {
      fail("expected a JSON value, found " + describe_here());
    }
    return v;
  }

  void object(JValue& v, int depth, const std::string& ptr) {
    advance();  // {
    skip_ws();
    if (peek() == '}') {
      advance();
      return;
    }
    while (true) {
      skip_ws();
      if (peek() != '"') fail("expected a quoted key, found " + describe_here());
      JMember m;
      m.key_pos = pos_;
      m.key = string();
      for (const auto& prev : v.members) {
        if (prev.key == m.key) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%d:%d", prev.key_pos.line, prev.key_pos.col);
          dups_.push_back({m.key_pos, ptr + "/" + json_pointer_escape(m.key),
                           "duplicate key \"" + m.key + "\" (first at " + buf + ")"});
          break;
        }
      }
      skip_ws();
      if (peek() != ':') fail("expected ':' after key \"" + m.key + "\", found " + describe_here());
      advance();
      m.value = value(depth + 1, ptr + "/" + json_pointer_escape(m.key));
      v.members.push_back(std::move(m));
      skip_ws();
      if (peek() == ',') {
        advance();
        skip_ws();
        if (peek() == '}') fail("trailing comma before '}'");
        continue;
      }
      if (peek() == '}') {
        advance();
        return;
      }
      fail("expected ',' or '}' after an object member, found " + describe_here());
    }
  }

  void array(JValue& v, int depth, const std::string& ptr) {
    advance();  // [
    skip_ws();
    if (peek() == ']') {
      advance();
      return;
    }
    while (true) {
      v.items.push_back(value(depth + 1, ptr + "/" + std::to_string(v.items.size())));
      skip_ws();
      if (peek() == ',') {
        advance();
        skip_ws();
        if (peek() == ']') fail("trailing comma before ']'");
        continue;
      }
      if (peek() == ']') {
        advance();
        return;
      }
      fail("expected ',' or ']' after an array element, found " + describe_here());
    }
  }

  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = peek();
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else fail("invalid \\u escape: expected 4 hex digits");
      v = v * 16 + static_cast<uint32_t>(d);
      advance();
    }
    return v;
  }

  std::string string() {
    TextPos start = pos_;
    advance();  // "
    std::string out;
    while (true) {
      if (at_end()) fail_at(start, "unterminated string");
      unsigned char c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') {
        advance();
        return out;
      }
      if (c < 0x20) fail("control character 0x" + hex_byte(c) + " in a string; escape it");
      if (c == '\\') {
        advance();
        char e = peek();
        if (at_end()) fail_at(start, "unterminated string");
        advance();
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            uint32_t cp = hex4();
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (peek() != '\\') fail("unpaired UTF-16 surrogate in \\u escape");
              advance();
              if (peek() != 'u') fail("unpaired UTF-16 surrogate in \\u escape");
              advance();
              uint32_t lo = hex4();
              if (lo < 0xDC00 || lo > 0xDFFF) fail("unpaired UTF-16 surrogate in \\u escape");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              fail("unpaired UTF-16 surrogate in \\u escape");
            }
            put_utf8(out, cp);
            break;
          }
          default:
            fail(std::string("invalid escape '\\") + e + "' in a string");
        }
        continue;
      }
      out += static_cast<char>(c);
      advance();
    }
  }

  static std::string hex_byte(unsigned char c) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", c);
    return buf;
  }

  void number(JValue& v) {
    size_t start = i_;
    TextPos p = pos_;
    bool integer = true;
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
      if (peek() >= '0' && peek() <= '9') fail_at(p, "numbers must not have leading zeros");
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') advance();
    } else {
      fail_at(p, "invalid number");
    }
    if (peek() == '.') {
      integer = false;
      advance();
      if (!(peek() >= '0' && peek() <= '9')) fail_at(p, "invalid number: digits expected after '.'");
      while (peek() >= '0' && peek() <= '9') advance();
    }
    if (peek() == 'e' || peek() == 'E') {
      integer = false;
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (!(peek() >= '0' && peek() <= '9')) fail_at(p, "invalid number: digits expected in exponent");
      while (peek() >= '0' && peek() <= '9') advance();
    }
    v.string = std::string(t_.substr(start, i_ - start));
    v.number = std::strtod(v.string.c_str(), nullptr);
    if (integer) {
      errno = 0;
      char* end = nullptr;
      long long ll = std::strtoll(v.string.c_str(), &end, 10);
      if (errno == 0) {
        v.is_integer = true;
        v.integer = ll;
      }
    } else if (std::isfinite(v.number) && v.number == std::floor(v.number) &&
               std::fabs(v.number) < 9.0e15 && v.string.find_first_of("eE") != std::string::npos) {
      // 1e3 is an integer written in exponent form: accept it as one.
      v.is_integer = true;
      v.integer = static_cast<int64_t>(v.number);
    }
  }
};

}  // namespace

JsonParseResult parse_json_with_positions(std::string_view text) { return Parser(text).run(); }

}  // namespace latlab::scenario
