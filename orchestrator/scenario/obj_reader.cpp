#include "scenario/obj_reader.h"

#include <algorithm>

#include "scenario/units.h"

namespace latlab::scenario {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

std::string quote_text(const std::string& text) {
  // A value of 900 KB is not echoed whole: an error line stays readable.
  constexpr size_t kShown = 64;
  if (text.size() > kShown + 16) {
    size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    std::string head = quote_text(text.substr(0, cut));
    head.pop_back();  // its closing quote
    return head + "...\" (" + std::to_string(text.size()) + " bytes)";
  }
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Edit distance with adjacent transpositions (optimal string alignment):
// "upd" is one typo from "udp", not two.
static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_d = 0;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3));
  if (best && best_d <= limit) return best;
  return std::nullopt;
}

std::string type_mismatch(const char* expected, const JValue& v) {
  return std::string("expected ") + expected + ", found " + v.type_name();
}

std::optional<std::string> as_string(Diags& d, const JValue& v, const std::string& pointer) {
  if (v.type != JValue::Type::string) {
    d.add(v.pos, pointer, type_mismatch("a string", v));
    return std::nullopt;
  }
  return v.string;
}

ObjReader::ObjReader(Diags& d, const JValue& v, std::string pointer, std::vector<std::string> keys,
                     const char* what, bool report_unknown)
    : d_(d), v_(v), ptr_(std::move(pointer)) {
  if (v.type != JValue::Type::object) {
    d_.add(v.pos, ptr_, type_mismatch((std::string("an object (") + what + ")").c_str(), v));
    valid_ = false;
    return;
  }
  if (!report_unknown) return;
  for (const auto& m : v.members) {
    if (std::find(keys.begin(), keys.end(), m.key) != keys.end()) continue;
    std::string msg = "unknown key \"" + m.key + "\" in " + what;
    if (auto c = closest(m.key, keys)) {
      msg += " (did you mean \"" + *c + "\"?)";
    } else {
      auto sorted = keys;
      std::sort(sorted.begin(), sorted.end());
      msg += " (allowed: " + join_names(sorted) + ")";
    }
    d_.add(m.key_pos, ptr(m.key), msg);
  }
}

SourceRef ObjReader::src(const std::string& key) const {
  const JValue* v = get(key);
  return v ? ref(*v, ptr(key)) : src();
}

FieldRefs ObjReader::field_refs() const {
  FieldRefs out;
  if (!valid_) return out;
  for (const auto& m : v_.members) out[m.key] = ref(m.value, ptr(m.key));
  return out;
}

const JValue* ObjReader::get(const std::string& key) const {
  if (!valid_) return nullptr;
  return v_.get(key);
}

const JValue* ObjReader::require(const std::string& key) {
  if (!valid_) return nullptr;
  const JValue* v = v_.get(key);
  if (!v) d_.add(v_.pos, ptr_, "missing required key \"" + key + "\"");
  return v;
}

std::optional<std::string> ObjReader::str(const std::string& key, bool required) {
  const JValue* v = required ? require(key) : get(key);
  if (!v) return std::nullopt;
  return as_string(d_, *v, ptr(key));
}

std::optional<int64_t> ObjReader::integer(const std::string& key, int64_t min, int64_t max, bool required) {
  const JValue* v = required ? require(key) : get(key);
  if (!v) return std::nullopt;
  bool integer_literal =
      v->type == JValue::Type::number && v->string.find_first_of(".eE") == std::string::npos;
  if (integer_literal && !v->is_integer) {  // beyond int64
    d_.add(v->pos, ptr(key),
           v->string + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
    return std::nullopt;
  }
  if (v->type != JValue::Type::number || !v->is_integer) {
    d_.add(v->pos, ptr(key), type_mismatch("an integer", *v));
    return std::nullopt;
  }
  if (v->integer < min || v->integer > max) {
    d_.add(v->pos, ptr(key),
           v->string + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
    return std::nullopt;
  }
  return v->integer;
}

std::optional<double> ObjReader::percent(const std::string& key, double max) {
  const JValue* v = get(key);
  if (!v) return std::nullopt;
  if (v->type != JValue::Type::string) {
    d_.add(v->pos, ptr(key), type_mismatch("a percentage string such as \"5%\"", *v));
    return std::nullopt;
  }
  auto f = parse_percent(v->string);
  if (!f) {
    d_.add(v->pos, ptr(key),
           quote_text(v->string) + " is not a percentage (a number and a % sign, e.g. \"5%\" or \"2.5%\")");
    return std::nullopt;
  }
  if (!(*f > 0) || *f > max) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " is out of range (more than 0%%, at most %g%%)", max * 100);
    d_.add(v->pos, ptr(key), quote_text(v->string) + buf);
    return std::nullopt;
  }
  return f;
}

std::optional<double> ObjReader::number(const std::string& key, double min, double max) {
  const JValue* v = get(key);
  if (!v) return std::nullopt;
  if (v->type != JValue::Type::number) {
    d_.add(v->pos, ptr(key), type_mismatch("a number", *v));
    return std::nullopt;
  }
  if (v->number < min || v->number > max) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " is out of range (%g to %g)", min, max);
    d_.add(v->pos, ptr(key), v->string + buf);
    return std::nullopt;
  }
  return v->number;
}

std::optional<bool> ObjReader::boolean(const std::string& key) {
  const JValue* v = get(key);
  if (!v) return std::nullopt;
  if (v->type != JValue::Type::boolean) {
    d_.add(v->pos, ptr(key), type_mismatch("true or false", *v));
    return std::nullopt;
  }
  return v->boolean;
}

std::optional<uint64_t> ObjReader::duration(const std::string& key, uint64_t min_ns, uint64_t max_ns) {
  const JValue* v = get(key);
  if (!v) return std::nullopt;
  std::optional<uint64_t> ns;
  std::string shown;
  if (v->type == JValue::Type::number && v->is_integer && v->integer == 0) {
    ns = 0;
    shown = "0";
  } else if (v->type != JValue::Type::string) {
    d_.add(v->pos, ptr(key), type_mismatch("a duration string such as \"10ms\"", *v));
    return std::nullopt;
  } else {
    ns = parse_duration(v->string);
    shown = "\"" + v->string + "\"";
  }
  if (!ns) {
    d_.add(
        v->pos, ptr(key),
        "\"" + v->string + "\" is not a duration (use a number and a unit: ns, us, ms, s, m; e.g. \"10ms\")");
    return std::nullopt;
  }
  if (*ns < min_ns || *ns > max_ns) {
    d_.add(v->pos, ptr(key),
           shown + " is out of range (" + format_duration(min_ns) + " to " + format_duration(max_ns) + ")");
    return std::nullopt;
  }
  return ns;
}

std::optional<std::string> ObjReader::one_of(const std::string& key, const std::vector<std::string>& allowed,
                                             const char* what, bool required) {
  auto s = str(key, required);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  const JValue* v = get(key);
  std::string msg = std::string(what) + " \"" + *s + "\" is not supported; supported " + what + "s are " +
                    join_names(allowed);
  if (auto c = closest(*s, allowed)) msg += " (did you mean \"" + *c + "\"?)";
  d_.add(v->pos, ptr(key), msg);
  return std::nullopt;
}

const JValue* ObjReader::object(const std::string& key) {
  const JValue* v = get(key);
  if (!v) return nullptr;
  if (v->type != JValue::Type::object) {
    d_.add(v->pos, ptr(key), type_mismatch("an object", *v));
    return nullptr;
  }
  return v;
}

const JValue* ObjReader::array(const std::string& key) {
  const JValue* v = get(key);
  if (!v) return nullptr;
  if (v->type != JValue::Type::array) {
    d_.add(v->pos, ptr(key), type_mismatch("an array", *v));
    return nullptr;
  }
  return v;
}

}  // namespace latlab::scenario
