#include "run/perf_fold.h"

#include <cctype>
#include <charconv>
#include <optional>

namespace latlab::run {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "123" or "123/456"
bool is_pid_token(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return all_digits(s);
  return all_digits(s.substr(0, slash)) && all_digits(s.substr(slash + 1));
}

std::optional<int64_t> parse_i64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view basename(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Kernel code as perf names its dso: "[kernel.kallsyms]", a module "[e1000]",
// or a vmlinux file. The pseudo-mappings of user space ([vdso], [heap], ...)
// and "[unknown]" are not kernel (stackcollapse-perf.pl marks [vdso] as kernel
// too; we do not).
bool is_kernel_dso(std::string_view mod) {
  if (mod.size() >= 7 && mod.substr(mod.size() - 7) == "vmlinux") return true;
  if (mod.empty() || mod.front() != '[') return false;
  for (std::string_view user : {"[unknown]", "[vdso]", "[vsyscall]", "[heap]", "[stack]", "[anon", "[uprobes]",
                                "[vvar]", "[jit"})
    if (mod.substr(0, user.size()) == user) return false;
  return true;
}

// stackcollapse-perf.pl's $tidy_generic.
std::string tidy(std::string func) {
  for (char& c : func)
    if (c == ';') c = ':';
  // Go methods ("net/http.(*Client).Do") keep their parentheses; elsewhere the
  // first '(' starts argument noise, except "(anonymous namespace)".
  bool go_like = false;
  if (auto dot_paren = func.find(".("); dot_paren != std::string::npos)
    go_like = func.find(").", dot_paren) != std::string::npos;
  if (!go_like) {
    size_t from = 0;
    while (true) {
      auto p = func.find('(', from);
      if (p == std::string::npos) break;
      constexpr std::string_view anon = "(anonymous namespace)";
      if (func.compare(p, anon.size(), anon) == 0) {
        from = p + 1;
        continue;
      }
      func.erase(p);
      break;
    }
  }
  std::string out;
  out.reserve(func.size());
  for (char c : func)
    if (c != '"' && c != '\'') out.push_back(c);
  return out;
}

}  // namespace

std::string fold_frame(std::string_view line) {
  std::string_view s = trim(line);
  // "<hex ip> <symbol...> (<dso>)": the dso is the last parenthesised word.
  if (s.empty() || s.back() != ')') return "";
  auto open = s.rfind(" (");
  if (open == std::string_view::npos) return "";
  std::string_view mod = s.substr(open + 2, s.size() - open - 3);
  if (mod.find(' ') != std::string_view::npos) return "";
  std::string_view head = trim(s.substr(0, open));
  size_t sp = 0;
  while (sp < head.size() && !is_space(head[sp])) ++sp;
  std::string_view ip = head.substr(0, sp);
  for (char c : ip)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return "";
  std::string raw(trim(head.substr(sp)));
  if (raw.empty()) raw = "[unknown]";
  // Symbol offsets ("cpu_startup_entry+0x1c") are dropped.
  if (auto plus = raw.rfind("+0x"); plus != std::string::npos) {
    bool hex = plus + 3 < raw.size();
    for (size_t i = plus + 3; i < raw.size(); ++i)
      if (!std::isxdigit(static_cast<unsigned char>(raw[i]))) hex = false;
    if (hex) raw.erase(plus);
  }
  // A process name, not a frame (but C++'s "(anonymous namespace)::f" is one).
  if (!raw.empty() && raw.front() == '(' && raw.rfind("(anonymous namespace)", 0) != 0) return "";
  std::string func;
  if (raw == "[unknown]") {
    func = mod != "[unknown]" ? "[" + std::string(basename(mod)) + "]" : "[unknown]";
  } else {
    func = raw;
  }
  func = tidy(std::move(func));
  if (is_kernel_dso(mod)) func += "_[k]";
  return func;
}

void PerfFolder::feed_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!line.empty() && line.front() == '#') return;  // header comments
  if (trim(line).empty()) {
    if (in_sample_) end_sample();
    return;
  }
  if (line.find("PERF_RECORD_LOST") != std::string_view::npos) {
    // "... PERF_RECORD_LOST lost 12" / "PERF_RECORD_LOST_SAMPLES lost 3"
    auto toks = tokens(line);
    for (size_t i = 0; i + 1 < toks.size(); ++i)
      if (toks[i] == "lost" || toks[i] == "lost:")
        if (auto n = parse_i64(toks[i + 1])) lost_ += *n;
    return;
  }
  if (!is_space(line.front())) {
    // A sample header: "comm pid/tid [period]" or perf's default
    // "comm pid [cpu] time: [period] event:".
    if (in_sample_) end_sample();
    auto toks = tokens(line);
    size_t pid_at = 0;
    for (size_t i = 1; i < toks.size(); ++i)
      if (is_pid_token(toks[i])) {
        pid_at = i;
        break;
      }
    if (pid_at == 0) {
      ++unrecognized_;
      return;
    }
    comm_.clear();
    for (size_t i = 0; i < pid_at; ++i) {
      if (i) comm_ += '_';
      comm_ += toks[i];
    }
    has_period_ = false;
    period_ = 0;
    for (size_t i = pid_at + 1; i < toks.size(); ++i)
      if (all_digits(toks[i])) {
        if (auto p = parse_i64(toks[i])) {
          period_ = *p;
          has_period_ = true;
        }
        break;
      }
    frames_.clear();
    in_sample_ = true;
    return;
  }
  std::string f = fold_frame(line);
  if (f.empty()) {
    // fold_frame also returns "" for process-name frames, which the script
    // skips silently; count only lines that are not frames at all.
    if (trim(line).back() != ')') ++unrecognized_;
    return;
  }
  if (in_sample_) frames_.push_back(std::move(f));
}

void PerfFolder::finish() {
  if (in_sample_) end_sample();
}

void PerfFolder::end_sample() {
  std::string stack = comm_;
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    stack += ';';
    stack += *it;
  }
  int64_t w = has_period_ ? period_ : 1;
  if (!has_period_) ++no_period_;
  collapsed_[stack] += w;
  total_weight_ += w;
  ++samples_;
  frames_.clear();
  in_sample_ = false;
}

std::vector<FoldedStack> PerfFolder::stacks() const {
  std::vector<FoldedStack> out;
  out.reserve(collapsed_.size());
  for (const auto& [k, v] : collapsed_) out.push_back({k, v});
  return out;
}

}  // namespace latlab::run
