// Entering the lab node's network namespace before any socket is opened.
// latlab-agent is single-threaded, so setns() on the main thread moves the
// whole process.
#pragma once

#include <string>

#include "core/result.h"

namespace latlab::agent {

Status enter_netns_path(const std::string& path);
Status enter_netns_pid(int pid);

}  // namespace latlab::agent
