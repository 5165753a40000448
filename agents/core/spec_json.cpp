#include "core/spec_json.h"

namespace latlab::agent {

namespace {

class SpecParser {
 public:
  explicit SpecParser(std::string_view text) : text_(text) {}

  Result<std::vector<SpecEntry>> parse() {
    std::vector<SpecEntry> out;
    skip_ws();
    if (!eat('{')) return fail("expected '{'");
    skip_ws();
    if (eat('}')) return finish(std::move(out));
    while (true) {
      skip_ws();
      SpecEntry entry;
      if (peek() != '"') return fail("expected a key string");
      auto key = parse_string();
      if (!key) return key.error();
      entry.key = std::move(*key);
      for (const auto& e : out) {
        if (e.key == entry.key) return fail("duplicate key \"" + entry.key + "\"");
      }
      skip_ws();
      if (!eat(':')) return fail("expected ':'");
      skip_ws();
      const char c = peek();
      if (c == '"') {
        auto value = parse_string();
        if (!value) return value.error();
        entry.kind = SpecEntry::Kind::string;
        entry.text = std::move(*value);
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        const std::size_t start = pos_;
        ++pos_;
        while (pos_ < text_.size() &&
               ((text_[pos_] >= '0' && text_[pos_] <= '9') || text_[pos_] == '.' || text_[pos_] == 'e' ||
                text_[pos_] == 'E' || text_[pos_] == '+' || text_[pos_] == '-')) {
          ++pos_;
        }
        entry.kind = SpecEntry::Kind::number;
        entry.text = std::string(text_.substr(start, pos_ - start));
      } else if (text_.substr(pos_, 4) == "true") {
        pos_ += 4;
        entry.kind = SpecEntry::Kind::boolean;
        entry.text = "true";
      } else if (text_.substr(pos_, 5) == "false") {
        pos_ += 5;
        entry.kind = SpecEntry::Kind::boolean;
        entry.text = "false";
      } else {
        return fail("value of \"" + entry.key + "\" must be a string, number or boolean");
      }
      out.push_back(std::move(entry));
      skip_ws();
      if (eat(',')) continue;
      if (eat('}')) return finish(std::move(out));
      return fail("expected ',' or '}'");
    }
  }

 private:
  Result<std::vector<SpecEntry>> finish(std::vector<SpecEntry> out) {
    skip_ws();
    if (pos_ != text_.size()) return fail("unexpected text after the object");
    return out;
  }

  Result<std::string> parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        default: return fail("unsupported escape in string");
      }
    }
    return fail("unterminated string");
  }

  Error fail(const std::string& cause) const {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return usage_error("spec: line " + std::to_string(line) + " column " + std::to_string(column) + ": " + cause);
  }

  void skip_ws() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  [[nodiscard]] char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::vector<SpecEntry>> parse_spec_json(std::string_view text) { return SpecParser(text).parse(); }

}  // namespace latlab::agent
