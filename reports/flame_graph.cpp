#include "reports/flame_graph.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "reports/svg_text.h"

namespace latlab::reports {

namespace {

constexpr std::string_view kKernelSuffix = "_[k]";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> split_stack(std::string_view folded) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    const size_t semi = folded.find(';', pos);
    if (semi == std::string_view::npos) {
      parts.push_back(folded.substr(pos));
      break;
    }
    parts.push_back(folded.substr(pos, semi - pos));
    pos = semi + 1;
  }
  return parts;
}

// The merged call tree. Children in std::map: byte order of the names, which
// is the sibling order of flamegraph.pl (it sorts the folded lines).
struct Node {
  std::string name;
  int64_t weight = 0;
  int64_t self = 0;
  int64_t delta_self = 0;
  int64_t delta_total = 0;
  std::map<std::string, size_t, std::less<>> kids;
};

class Tree {
 public:
  Tree() { nodes_.push_back(Node{"all", 0, 0, 0, 0, {}}); }

  // Adds a stack with `weight` to the drawn widths and `delta` to the frame it
  // ends in (and to delta_total on the way).
  void add(std::string_view folded, int64_t weight, int64_t delta) {
    size_t cur = 0;
    nodes_[0].weight += weight;
    nodes_[0].delta_total += delta;
    for (std::string_view part : split_stack(folded)) {
      auto it = nodes_[cur].kids.find(part);
      size_t next;
      if (it == nodes_[cur].kids.end()) {
        next = nodes_.size();
        nodes_[cur].kids.emplace(std::string(part), next);
        nodes_.push_back(Node{std::string(part), 0, 0, 0, 0, {}});
      } else {
        next = it->second;
      }
      cur = next;
      nodes_[cur].weight += weight;
      nodes_[cur].delta_total += delta;
    }
    nodes_[cur].self += weight;
    nodes_[cur].delta_self += delta;
  }

  const Node& node(size_t i) const { return nodes_[i]; }
  size_t size() const { return nodes_.size(); }

 private:
  std::vector<Node> nodes_;
};

FlameLayout lay_out(const Tree& tree, const FlameOptions& opt, bool differential, int64_t max_delta,
                    size_t ignored) {
  FlameLayout out;
  out.total = tree.node(0).weight;
  out.ignored_lines = ignored;
  out.differential = differential;
  out.max_delta = max_delta;

  // Width threshold: min_fraction of the total, raised when more than
  // max_frames frames would remain. A frame is never wider than its parent,
  // so a width threshold keeps every kept frame's ancestors.
  int64_t min_width = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(opt.min_fraction * static_cast<double>(out.total))));
  {
    std::vector<int64_t> widths;
    widths.reserve(tree.size());
    for (size_t i = 1; i < tree.size(); ++i) {
      if (tree.node(i).weight >= min_width) widths.push_back(tree.node(i).weight);
    }
    const size_t cap = opt.max_frames > 0 ? opt.max_frames - 1 : 0;  // the root is a frame too
    if (widths.size() > cap) {
      std::sort(widths.begin(), widths.end(), std::greater<>());
      if (cap == 0) {
        min_width = widths.front() + 1;
      } else {
        const int64_t w = widths[cap - 1];
        const auto at_least_w = static_cast<size_t>(
            std::upper_bound(widths.begin(), widths.end(), w, std::greater<>()) - widths.begin());
        min_width = at_least_w > cap ? w + 1 : w;
      }
    }
  }

  struct Item {
    size_t node;
    int depth;
    int64_t start;
  };
  std::vector<Item> todo{{0, 0, 0}};
  while (!todo.empty()) {
    const Item it = todo.back();
    todo.pop_back();
    const Node& n = tree.node(it.node);
    FlameFrame f;
    f.name = n.name;
    f.depth = it.depth;
    f.start = it.start;
    f.width = n.weight;
    f.self = n.self;
    f.kind = it.depth == 0 ? FrameKind::root : classify_frame(n.name, it.depth);
    f.has_delta = differential;
    f.delta_self = n.delta_self;
    f.delta_total = n.delta_total;
    out.max_depth = std::max(out.max_depth, it.depth);
    out.frames.push_back(std::move(f));

    // The stacks that end here sort before the longer ones (' ' < ';'), so
    // the self part sits left of the children, as in flamegraph.pl.
    int64_t x = it.start + n.self;
    std::vector<Item> kids;
    for (const auto& [name, idx] : n.kids) {
      const Node& k = tree.node(idx);
      if (k.weight <= 0) continue;  // only in the reference profile: no width
      if (k.weight < min_width) {
        // Count the omitted subtree.
        std::vector<size_t> stack{idx};
        while (!stack.empty()) {
          const size_t s = stack.back();
          stack.pop_back();
          if (tree.node(s).weight > 0) ++out.omitted_frames;
          for (const auto& kv : tree.node(s).kids) stack.push_back(kv.second);
        }
        out.omitted_weight += k.weight;
      } else {
        kids.push_back({idx, it.depth + 1, x});
      }
      x += k.weight;
    }
    // Depth-first in name order: push in reverse.
    for (auto r = kids.rbegin(); r != kids.rend(); ++r) todo.push_back(*r);
  }
  return out;
}

// FNV-1a of the display name, mapped to [0, 1).
double name_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
}

std::string group_digits(int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

}  // namespace

const char* frame_kind_name(FrameKind k) {
  switch (k) {
    case FrameKind::root: return "root";
    case FrameKind::process: return "process";
    case FrameKind::user: return "user";
    case FrameKind::kernel: return "kernel";
    case FrameKind::unknown: return "unknown";
  }
  return "user";
}

std::string frame_display_name(const std::string& folded_name) {
  if (ends_with(folded_name, kKernelSuffix)) return folded_name.substr(0, folded_name.size() - kKernelSuffix.size());
  return folded_name;
}

FrameKind classify_frame(const std::string& folded_name, int depth) {
  if (depth == 0) return FrameKind::root;
  if (depth == 1) return FrameKind::process;
  if (ends_with(folded_name, kKernelSuffix)) return FrameKind::kernel;
  if (folded_name.size() >= 2 && folded_name.front() == '[' && folded_name.back() == ']') return FrameKind::unknown;
  return FrameKind::user;
}

FlameLayout layout_flame(const std::vector<Stack>& stacks, const FlameOptions& opt) {
  Tree tree;
  size_t ignored = 0;
  for (const Stack& s : stacks) {
    if (s.weight <= 0 || s.folded.empty()) {
      ++ignored;
      continue;
    }
    tree.add(s.folded, s.weight, 0);
  }
  return lay_out(tree, opt, false, 0, ignored);
}

FlameLayout layout_flame_diff(const std::vector<Stack>& baseline, const std::vector<Stack>& other,
                              bool widths_from_baseline, const FlameOptions& opt) {
  // stack -> (reference count, drawn count), as difffolded.pl's two columns.
  std::map<std::string, std::pair<int64_t, int64_t>> merged;
  const auto& drawn = widths_from_baseline ? baseline : other;
  const auto& reference = widths_from_baseline ? other : baseline;
  int64_t total_ref = 0, total_drawn = 0;
  size_t ignored = 0;
  for (const Stack& s : reference) {
    if (s.weight <= 0 || s.folded.empty()) {
      ++ignored;
      continue;
    }
    merged[s.folded].first += s.weight;
    total_ref += s.weight;
  }
  for (const Stack& s : drawn) {
    if (s.weight <= 0 || s.folded.empty()) {
      ++ignored;
      continue;
    }
    merged[s.folded].second += s.weight;
    total_drawn += s.weight;
  }
  Tree tree;
  int64_t max_delta = 1;  // flamegraph.pl starts $maxdelta at 1
  for (auto& [stack, counts] : merged) {
    int64_t ref = counts.first;
    if (total_ref > 0 && total_drawn > 0 && total_ref != total_drawn) {
      // difffolded.pl -n: int($count1 * $total2 / $total1)
      ref = static_cast<int64_t>(static_cast<long double>(ref) * static_cast<long double>(total_drawn) /
                                 static_cast<long double>(total_ref));
    }
    int64_t delta = counts.second - ref;
    if (widths_from_baseline) delta = -delta;  // --negate: red stays "more in other"
    max_delta = std::max(max_delta, delta < 0 ? -delta : delta);
    tree.add(stack, counts.second, delta);
  }
  return lay_out(tree, opt, true, max_delta, ignored);
}

std::string diff_color(int64_t delta, int64_t max_delta) {
  int r = 255, g = 255, b = 255;
  if (max_delta <= 0) max_delta = 1;
  const double m = static_cast<double>(max_delta);
  const double v = static_cast<double>(delta);
  if (delta > 0) {
    g = b = static_cast<int>(210 * (m - v) / m);
  } else if (delta < 0) {
    r = g = static_cast<int>(210 * (m + v) / m);
  }
  return fmt::format("rgb({},{},{})", r, g, b);
}

std::string frame_color(const FlameFrame& f) {
  const double v = name_hash(frame_display_name(f.name));
  switch (f.kind) {
    case FrameKind::root: return "rgb(220,220,220)";
    case FrameKind::process: return fmt::format("rgb({},{},{})", 50 + static_cast<int>(60 * v),
                                                165 + static_cast<int>(55 * v), 165 + static_cast<int>(55 * v));
    case FrameKind::kernel: return fmt::format("rgb({},{},0)", 190 + static_cast<int>(65 * v),
                                               90 + static_cast<int>(65 * v));
    case FrameKind::unknown: {
      const int x = 170 + static_cast<int>(40 * v);
      return fmt::format("rgb({},{},{})", x, x, x);
    }
    case FrameKind::user:
      break;
  }
  // flamegraph.pl "hot"
  return fmt::format("rgb({},{},{})", 205 + static_cast<int>(50 * v), static_cast<int>(230 * v),
                     static_cast<int>(55 * v));
}

std::vector<FunctionWeight> top_functions(const std::vector<Stack>& stacks, size_t limit) {
  std::map<std::string, FunctionWeight, std::less<>> by_name;
  std::unordered_set<std::string_view> seen;
  for (const Stack& s : stacks) {
    if (s.weight <= 0 || s.folded.empty()) continue;
    const auto parts = split_stack(s.folded);
    if (parts.size() < 2) continue;  // only a process name
    seen.clear();
    for (size_t i = 1; i < parts.size(); ++i) {
      auto it = by_name.find(parts[i]);
      if (it == by_name.end()) {
        FunctionWeight fw;
        fw.name = std::string(parts[i]);
        fw.kind = classify_frame(fw.name, 2);
        it = by_name.emplace(fw.name, std::move(fw)).first;
      }
      if (seen.insert(parts[i]).second) it->second.total += s.weight;
      if (i + 1 == parts.size()) it->second.self += s.weight;
    }
  }
  std::vector<FunctionWeight> out;
  out.reserve(by_name.size());
  for (auto& kv : by_name) out.push_back(std::move(kv.second));
  std::sort(out.begin(), out.end(), [](const FunctionWeight& a, const FunctionWeight& b) {
    if (a.self != b.self) return a.self > b.self;
    if (a.total != b.total) return a.total > b.total;
    return a.name < b.name;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string render_flame_svg(const FlameLayout& layout, const FlameSvgOptions& opt) {
  const int xpad = 10;
  const int ypad1 = opt.font_size * 3 + (opt.subtitle.empty() ? 0 : opt.font_size * 2);
  const int ypad2 = opt.font_size * 2 + 10;
  const int height = (layout.max_depth + 1) * opt.frame_height + ypad1 + ypad2;
  const double usable = opt.width - 2.0 * xpad;
  const double per_weight = layout.total > 0 ? usable / static_cast<double>(layout.total) : 0;
  const double char_width = 0.59 * opt.font_size;

  std::string out;
  out.reserve(256 + layout.frames.size() * 260);
  out += fmt::format(
      "<svg id=\"{}\" class=\"flame{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" data-total=\"{}\" data-xpad=\"{}\" data-fh=\"{}\" data-fs=\"{}\" "
      "font-family=\"Verdana, sans-serif\" font-size=\"{}\">\n",
      xml_escape(opt.id), layout.differential ? " diff" : "", opt.width, height, opt.width, height, layout.total,
      xpad, opt.frame_height, opt.font_size, opt.font_size);
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#f8f8f0\"/>\n", opt.width, height);
  out += fmt::format("<text class=\"fl-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\">{}</text>\n",
                     opt.width / 2, opt.font_size * 2, opt.font_size + 4, xml_escape(opt.title));
  if (!opt.subtitle.empty()) {
    out += fmt::format("<text class=\"fl-subtitle\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>\n",
                       opt.width / 2, opt.font_size * 4, xml_escape(opt.subtitle));
  }
  out += fmt::format(
      "<text class=\"fl-unzoom\" x=\"{}\" y=\"{}\" style=\"opacity:0;cursor:pointer\">Reset Zoom</text>\n", xpad,
      opt.font_size * 2);
  out += fmt::format("<text class=\"fl-details\" x=\"{}\" y=\"{}\"> </text>\n", xpad,
                     height - ypad2 / 2);
  out += fmt::format("<text class=\"fl-matched\" x=\"{}\" y=\"{}\" text-anchor=\"end\"> </text>\n",
                     opt.width - xpad, height - ypad2 / 2);

  const double total = static_cast<double>(std::max<int64_t>(1, layout.total));
  for (const FlameFrame& f : layout.frames) {
    const double x = xpad + static_cast<double>(f.start) * per_weight;
    const double w = static_cast<double>(f.width) * per_weight;
    const int y = height - ypad2 - (f.depth + 1) * opt.frame_height + 1;
    const std::string display = f.depth == 0 ? std::string("all") : frame_display_name(f.name);
    std::string info;
    const std::string pct = fmt_num(100.0 * static_cast<double>(f.width) / total, 2);
    // First line: the name (the page's search matches it); second: the numbers.
    if (f.depth == 0) {
      info = fmt::format("all\n{} weight, 100%", group_digits(f.width));
    } else {
      info = fmt::format("{}\n{}{} weight, {}%", display, f.kind == FrameKind::kernel ? "kernel; " : "",
                         group_digits(f.width), pct);
      if (f.self > 0 && f.self != f.width) info += fmt::format("; self {}", group_digits(f.self));
    }
    if (f.has_delta && f.depth > 0) {
      const auto sign = [](double v) { return (v > 0 ? "+" : "") + fmt_num(v, 2); };
      info += fmt::format("; Δself {}%, Δtotal {}%", sign(100.0 * static_cast<double>(f.delta_self) / total),
                          sign(100.0 * static_cast<double>(f.delta_total) / total));
    }
    const std::string fill =
        f.has_delta ? (f.depth == 0 ? std::string("rgb(255,255,255)") : diff_color(f.delta_self, layout.max_delta))
                    : frame_color(f);
    out += fmt::format(
        "<g class=\"fr {}\" data-s=\"{}\" data-w=\"{}\" data-d=\"{}\"><title>{}</title>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\"/>",
        frame_kind_name(f.kind), f.start, f.width, f.depth, xml_escape(info), fmt_num(x, 2), y, fmt_num(w, 2),
        opt.frame_height - 1, fill);
    // Label: as much of the name as fits (the script redoes this on zoom).
    std::string label;
    const auto fit = static_cast<size_t>(std::max(0.0, (w - 6) / char_width));
    if (fit >= 3) {
      if (display.size() <= fit) {
        label = display;
      } else {
        size_t cut = fit - 2;  // never inside a UTF-8 sequence
        while (cut > 0 && (static_cast<unsigned char>(display[cut]) & 0xC0) == 0x80) --cut;
        label = display.substr(0, cut) + "..";
      }
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text></g>\n", fmt_num(x + 3, 2),
                       y + opt.frame_height - 4, xml_escape(label));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace latlab::reports
