// Where latlab keeps its own binaries on a multi-host lab's other hosts: the
// controller copies them there (remote/fleet.h) and starts agents from there
// (run/agent_argv.cpp). A lab name cannot start with '.', so no lab's state
// directory under /run/latlab is ever this one.
#pragma once

namespace latlab {

inline constexpr const char* kRemoteBinDir = "/run/latlab/.bin";
inline constexpr const char* kRemoteCli = "/run/latlab/.bin/latlab";
inline constexpr const char* kRemoteAgent = "/run/latlab/.bin/latlab-agent";

}  // namespace latlab
