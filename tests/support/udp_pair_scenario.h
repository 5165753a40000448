// The scenario the end-to-end tests of verdicts measure: a UDP ping-pong
// over a veth pair between two netns nodes, probe and responder on CPUs of
// their own; `delay` ("400us", or "" for none) is injected in the responder,
// the system change a verdict must catch.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace latlab::test {

inline nlohmann::json udp_pair_scenario(const std::string& lab, const std::string& delay, int count) {
  using json = nlohmann::json;
  json responder = {{"kind", "udp-reflector"}, {"cpu", 0}};
  if (!delay.empty()) responder["delay"] = delay;
  return json{{"latlab", 1},
              {"name", lab},
              {"nodes", {{"a", {{"kind", "netns"}}}, {"b", {{"kind", "netns"}}}}},
              {"links", json::array({{{"kind", "veth"}, {"endpoints", {"a:eth0", "b:eth0"}}}})},
              {"experiments", json::array({{{"name", "udp"},
                                            {"probe", "udp"},
                                            {"from", "a"},
                                            {"to", "b:eth0"},
                                            {"count", count},
                                            {"interval", "2ms"},
                                            {"cpu", 1},
                                            {"warmup", 5},
                                            {"responder", responder}}})}};
}

}  // namespace latlab::test
