#include "scenario/load.h"

#include <sys/stat.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "scenario/diag.h"
#include "scenario/json_pos.h"
#include "scenario/uplinks.h"
#include "scenario/parse.h"

namespace latlab::scenario {

std::string Diagnostic::str() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(col);
  out += ": error: ";
  if (!pointer.empty()) out += pointer + ": ";
  out += message;
  return out;
}

void Diags::add(TextPos pos, const std::string& pointer, const std::string& message) {
  Diagnostic d;
  d.file = file_;
  d.line = pos.line;
  d.col = pos.col;
  d.pointer = pointer;
  d.message = message;
  // The same problem found twice (e.g. by two passes) is reported once.
  for (const auto& x : list_)
    if (x.line == d.line && x.col == d.col && x.message == d.message) return;
  list_.push_back(std::move(d));
}

std::vector<Diagnostic> Diags::take() {
  std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
  if (list_.size() > max_errors) {
    size_t more = list_.size() - max_errors;
    list_.resize(max_errors);
    Diagnostic d;
    d.file = file_;
    d.message = std::to_string(more) + " more error" + (more == 1 ? "" : "s") + " not shown";
    list_.push_back(d);
  }
  return std::move(list_);
}

namespace {

// Position of the first byte that is not valid UTF-8, if any.
std::optional<std::pair<TextPos, unsigned char>> invalid_utf8(const std::string& s) {
  TextPos pos;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return std::make_pair(pos, c);
    }
    if (i + len > s.size()) return std::make_pair(pos, c);
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::make_pair(pos, c);
      cp = (cp << 6) | (cc & 0x3F);
    }
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::make_pair(pos, c);
    if (c == '\n') {
      ++pos.line;
      pos.col = 1;
    } else {
      ++pos.col;
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace

bool read_json_document(const std::string& text, Diags& d, const char* what, JValue& out) {
  if (text.size() > max_scenario_bytes) {
    d.add(TextPos{0, 0}, "",
          "file is " + std::to_string(text.size()) + " bytes; " + what + " are limited to " +
              std::to_string(max_scenario_bytes) + " bytes");
    return false;
  }
  if (auto bad = invalid_utf8(text)) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "the file is not valid UTF-8 (byte 0x%02x)", bad->second);
    d.add(bad->first, "", buf);
    return false;
  }
  auto parsed = parse_json_with_positions(text);
  if (parsed.syntax_error) {
    d.add(parsed.errors[0].pos, "", "invalid JSON: " + parsed.errors[0].message);
    return false;
  }
  for (const auto& e : parsed.errors) d.add(e.pos, e.pointer, e.message);
  if (d.any()) return false;
  out = std::move(parsed.value);
  return true;
}

LoadResult load_scenario_text(const std::string& text, const std::string& name, const std::vector<Host>& inventory,
                              const std::string& this_host) {
  LoadResult out;
  out.text = text;
  Diags d(name);
  JValue doc;
  if (!read_json_document(text, d, "scenarios", doc)) {
    out.errors = d.take();
    return out;
  }
  Lab lab;
  parse_scenario(doc, d, lab, inventory);
  if (!d.any()) resolve_scenario(d, lab);
  if (!d.any()) validate_scenario(d, lab);
  if (!d.any()) check_uplinks(d, lab, this_host, uplink_devices());
  if (d.any()) {
    out.errors = d.take();
    return out;
  }
  out.lab = std::move(lab);
  return out;
}

namespace {

// A document file's text, or the one-line reason it cannot be one (`kind`
// "scenario", `kinds` "scenarios", for the messages).
std::optional<std::string> read_document_file(const std::string& path, const char* kind, const char* kinds,
                                              std::string& text) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::string("cannot read: ") + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return std::string("is a directory, not a ") + kind + " file";
  if (static_cast<size_t>(st.st_size) > max_scenario_bytes)
    return "file is " + std::to_string(st.st_size) + " bytes; " + kinds + " are limited to " +
           std::to_string(max_scenario_bytes) + " bytes";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string("cannot read: ") + std::strerror(errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return std::nullopt;
}

Diagnostic file_error(const std::string& path, const std::string& msg) {
  Diagnostic d;
  d.file = path;
  d.message = msg;
  return d;
}

}  // namespace

LoadResult load_scenario_file(const std::string& path, const std::vector<Host>& inventory) {
  LoadResult out;
  std::string text;
  if (auto bad = read_document_file(path, "scenario", "scenarios", text)) {
    out.errors.push_back(file_error(path, *bad));
    return out;
  }
  return load_scenario_text(text, path, inventory);
}

InventoryResult load_inventory_file(const std::string& path) {
  InventoryResult out;
  std::string text;
  if (auto bad = read_document_file(path, "inventory", "inventories", text)) {
    out.errors.push_back(file_error(path, *bad));
    return out;
  }
  Diags d(path);
  JValue doc;
  if (read_json_document(text, d, "inventories", doc)) parse_inventory(doc, d, out.hosts);
  out.errors = d.take();
  if (!out.errors.empty()) out.hosts.clear();
  return out;
}

}  // namespace latlab::scenario
