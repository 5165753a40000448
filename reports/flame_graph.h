// Flame graphs from folded stacks ("comm;root;...;leaf" weight), laid out as
// FlameGraph's flamegraph.pl does, and differential flame graphs as
// difffolded.pl -n | flamegraph.pl do. The layout is independent of how the
// stacks were folded; rendering to SVG is a separate step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reports/report_model.h"

namespace latlab::reports {

enum class FrameKind {
  root,     // "all"
  process,  // first folded element (comm)
  user,     // a user-space function
  kernel,   // suffix "_[k]" (stackcollapse-perf --kernel)
  unknown,  // "[unknown]" or a bare "[module]" (no symbol)
};

const char* frame_kind_name(FrameKind k);

// One drawn frame. Positions are in samples (weight units): the frame covers
// [start, start + width) of the root's [0, total).
struct FlameFrame {
  std::string name;  // as folded, with any "_[k]" annotation
  int depth = 0;     // 0 = the "all" root, 1 = process, ...
  int64_t start = 0;
  int64_t width = 0;  // inclusive weight
  int64_t self = 0;   // weight of the stacks that end at this frame
  FrameKind kind = FrameKind::user;
  // Differential graphs only (has_delta): flamegraph.pl colors a frame by the
  // delta of the stack that ends in it (self), normalized; delta_total is the
  // inclusive delta, shown in the tooltip.
  bool has_delta = false;
  int64_t delta_self = 0;
  int64_t delta_total = 0;
};

struct FlameOptions {
  // Frames narrower than this share of the total are omitted with their
  // children (flamegraph.pl --minwidth, here as a share rather than pixels).
  double min_fraction = 0.001;
  // Hard cap on drawn frames; the narrowest go first when exceeded.
  size_t max_frames = 2000;
};

struct FlameLayout {
  int64_t total = 0;  // root width
  int max_depth = 0;
  std::vector<FlameFrame> frames;  // depth-first, children in name order; frames[0] is the root
  size_t omitted_frames = 0;       // below min_fraction or over max_frames
  int64_t omitted_weight = 0;      // weight of the omitted top-most frames
  size_t ignored_lines = 0;        // stacks with weight <= 0 or empty text
  // Differential only.
  bool differential = false;
  int64_t max_delta = 0;  // max |delta| over stacks, at least 1 (flamegraph.pl)
};

// The display name: the "_[k]" annotation stripped, as flamegraph.pl does.
std::string frame_display_name(const std::string& folded_name);
FrameKind classify_frame(const std::string& folded_name, int depth);

FlameLayout layout_flame(const std::vector<Stack>& stacks, const FlameOptions& opt = {});

// Differential flame graph of `other` against `baseline`.
//
// Semantics (difffolded.pl -n + flamegraph.pl):
// - both profiles are merged by stack text; the reference profile's counts are
//   scaled to the drawn profile's total (int truncation, as difffolded -n), so a
//   difference means "a larger share of the time", not "more samples";
// - widths come from the drawn profile; every frame's self delta is
//   drawn - reference(scaled) of the stack ending in it (intermediate frames
//   that end no stack get 0, white);
// - color: red = larger share in `other`, blue = smaller, white = unchanged,
//   saturation |delta| / max |delta|;
// - widths_from_baseline = false draws `other` (difffolded baseline other:
//   "what other does more of"); true draws the baseline with the hues switched
//   (difffolded other baseline | flamegraph --negate): frames that vanished in
//   `other` stay visible, and red still means "more in other".
FlameLayout layout_flame_diff(const std::vector<Stack>& baseline, const std::vector<Stack>& other,
                              bool widths_from_baseline = false, const FlameOptions& opt = {});

// flamegraph.pl's color_scale: rgb(255,g,b) shades of red for delta > 0, blue
// for delta < 0, white for 0.
std::string diff_color(int64_t delta, int64_t max_delta);

// Fill color of a non-differential frame: hue by kind (user: flamegraph "hot",
// kernel: orange, process: aqua, unknown: gray), shade from a hash of the name
// so that a function keeps its color across graphs.
std::string frame_color(const FlameFrame& f);

// Functions by self and total weight (total counts a stack once even when the
// function recurses). The process element is not a function and is skipped.
struct FunctionWeight {
  std::string name;  // folded name
  FrameKind kind = FrameKind::user;
  int64_t self = 0;
  int64_t total = 0;
};
std::vector<FunctionWeight> top_functions(const std::vector<Stack>& stacks, size_t limit = 25);

struct FlameSvgOptions {
  std::string id;     // unique in the page; also prefixes inner ids
  std::string title;  // escaped by the renderer
  std::string subtitle;
  int width = 1200;
  int frame_height = 16;
  int font_size = 12;
};

// An interactive SVG: <g class="fr" data-s data-w data-d> per frame with a
// <title> (name, samples, share), rects colored by kind or delta; click to zoom
// and search are done by the page script (html.cpp), which reads data-*.
std::string render_flame_svg(const FlameLayout& layout, const FlameSvgOptions& opt);

}  // namespace latlab::reports
