// Flame graph layout, coloring and SVG on recorded folded stacks.
#include "reports/flame_graph.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace latlab::reports {
namespace {

std::vector<Stack> load_folded(const std::string& name) {
  std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/tests/data/flame/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<Stack> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    out.push_back({line.substr(0, sp), std::stoll(line.substr(sp + 1))});
  }
  return out;
}

int64_t sum_weights(const std::vector<Stack>& s) {
  int64_t t = 0;
  for (const auto& x : s) t += x.weight;
  return t;
}

// Every frame's children lie inside it, do not overlap, and leave exactly its
// self weight (plus omitted children) uncovered.
void check_geometry(const FlameLayout& l) {
  ASSERT_FALSE(l.frames.empty());
  EXPECT_EQ(l.frames[0].depth, 0);
  EXPECT_EQ(l.frames[0].start, 0);
  EXPECT_EQ(l.frames[0].width, l.total);
  // Depth-first order: the parent of frame i is the last earlier frame with depth - 1.
  std::vector<size_t> parent_at_depth;
  std::map<size_t, int64_t> child_sum;
  std::map<size_t, int64_t> next_x;
  for (size_t i = 0; i < l.frames.size(); ++i) {
    const auto& f = l.frames[i];
    parent_at_depth.resize(static_cast<size_t>(f.depth) + 1);
    parent_at_depth[static_cast<size_t>(f.depth)] = i;
    if (f.depth == 0) continue;
    const size_t p = parent_at_depth[static_cast<size_t>(f.depth) - 1];
    const auto& pf = l.frames[p];
    EXPECT_GE(f.start, pf.start) << f.name;
    EXPECT_LE(f.start + f.width, pf.start + pf.width) << f.name;
    if (next_x.count(p)) {
      EXPECT_GE(f.start, next_x[p]) << "overlap at " << f.name;
      EXPECT_LT(l.frames[p].name, "\x7f");
    } else {
      EXPECT_GE(f.start, pf.start + pf.self) << "self part is left of the children: " << f.name;
    }
    next_x[p] = f.start + f.width;
    child_sum[p] += f.width;
    EXPECT_GT(f.width, 0);
  }
  if (l.omitted_frames == 0) {
    for (size_t i = 0; i < l.frames.size(); ++i) {
      EXPECT_EQ(l.frames[i].self + child_sum[i], l.frames[i].width) << l.frames[i].name;
    }
  }
}

TEST(FlameLayout, RecordedLocalhostPingWidthsAddUp) {
  const auto stacks = load_folded("ping_localhost.folded");
  ASSERT_GT(stacks.size(), 50u);
  FlameOptions opt;
  opt.min_fraction = 0;
  const auto l = layout_flame(stacks, opt);
  EXPECT_EQ(l.total, sum_weights(stacks));
  EXPECT_EQ(l.omitted_frames, 0u);
  check_geometry(l);
  // Leaves' self weights sum to the total: every stack ends in exactly one frame.
  int64_t self_sum = 0;
  for (const auto& f : l.frames) self_sum += f.self;
  EXPECT_EQ(self_sum, l.total);
  // One process.
  int processes = 0;
  for (const auto& f : l.frames) processes += f.depth == 1;
  EXPECT_EQ(processes, 1);
  EXPECT_EQ(l.frames[1].name, "ping");
  EXPECT_EQ(l.frames[1].kind, FrameKind::process);
  EXPECT_EQ(l.frames[1].width, l.total);
}

TEST(FlameLayout, SeveralProcessesSortedByNameWithKindsAndUnknownFrames) {
  const auto stacks = load_folded("several_processes.folded");
  FlameOptions opt;
  opt.min_fraction = 0;
  const auto l = layout_flame(stacks, opt);
  check_geometry(l);
  std::vector<std::string> procs;
  std::map<std::string, int64_t> proc_width;
  for (const auto& f : l.frames) {
    if (f.depth == 1) {
      procs.push_back(f.name);
      proc_width[f.name] = f.width;
    }
  }
  EXPECT_EQ(procs, (std::vector<std::string>{"awk", "ls", "ping", "sh"}));
  // Process widths = the sum of that process's lines in the file.
  std::map<std::string, int64_t> expect;
  for (const auto& s : stacks) expect[s.folded.substr(0, s.folded.find(';'))] += s.weight;
  for (const auto& [p, w] : expect) EXPECT_EQ(proc_width[p], w) << p;

  int kernel = 0, unknown = 0, user = 0;
  for (const auto& f : l.frames) {
    if (f.depth < 2) continue;
    const bool k = f.name.size() > 4 && f.name.ends_with("_[k]");
    const bool u = f.name == "[unknown]" || (f.name.front() == '[' && f.name.back() == ']');
    EXPECT_EQ(f.kind, k ? FrameKind::kernel : u ? FrameKind::unknown : FrameKind::user) << f.name;
    kernel += f.kind == FrameKind::kernel;
    unknown += f.kind == FrameKind::unknown;
    user += f.kind == FrameKind::user;
  }
  EXPECT_GT(kernel, 10);
  EXPECT_GT(unknown, 3);
  EXPECT_GT(user, 3);
}

TEST(FlameLayout, SmallExampleExactPositions) {
  // b's self part (2) sits left of its children c (3) and d (5).
  const std::vector<Stack> stacks = {
      {"p;a;b;d", 5}, {"p;a;b", 2}, {"p;a;b;c", 3}, {"p;a", 1}, {"q;z_[k]", 9}, {"p;e", 0}};
  FlameOptions opt;
  opt.min_fraction = 0;
  const auto l = layout_flame(stacks, opt);
  EXPECT_EQ(l.ignored_lines, 1u);
  EXPECT_EQ(l.total, 20);
  std::vector<std::string> got;
  for (const auto& f : l.frames)
    got.push_back(f.name + "@" + std::to_string(f.depth) + ":" + std::to_string(f.start) + "+" + std::to_string(f.width));
  EXPECT_EQ(got, (std::vector<std::string>{"all@0:0+20", "p@1:0+11", "a@2:0+11", "b@3:1+10", "c@4:3+3", "d@4:6+5",
                                            "q@1:11+9", "z_[k]@2:11+9"}));
  EXPECT_EQ(l.max_depth, 4);
  EXPECT_EQ(l.frames.back().kind, FrameKind::kernel);
  EXPECT_EQ(frame_display_name("z_[k]"), "z");
}

TEST(FlameLayout, MinWidthOmitsNarrowFramesAndTheirChildren) {
  // total 10000; 0.1% = 10: "p;a_tiny" (9) and its child go, "p;edge" (10) stays.
  const std::vector<Stack> stacks = {{"p;big;x", 9971}, {"p;a_tiny;child", 5}, {"p;a_tiny", 4}, {"p;edge", 10},
                                     {"p;big;y", 10}};
  const auto l = layout_flame(stacks);  // default min_fraction 0.001
  std::set<std::string> names;
  for (const auto& f : l.frames) names.insert(f.name);
  EXPECT_EQ(names, (std::set<std::string>{"all", "p", "big", "x", "y", "edge"}));
  EXPECT_EQ(l.omitted_frames, 2u);
  EXPECT_EQ(l.omitted_weight, 9);
  // The omitted frame keeps its place (blank): big starts after a_tiny.
  std::map<std::string, int64_t> start;
  for (const auto& f : l.frames) start[f.name] = f.start;
  EXPECT_EQ(start["big"], 9);
  EXPECT_EQ(start["edge"], 9 + 9981);
}

TEST(FlameLayout, MaxFramesCapKeepsTheWidest) {
  auto stacks = load_folded("ping_own_address.folded");
  FlameOptions opt;
  opt.min_fraction = 0;
  const auto full = layout_flame(stacks, opt);
  ASSERT_GT(full.frames.size(), 60u);
  opt.max_frames = 40;
  const auto capped = layout_flame(stacks, opt);
  EXPECT_LE(capped.frames.size(), 40u);
  EXPECT_GE(capped.frames.size(), 20u);
  EXPECT_EQ(capped.frames.size() + capped.omitted_frames, full.frames.size());
  int64_t narrowest_kept = capped.total;
  for (const auto& f : capped.frames) narrowest_kept = std::min(narrowest_kept, f.width);
  // Every frame wider than the narrowest kept one is kept.
  size_t wider = 0;
  for (const auto& f : full.frames) wider += f.width > narrowest_kept;
  size_t kept_wider = 0;
  for (const auto& f : capped.frames) kept_wider += f.width > narrowest_kept;
  EXPECT_EQ(wider, kept_wider);
}

TEST(FlameDiff, KnownDeltasAndColorsAfterNormalizing) {
  // baseline total 100, other total 200: baseline counts are doubled first.
  const std::vector<Stack> base = {{"p;a;x", 50}, {"p;a;y", 30}, {"p;b", 20}};
  const std::vector<Stack> other = {{"p;a;x", 100}, {"p;a;y", 20}, {"p;c", 80}};
  FlameOptions opt;
  opt.min_fraction = 0;
  const auto l = layout_flame_diff(base, other, false, opt);
  EXPECT_TRUE(l.differential);
  EXPECT_EQ(l.total, 200);
  // deltas: x 100-100=0, y 20-60=-40, b 0-40=-40 (no width), c 80-0=+80.
  EXPECT_EQ(l.max_delta, 80);
  std::map<std::string, const FlameFrame*> by;
  for (const auto& f : l.frames) by[f.name] = &f;
  ASSERT_TRUE(by.count("x") && by.count("y") && by.count("c") && by.count("a"));
  EXPECT_EQ(by.count("b"), 0u) << "only in the baseline: zero width, not drawn";
  EXPECT_EQ(by["x"]->delta_self, 0);
  EXPECT_EQ(by["y"]->delta_self, -40);
  EXPECT_EQ(by["c"]->delta_self, 80);
  EXPECT_EQ(by["a"]->delta_self, 0);
  EXPECT_EQ(by["a"]->delta_total, -40);
  EXPECT_EQ(by["p"]->delta_total, 0);
  EXPECT_EQ(diff_color(by["x"]->delta_self, l.max_delta), "rgb(255,255,255)");
  EXPECT_EQ(diff_color(by["c"]->delta_self, l.max_delta), "rgb(255,0,0)");
  // blue: r = g = int(210 * (80 - 40) / 80) = 105
  EXPECT_EQ(diff_color(by["y"]->delta_self, l.max_delta), "rgb(105,105,255)");
  EXPECT_EQ(by["c"]->width, 80);

  const std::string svg = render_flame_svg(l, {"d1", "diff", "", 1200, 16, 12});
  EXPECT_NE(svg.find("fill=\"rgb(255,0,0)\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"rgb(105,105,255)\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"flame diff\""), std::string::npos);
}

TEST(FlameDiff, WidthsFromBaselineShowWhatVanishedWithRedStillMeaningMore) {
  const std::vector<Stack> base = {{"p;a;x", 50}, {"p;a;y", 30}, {"p;b", 20}};
  const std::vector<Stack> other = {{"p;a;x", 100}, {"p;a;y", 20}, {"p;c", 80}};
  FlameOptions opt;
  opt.min_fraction = 0;
  const auto l = layout_flame_diff(base, other, true, opt);
  EXPECT_EQ(l.total, 100);
  std::map<std::string, const FlameFrame*> by;
  for (const auto& f : l.frames) by[f.name] = &f;
  ASSERT_TRUE(by.count("b"));
  EXPECT_EQ(by.count("c"), 0u);
  // other scaled to 100: x 50, y 10, c 40. delta shown = other - base.
  EXPECT_EQ(by["x"]->delta_self, 0);
  EXPECT_EQ(by["y"]->delta_self, -20);
  EXPECT_EQ(by["b"]->delta_self, -20);
  EXPECT_EQ(l.max_delta, 40);  // c's +40 counts even though c is not drawn
  EXPECT_EQ(diff_color(-20, l.max_delta), "rgb(105,105,255)");
}

TEST(FlameDiff, IdenticalProfilesAreWhite) {
  const auto a = load_folded("ping_localhost.folded");
  const auto l = layout_flame_diff(a, a);
  for (const auto& f : l.frames) EXPECT_EQ(f.delta_self, 0) << f.name;
  const std::string svg = render_flame_svg(l, {"d2", "same", "", 1200, 16, 12});
  std::regex fill("fill=\"(rgb\\([0-9,]+\\))\"");
  size_t n = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), fill); it != std::sregex_iterator(); ++it, ++n) {
    EXPECT_EQ((*it)[1].str(), "rgb(255,255,255)");
  }
  EXPECT_EQ(n, l.frames.size());
}

TEST(FlameSvg, KernelFramesOrangeUserHotUnknownGray) {
  const auto stacks = load_folded("several_processes.folded");
  const auto l = layout_flame(stacks);
  for (const auto& f : l.frames) {
    const std::string c = frame_color(f);
    int r = 0, g = 0, b = 0;
    ASSERT_EQ(std::sscanf(c.c_str(), "rgb(%d,%d,%d)", &r, &g, &b), 3) << c;
    switch (f.kind) {
      case FrameKind::kernel:
        EXPECT_TRUE(r >= 190 && g >= 90 && g <= 155 && b == 0) << f.name << " " << c;
        break;
      case FrameKind::user:
        EXPECT_TRUE(r >= 205 && b <= 55) << f.name << " " << c;
        break;
      case FrameKind::unknown:
        EXPECT_TRUE(r == g && g == b) << f.name << " " << c;
        break;
      default:
        break;
    }
  }
  const std::string svg = render_flame_svg(l, {"f1", "ls", "", 1200, 16, 12});
  // One <g> per frame, kernel ones classed "k" and titled without the annotation.
  size_t groups = 0, pos = 0;
  while ((pos = svg.find("<g class=\"fr ", pos)) != std::string::npos) ++groups, ++pos;
  EXPECT_EQ(groups, l.frames.size());
  EXPECT_NE(svg.find("<g class=\"fr kernel\""), std::string::npos);
  EXPECT_NE(svg.find("<title>vfs_readlink\nkernel; "), std::string::npos);
  EXPECT_EQ(svg.find("_[k]"), std::string::npos);
}

TEST(FlameSvg, HostileNamesAreEscaped) {
  const std::vector<Stack> stacks = {{"</script><img src=x onerror=alert(1)>;\"'&<>", 10},
                                     {"p;<b>bold</b>", 10}};
  const std::string svg = render_flame_svg(layout_flame(stacks), {"x\"y", "t<i>", "s&", 1200, 16, 12});
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(svg.find("<i>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(svg.find("&quot;&#39;&amp;&lt;&gt;"), std::string::npos);
  EXPECT_NE(svg.find("id=\"x&quot;y\""), std::string::npos);
}

TEST(TopFunctions, SelfAndTotalCountRecursionOnce) {
  const std::vector<Stack> stacks = {{"p;main;f;f;g", 10}, {"p;main;f", 5}, {"p;main;h_[k]", 3}, {"p", 2}};
  const auto top = top_functions(stacks, 10);
  std::map<std::string, std::pair<int64_t, int64_t>> m;
  for (const auto& t : top) m[t.name] = {t.self, t.total};
  EXPECT_EQ(m["g"], std::make_pair(int64_t{10}, int64_t{10}));
  EXPECT_EQ(m["f"], std::make_pair(int64_t{5}, int64_t{15}));
  EXPECT_EQ(m["main"], std::make_pair(int64_t{0}, int64_t{18}));
  EXPECT_EQ(m["h_[k]"], std::make_pair(int64_t{3}, int64_t{3}));
  EXPECT_EQ(m.count("p"), 0u);
  EXPECT_EQ(top.front().name, "g");
  EXPECT_EQ(top_functions(stacks, 2).size(), 2u);
}

}  // namespace
}  // namespace latlab::reports
