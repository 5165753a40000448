// An experiment's "load" (background traffic) and "pairs" (probes at once).
#include <algorithm>

#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"
#include "scenario/units.h"

namespace latlab::scenario {

namespace {

// Bandwidth a load may ask for: "0" (as fast as it goes), else 1 kbit/s to 400 Gbit/s.
constexpr uint64_t kMinLoadBps = 1000;
constexpr uint64_t kMaxLoadBps = 400'000'000'000ULL;

void parse_one_load(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr) {
  ObjReader r(ctx.d, v, ptr, {"kind", "from", "to", "streams", "bandwidth", "payload", "cpus", "congestion"}, "load");
  if (!r.valid()) return;
  LoadSpec l;
  l.src = r.src();
  l.fields = r.field_refs();
  auto kind = r.one_of("kind", kind_names(load_kinds()), "load kind", true);
  const LoadKind* lk = kind ? find_load_kind(*kind) : nullptr;
  if (lk) l.kind = lk->name;
  if (auto from = r.str("from", true)) {
    if (ctx.node_ref(*from, *r.get("from"), r.ptr("from"))) l.from_node = *from;
  }
  if (auto to = r.str("to", true)) {
    if (*to == "localhost" || *to == "self") {
      ctx.d.add(r.get("to")->pos, r.ptr("to"),
                "a load goes over the lab to another node: name it (\"b\" or \"b:eth0\"), not " + quote_text(*to));
    } else {
      l.to_text = *to;
    }
  }
  if (auto s = r.integer("streams", 1, kMaxLoadStreams)) l.streams = static_cast<uint32_t>(*s);
  if (auto bw = r.str("bandwidth")) {
    auto bps = parse_rate(*bw);
    if (!bps && *bw == "0") bps = 0;
    if (!bps) {
      ctx.d.add(r.get("bandwidth")->pos, r.ptr("bandwidth"),
                quote_text(*bw) + " is not a rate (e.g. \"100mbit\", \"1gbit\"; \"0\" for as fast as it goes)");
    } else if (*bps != 0 && (*bps < kMinLoadBps || *bps > kMaxLoadBps)) {
      ctx.d.add(r.get("bandwidth")->pos, r.ptr("bandwidth"),
                "bandwidth " + quote_text(*bw) + " is out of range: 1kbit to 400gbit, or \"0\" for as fast as it goes");
    } else {
      l.bandwidth_bps = *bps;
    }
  } else if (lk && lk->needs_bandwidth) {
    ctx.d.add(v.pos, ptr,
              "a " + lk->name +
                  " load needs \"bandwidth\" (iperf3 would send only 1 Mbit/s): a rate such as \"500mbit\", or "
                  "\"0\" for as fast as the sender can write");
  }
  if (lk) {
    if (auto p = r.integer("payload", 16, lk->max_payload)) l.payload = static_cast<uint32_t>(*p);
  }
  if (auto cpus = r.str("cpus")) {
    auto list = parse_cpu_list(*cpus);
    if (!list)
      ctx.d.add(r.get("cpus")->pos, r.ptr("cpus"), quote_text(*cpus) + " is not a CPU list (e.g. \"1\", \"0-3\", \"0,2\")");
    else
      l.cpus = *list;
  }
  if (auto cc = r.str("congestion")) {
    bool name_ok = !cc->empty() && cc->size() <= 15 && std::all_of(cc->begin(), cc->end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    });
    if (lk && !lk->congestion)
      ctx.d.add(r.get("congestion")->pos, r.ptr("congestion"),
                "\"congestion\" applies to a tcp load; a " + lk->name + " load has no congestion control");
    else if (!name_ok)
      ctx.d.add(r.get("congestion")->pos, r.ptr("congestion"),
                quote_text(*cc) + " is not a TCP congestion control name (e.g. \"cubic\", \"bbr\", \"reno\")");
    else
      l.congestion = *cc;
  }
  l.port = kLoadBasePort + static_cast<uint32_t>(e.load.size());
  e.load.push_back(std::move(l));
}

}  // namespace

void parse_load(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr) {
  if (v.type != JValue::Type::array) {
    ctx.d.add(v.pos, ptr, type_mismatch("an array of loads", v));
    return;
  }
  if (v.items.size() > kMaxLoads) {
    ctx.d.add(v.pos, ptr, std::to_string(v.items.size()) + " loads is too many (at most " +
                              std::to_string(kMaxLoads) + ")");
    return;
  }
  for (size_t i = 0; i < v.items.size(); ++i) parse_one_load(ctx, e, v.items[i], ptr + "/" + std::to_string(i));
}

void parse_pairs(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr) {
  if (v.type == JValue::Type::number) {
    if (!v.is_integer || v.integer < 1 || v.integer > static_cast<int64_t>(kMaxPairs)) {
      ctx.d.add(v.pos, ptr, "\"pairs\" must be an integer from 1 to " + std::to_string(kMaxPairs));
      return;
    }
    e.pair_count = static_cast<uint32_t>(v.integer);
    return;
  }
  if (v.type != JValue::Type::array) {
    ctx.d.add(v.pos, ptr, type_mismatch("a number of probes or a list of {\"from\", \"to\"}", v));
    return;
  }
  if (v.items.empty() || v.items.size() > kMaxPairs) {
    ctx.d.add(v.pos, ptr, "\"pairs\" lists 1 to " + std::to_string(kMaxPairs) + " probes");
    return;
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    ObjReader r(ctx.d, v.items[i], ptr + "/" + std::to_string(i), {"from", "to"}, "pair");
    if (!r.valid()) continue;
    ProbePair p;
    p.src = r.src();
    p.fields = r.field_refs();
    if (auto from = r.str("from", true)) {
      auto colon = from->find(':');
      if (colon == std::string::npos) {
        if (ctx.node_ref(*from, *r.get("from"), r.ptr("from"))) p.from_node = *from;
      } else if (auto ep = ctx.endpoint_ref(*from, *r.get("from"), r.ptr("from"))) {
        p.from_node = ep->first;
        p.from_interface = ep->second;
      }
    }
    if (auto to = r.str("to", true)) p.to_text = *to;
    e.pair_texts.push_back(std::move(p));
  }
  e.pair_count = static_cast<uint32_t>(e.pair_texts.size());
}

}  // namespace latlab::scenario
