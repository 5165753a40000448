// Capture kind "trace": net/skb tracepoints joined into hops;
// "function_tracer" adds the function tracer on the send path.
#include "scenario/kinds.h"
#include "scenario/obj_reader.h"

namespace latlab::scenario {

namespace {

void parse_trace(ParseCtx& /*ctx*/, ObjReader& r, CaptureSpec& c) {
  if (auto ft = r.boolean("function_tracer")) c.ftrace_function = *ft;
}

}  // namespace

const CaptureKind& trace_capture_kind() {
  static const CaptureKind k{.name = "trace", .keys = {"function_tracer"}, .parse = parse_trace};
  return k;
}

}  // namespace latlab::scenario
