#include "core/mode_registry.h"

#include "core/probe_modes.h"

namespace latlab::agent {

namespace {
constexpr ModeEntry kModeRunners[] = {
    {Mode::icmp, run_icmp_probe},
    {Mode::udp, run_udp_probe},
    {Mode::raw, run_raw_probe},
    {Mode::udp_reflector, run_udp_reflector},
    {Mode::raw_responder, run_raw_responder},
    {Mode::hold, run_hold},
};
}  // namespace

ModeRunner find_mode_runner(Mode mode) {
  for (const auto& entry : kModeRunners) {
    if (entry.mode == mode) return entry.run;
  }
  return nullptr;
}

}  // namespace latlab::agent
