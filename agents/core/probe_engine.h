// The probe loop shared by icmp, udp and raw: paces requests on absolute
// CLOCK_MONOTONIC deadlines (start + k * interval, never drifting; the lateness
// of each send is the timer error), expires requests at their deadline, maps
// kernel stamps to the sample clock and writes sample and summary lines.
#pragma once

#include <cstddef>

#include "core/clock.h"
#include "core/json_writer.h"
#include "core/options.h"
#include "core/probe_transport.h"
#include "core/result.h"
#include "core/socket_report.h"

namespace latlab::agent {

// TX stamps are read off the error queue once this many answered samples wait
// for them, or this many requests were sent since the last read: back to back,
// right after a send, while the request is on its way.
inline constexpr std::size_t kTxStampBatch = 32;

// Writes header, samples and summary; returns the exit code (ok, or failure
// when the target did not answer at all, with an error line).
ExitCode run_probe(const AgentOptions& options, ProbeTransport& transport, const SocketReport& socket,
                   JsonLineWriter& out);

}  // namespace latlab::agent
