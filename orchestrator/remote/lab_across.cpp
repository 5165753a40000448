#include "remote/lab_across.h"

#include <ctime>

#include <unistd.h>

namespace latlab::remote {

namespace {

std::string failures(const std::vector<HostOutcome>& hosts) {
  std::string out;
  for (const auto& h : hosts)
    if (!h.ok) out += (out.empty() ? "" : "; ") + h.error;
  return out;
}

}  // namespace

bool AcrossTeardown::ok() const {
  if (local_error || (local && !local->ok())) return false;
  for (const auto& h : hosts)
    if (!h.ok) return false;
  return true;
}

Result<AcrossUp> up_across(topology::Engine& engine, topology::StateStore& journals, Fleet& fleet,
                           const scenario::Lab& lab, const std::string& payload, topology::ApplyOptions opt,
                           bool describe) {
  opt.hosts = fleet.hosts();
  const scenario::Lab here = scenario::part_of(lab, scenario::kLocalHost);
  auto local = engine.up(here, topology::make_plan(lab, scenario::kLocalHost), opt);
  if (!local) return std::move(local).error();
  AcrossUp out;
  out.hosts = fleet.up(lab.name, payload, describe);
  out.state = std::move(*local);
  out.state.hosts = fleet.hosts();
  Status journalled = journals.write(out.state);
  const std::string failed = failures(out.hosts);
  if (failed.empty() && journalled) return out;
  // Every part goes again, the failed hosts' too (a part that failed
  // half-way removed itself, but one cut off may not have).
  (void)fleet.cleanup(lab.name, false);
  (void)engine.down(lab.name);
  if (!journalled) return Error(journalled.error()).context("lab \"" + lab.name + "\"");
  return Error("lab \"" + lab.name + "\": " + failed, 0, ExitCode::failure);
}

std::vector<topology::JHost> journal_hosts(topology::StateStore& journals, const std::string& lab) {
  auto st = journals.read(lab);
  if (!st || !st->has_value()) return {};
  return (*st)->hosts;
}

AcrossTeardown down_across(topology::Engine& engine, topology::StateStore& journals, Fleet& fleet,
                           const std::string& lab, bool cleanup, bool verbose) {
  AcrossTeardown out;
  out.hosts = fleet.cleanup(lab, verbose);
  auto local = cleanup ? engine.cleanup(lab) : engine.down(lab);
  if (local)
    out.local = std::move(*local);
  else
    out.local_error = local.error();
  // The hosts that did not answer stay in a journal of their own here.
  topology::LabState rest;
  rest.lab = lab;
  rest.status = "hosts-left";
  rest.pid = static_cast<int>(::getpid());
  rest.created_unix = static_cast<int64_t>(::time(nullptr));
  for (size_t i = 0; i < out.hosts.size(); ++i) {
    if (out.hosts[i].ok) continue;
    rest.hosts.push_back(fleet.hosts()[i]);
    out.left.push_back("host \"" + fleet.hosts()[i].name + "\": " + left_on_host(fleet.hosts()[i], lab));
  }
  if (!rest.hosts.empty() && !out.local_error) {
    if (Status s = journals.write(rest); !s) out.local_error = s.error();
  }
  return out;
}

}  // namespace latlab::remote
