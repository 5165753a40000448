#include "remote/hosts_launcher.h"

#include <cerrno>

namespace latlab::remote {

Result<std::unique_ptr<process::Child>> HostsLauncher::spawn(const process::SpawnSpec& spec) {
  if (spec.host.empty() || spec.host == "local") return local_.spawn(spec);
  auto it = hosts_.find(spec.host);
  if (it == hosts_.end())
    return Error("spawn \"" + (spec.argv.empty() ? std::string() : spec.argv[0]) + "\": host \"" + spec.host +
                     "\" is not one of the lab's hosts",
                 EINVAL);
  if (!spec.stdin_text.empty()) return it->second->spawn(spec);
  process::SpawnSpec wrapped = spec;
  wrapped.stdin_open = true;  // the remote command ends when latlab is done with it, or dies
  return it->second->spawn(wrapped);
}

}  // namespace latlab::remote
