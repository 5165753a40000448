// A lab across machines, as `latlab up`, `run`, `down` and `cleanup` build and
// remove it: the controller's own part through its Engine (its journal lists
// the other hosts before any of them is asked to build), then every other
// host's part through the Fleet, in parallel. A host that fails makes `up`
// fail and remove every part again; a host that cannot be reached at
// teardown keeps a journal here naming it and what it had, so that `latlab
// cleanup LAB` reaches it once it answers.
#pragma once

#include <string>
#include <vector>

#include "remote/fleet.h"
#include "topology/engine.h"

namespace latlab::remote {

struct AcrossUp {
  topology::LabState state;  // the controller's journal, with every host's nodes
  std::vector<HostOutcome> hosts;
};

// describe: the hosts also say what they are (Fleet::up), for a run's record.
Result<AcrossUp> up_across(topology::Engine& engine, topology::StateStore& journals, Fleet& fleet,
                           const scenario::Lab& lab, const std::string& payload, topology::ApplyOptions opt,
                           bool describe = false);

struct AcrossTeardown {
  std::optional<topology::TeardownReport> local;  // nullopt: this machine had no journal for the lab
  std::optional<Error> local_error;
  std::vector<HostOutcome> hosts;
  std::vector<std::string> left;  // one line per host that did not answer: what is left there
  bool ok() const;
};

// The hosts a journal names, for a Fleet (empty for a lab of this machine).
std::vector<topology::JHost> journal_hosts(topology::StateStore& journals, const std::string& lab);

// down (cleanup = false) or cleanup of LAB on every host its journal names,
// then here.
AcrossTeardown down_across(topology::Engine& engine, topology::StateStore& journals, Fleet& fleet,
                           const std::string& lab, bool cleanup, bool verbose);

}  // namespace latlab::remote
