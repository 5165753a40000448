// Latency under load: each experiment's background loads and concurrent
// probes from the store, and each loaded experiment beside its idle
// reference with the counters that explain the difference.
#pragma once

#include "reports/report_model.h"
#include "store/store.h"
#include "util/result.h"

namespace latlab::reports {

// The experiment's loads (one summary each over the repetitions), its
// per-pair figures when it ran several probes, and its idle identity.
Status fill_load_and_pairs(store::SqliteStore& st, const std::vector<const store::ExperimentRecord*>& reps,
                           ExperimentReport& x);
// One row per experiment under load: against the idle experiment the
// scenario names, else the one run the same way without load.
void add_under_load(Report& r, bool paired);
// "tcp x2 a to b: 95.6 Mbit/s, 0 retransmits"
std::string load_text(const LoadSummary& l);

}  // namespace latlab::reports
