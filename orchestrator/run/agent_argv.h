// The latlab-agent command lines of an experiment: what every probe and
// responder takes, plus what its kind adds (run/kinds.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/model.h"

namespace latlab::run {

// The agent's argv for an experiment's probe (without any capture wrapping).
// "/latlab-agent": where the agent is inside a container.
std::string agent_in_container();

std::vector<std::string> probe_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                    const std::string& agent_path, uint32_t ident);
// One of its pairs' probes, pinned to cpu (nullopt: not pinned).
std::vector<std::string> probe_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                    const scenario::ProbePair& pair, const std::string& agent_path, uint32_t ident,
                                    std::optional<int> cpu);
// The agent's argv for the experiment's responder, or empty when the kernel answers.
std::vector<std::string> responder_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                        const std::string& agent_path);
// ... in node, pinned to cpu.
std::vector<std::string> responder_argv(const scenario::Lab& lab, const scenario::Experiment& e,
                                        const std::string& node, const std::string& agent_path,
                                        std::optional<int> cpu);

}  // namespace latlab::run
