// `latlab image build`: latlab's agent image, FROM scratch with the static
// latlab-agent alone, built by the local Docker engine (never pulled).
// `latlab up` and `latlab run` build it themselves when it is missing.
#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "topology/plan.h"
#include "util/result.h"

namespace latlab::cli {

namespace {

int run_image_build(const std::string& tag_flag, bool as_json) {
  const std::string tag = tag_flag.empty() ? topology::agent_image_ref() : tag_flag;
  const std::string agent = agent_path();
  auto runtime = make_container_runtime();
  if (Status s = runtime->ping(); !s) throw FatalError(Error(s.error()).exit(ExitCode::environment));
  auto t0 = std::chrono::steady_clock::now();
  if (Status s = runtime->build_agent_image(tag, agent); !s)
    throw FatalError(Error(s.error()).context("image " + tag).exit(ExitCode::environment));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (as_json) {
    nlohmann::json j = {{"image", tag}, {"agent", agent}, {"seconds", secs}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("built image %s (FROM scratch, %s as /latlab-agent) in %.3f s\n", tag.c_str(), agent.c_str(), secs);
  }
  return 0;
}

}  // namespace

void add_image_commands(Registry& reg) {
  struct Opts {
    std::string tag;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sel = reg.selected;
  auto* image = reg.app.add_subcommand("image", "Container images for docker nodes (built locally, never pulled)");
  image->require_subcommand(1);
  auto* build = image->add_subcommand(
      "build",
      "Build latlab's agent image (default tag latlab-agent:<version>): FROM scratch with this "
      "machine's static latlab-agent alone, labelled latlab.image=agent, through the local Docker "
      "engine. `latlab up` and `latlab run` build it when it is missing. Needs access to the Docker "
      "socket.");
  build->add_option("--tag", o->tag, "image reference to build (default latlab-agent:<version>)");
  build->add_flag("--json", o->json, "print the result as JSON");
  build->callback([o, sel] { *sel = [o] { return run_image_build(o->tag, o->json); }; });
}

}  // namespace latlab::cli
