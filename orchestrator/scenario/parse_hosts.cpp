// The scenario's "hosts": the other machines a lab spans, each an SSH
// destination, and a node's "host". Checked strictly here, with nothing that
// ssh would read other than literally (options, tokens, whitespace).
#include <algorithm>

#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {

std::string quote(const std::string& s) { return "\"" + s + "\""; }

// What ssh takes as a literal value: no whitespace or control characters, no
// quotes, no '%' (ssh's tokens), and no leading '-' (an option).
bool ssh_literal(const std::string& s) {
  if (s.empty() || s[0] == '-') return false;
  return std::none_of(s.begin(), s.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '%' || c == '\\';
  });
}

void parse_host(ParseCtx& ctx, Host& h, const JValue& v, const std::string& ptr) {
  ObjReader r(ctx.d, v, ptr, {"address", "user", "port", "identity", "jump"}, "host");
  if (!r.valid()) return;
  h.src = r.src();
  h.fields = r.field_refs();
  struct Text {
    const char* key;
    std::string* into;
    bool required;
    const char* what;
  };
  for (const Text& t : {Text{"address", &h.address, true, "an address or a host name"},
                        Text{"user", &h.user, false, "a user name"},
                        Text{"identity", &h.identity, false, "an identity file's path"},
                        Text{"jump", &h.jump, false, "an OpenSSH ProxyJump ([user@]host[:port][,...])"}}) {
    auto s = r.str(t.key, t.required);
    if (!s) continue;
    if (!ssh_literal(*s)) {
      ctx.d.add(r.get(t.key)->pos, r.ptr(t.key),
                quote(*s) + " is not " + t.what + " ssh takes as it is (no spaces, quotes, '%' or leading '-')");
      continue;
    }
    *t.into = *s;
  }
  if (auto port = r.integer("port", 1, 65535)) h.port = static_cast<uint16_t>(*port);
}

}  // namespace

void parse_hosts(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  if (v.type != JValue::Type::object) {
    ctx.d.add(v.pos, ptr, type_mismatch("an object of host names to SSH destinations", v));
    return;
  }
  for (const auto& m : v.members) {
    std::string p = ptr + "/" + json_pointer_escape(m.key);
    if (!ctx.check_object_name(m.key, "host", 32, m.key_pos, p)) continue;
    if (m.key == kLocalHost) {
      ctx.d.add(m.key_pos, p, "host name \"local\" is reserved: it is this machine, the controller's");
      continue;
    }
    Host h;
    h.name = m.key;
    parse_host(ctx, h, m.value, p);
    ctx.lab.hosts.push_back(std::move(h));
  }
}

void parse_node_host(ParseCtx& ctx, ObjReader& r, Node& node) {
  auto h = r.str("host");
  if (!h) return;
  if (*h != kLocalHost && !ctx.lab.find_host(*h)) {
    std::string declared = kLocalHost;
    for (const auto& x : ctx.lab.hosts) declared += ", " + x.name;
    ctx.d.add(r.get("host")->pos, r.ptr("host"),
              "host " + quote(*h) + " is not declared (declared: " + declared + ")");
    return;
  }
  node.host = *h;
}

}  // namespace latlab::scenario
