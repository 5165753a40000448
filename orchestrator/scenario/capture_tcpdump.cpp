// Capture kind "tcpdump": a pcap per interface ("interfaces", default the
// probe's egress), each request and reply matched to its sample.
#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {

void parse_tcpdump(ParseCtx& ctx, ObjReader& r, CaptureSpec& c) {
  const JValue* ifs = r.array("interfaces");
  if (!ifs) return;
  for (size_t k = 0; k < ifs->items.size(); ++k) {
    std::string ip = r.ptr("interfaces") + "/" + std::to_string(k);
    auto s = as_string(ctx.d, ifs->items[k], ip);
    if (!s) continue;
    auto colon = s->find(':');
    if (colon == std::string::npos) {
      ctx.d.add(
          ifs->items[k].pos, ip,
          "capture interface " + quote_text(*s) + " must be \"node:ifname\" (e.g. \"a:eth0\" or \"a:lo\")");
      continue;
    }
    if (!ctx.node_ref(s->substr(0, colon), ifs->items[k], ip)) continue;
    c.fields["interfaces/" + std::to_string(c.interfaces.size())] = ref(ifs->items[k], ip);
    c.interfaces.push_back(*s);
  }
}

}  // namespace

const CaptureKind& tcpdump_capture_kind() {
  static const CaptureKind k{.name = "tcpdump", .keys = {"interfaces"}, .parse = parse_tcpdump};
  return k;
}

}  // namespace latlab::scenario
