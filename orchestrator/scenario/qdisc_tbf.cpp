// Qdisc kind "tbf": a token bucket shaping an interface to a rate.
#include "scenario/kinds.h"
#include "scenario/obj_reader.h"
#include "scenario/units.h"

namespace latlab::scenario {

namespace {

bool parse_tbf(ParseCtx& /*ctx*/, ObjReader& r, QdiscSpec& q) {
  bool ok = true;
  if (auto rate = r.str("rate", true)) {
    auto bps = parse_rate(*rate);
    if (!bps || *bps == 0) {
      r.diags().add(r.get("rate")->pos, r.ptr("rate"),
                    quote_text(*rate) + " is not a rate (e.g. \"1gbit\", \"100mbit\", \"10mbps\")");
      ok = false;
    } else {
      q.tbf.rate_bps = *bps;
    }
  } else {
    ok = false;
  }
  q.tbf.burst_bytes = 32 * 1024;
  if (auto burst = r.str("burst")) {
    auto b = parse_size(*burst);
    if (!b || *b < 64 || *b > (1u << 30)) {
      r.diags().add(r.get("burst")->pos, r.ptr("burst"),
                    quote_text(*burst) + " is not a burst size between 64 bytes and 1gb (e.g. \"32kb\")");
      ok = false;
    } else {
      q.tbf.burst_bytes = static_cast<uint32_t>(*b);
    }
  }
  q.tbf.latency_ns = 50'000'000;
  if (auto lat = r.duration("latency", 1000, 10'000'000'000ULL)) q.tbf.latency_ns = *lat;
  return ok;
}

}  // namespace

const QdiscKind& tbf_qdisc_kind() {
  static const QdiscKind k{.name = "tbf", .keys = {"rate", "burst", "latency"}, .parse = parse_tbf};
  return k;
}

}  // namespace latlab::scenario
