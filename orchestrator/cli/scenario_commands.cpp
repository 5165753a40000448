// latlab validate, latlab plan: read a scenario, never touch the kernel.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "topology/plan.h"
#include "util/result.h"

namespace latlab::cli {

namespace {

nlohmann::json diag_json(const scenario::Diagnostic& d) {
  return {{"file", d.file}, {"line", d.line}, {"column", d.col}, {"pointer", d.pointer}, {"message", d.message}};
}

int run_validate(const std::vector<std::string>& files, const std::string& hosts_file, bool json) {
  bool all_ok = true;
  const auto inventory = load_inventory_or_throw(hosts_file);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : files) {
    auto r = scenario::load_scenario_file(f, inventory);
    all_ok = all_ok && r.ok();
    if (json) {
      nlohmann::json j = {{"file", f}, {"valid", r.ok()}, {"errors", nlohmann::json::array()}};
      for (const auto& d : r.errors) j["errors"].push_back(diag_json(d));
      if (r.ok()) {
        j["lab"] = r.lab->name;
        j["nodes"] = r.lab->nodes.size();
        j["links"] = r.lab->links.size();
        j["interfaces"] = r.lab->interfaces.size();
        j["experiments"] = r.lab->experiments.size();
      }
      out.push_back(j);
      continue;
    }
    if (r.ok()) {
      const auto& lab = *r.lab;
      std::printf("%s: ok: lab \"%s\": %zu nodes, %zu links, %zu interfaces, %zu experiments\n", f.c_str(),
                  lab.name.c_str(), lab.nodes.size(), lab.links.size(), lab.interfaces.size(),
                  lab.experiments.size());
    } else {
      for (const auto& d : r.errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    }
  }
  if (json) std::printf("%s\n", out.dump(2).c_str());
  return all_ok ? 0 : to_int(ExitCode::bad_input);
}

// "root@198.18.200.2:22" for a declared host, "this machine" for local.
std::string destination(const scenario::Lab& lab, const std::string& host) {
  const scenario::Host* h = lab.find_host(host);
  if (!h) return "this machine";
  return (h->user.empty() ? "" : h->user + "@") + h->address + ":" + std::to_string(h->port) +
         (h->jump.empty() ? "" : " via " + h->jump);
}

int run_plan(const std::string& file, const std::string& hosts_file, bool json) {
  auto r = load_lab_or_throw(file, hosts_file);
  const auto& lab = *r.lab;
  // A lab on this machine alone is one part; a lab across hosts one a host.
  const std::vector<std::string> parts =
      lab.hosts.empty() ? std::vector<std::string>{scenario::kLocalHost} : scenario::hosts_in_use(lab);
  std::vector<std::string> experiments;
  for (const auto& e : lab.experiments) experiments.push_back(topology::experiment_line(e));
  if (json) {
    nlohmann::json j = topology::to_json(topology::make_plan(lab));
    j["experiments"] = experiments;
    if (!lab.hosts.empty()) {
      j["parts"] = nlohmann::json::array();
      for (const auto& h : parts) {
        nlohmann::json part = topology::to_json(topology::make_plan(lab, h));
        j["parts"].push_back({{"host", h}, {"destination", destination(lab, h)}, {"actions", part["actions"]}});
      }
    }
    j["repeat"] = lab.repeat;
    j["order"] = lab.order;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("lab \"%s\": %zu nodes, %zu interfaces", lab.name.c_str(), lab.nodes.size(), lab.interfaces.size());
  for (const auto& h : parts) {
    auto plan = topology::make_plan(lab, h);
    if (lab.hosts.empty())
      std::printf(", %zu actions\n", plan.actions.size());
    else
      std::printf("%shost %s (%s): %zu actions\n", &h == &parts.front() ? "\n" : "", h.c_str(),
                  destination(lab, h).c_str(), plan.actions.size());
    size_t i = 0;
    for (const auto& a : plan.actions) std::printf("%4zu. %s\n", ++i, topology::describe(a).c_str());
  }
  std::printf("experiments (repeat %u, order %s):\n", lab.repeat, lab.order.c_str());
  for (const auto& e : experiments) std::printf("      %s\n", e.c_str());
  return 0;
}

}  // namespace

void add_scenario_commands(Registry& reg) {
  struct Opts {
    std::vector<std::string> files;
    std::string file, hosts;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();

  auto* v = reg.app.add_subcommand(
      "validate", "Check scenario files without touching the kernel; print every error as file:line:col "
                  "(exit 2 when any file is invalid)");
  v->add_option("FILE", o->files, "scenario file(s)")->required()->check(CLI::ExistingFile);
  v->add_option("--hosts", o->hosts, "inventory file: {\"hosts\": {...}}, SSH destinations that replace and add to the scenarios' own")
      ->check(CLI::ExistingFile);
  v->add_flag("--json", o->json, "print results as JSON");
  v->callback([o, sel = reg.selected] { *sel = [o] { return run_validate(o->files, o->hosts, o->json); }; });

  auto* p = reg.app.add_subcommand(
      "plan", "Print the ordered kernel actions `latlab up` would take for a scenario, and its experiments; "
              "changes nothing");
  p->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  p->add_option("--hosts", o->hosts, "inventory file: {\"hosts\": {...}}, SSH destinations that replace and add to the scenario's own")
      ->check(CLI::ExistingFile);
  p->add_flag("--json", o->json, "print the plan as JSON");
  p->callback([o, sel = reg.selected] { *sel = [o] { return run_plan(o->file, o->hosts, o->json); }; });
}

}  // namespace latlab::cli
