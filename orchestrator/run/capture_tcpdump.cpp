// Capture kind "tcpdump": one tcpdump per captured interface, inside the
// interface's node namespace, writing <dir>/tcpdump-<node>-<if>.pcap (0600)
// with host nanosecond timestamps and a filter limited to the experiment's
// packets. After the experiment the files are matched to the samples
// (pcap_ingest.h): wire times per sample, and frames seen against expected.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "run/capture.h"
#include "run/pcap_ingest.h"
#include "run/pcap_tcpdump.h"

namespace latlab::run {

namespace {

using std::chrono::milliseconds;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The line of `text` that contains `needle`, or "".
std::string line_with(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  if (at == std::string::npos) return "";
  auto begin = text.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  auto end = text.find('\n', at);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// realtime - monotonic, read as close together as we can.
int64_t clock_offset_now() {
  int64_t m1 = monotonic_ns();
  int64_t r = realtime_ns();
  int64_t m2 = monotonic_ns();
  return r - (m1 + (m2 - m1) / 2);
}

class TcpdumpCapture : public Capture {
 public:
  TcpdumpCapture(const scenario::CaptureSpec& spec, TcpdumpOptions options)
      : Capture(spec), options_(std::move(options)) {}

  Status start(ExperimentContext& ctx) override {
    if (started_) return Error("capture tcpdump: already started");
    auto tool = find_tool();
    if (!tool.ok()) return tool.error();
    auto ifaces = tcpdump_interfaces(spec(), *ctx.exp);
    if (!ifaces.ok()) return ifaces.error().with_context("capture tcpdump");
    const std::string filter = tcpdump_filter(*ctx.exp);
    offset_start_ = clock_offset_now();
    start_mono_ = monotonic_ns();
    for (const auto& iface : *ifaces) {
      auto st = start_one(ctx, *tool, iface, filter);
      if (!st.ok()) {
        kill_all();
        return std::move(st).error();
      }
    }
    started_ = true;
    return Ok{};
  }

  Status stop(ExperimentContext&) override {
    if (!started_ || stopped_) return Ok{};
    stopped_ = true;
    offset_end_ = clock_offset_now();
    end_mono_ = monotonic_ns();
    settle();
    std::optional<Error> first;
    for (auto& r : running_) {
      stop_one(r);
      ::chmod(r.input.file.c_str(), 0600);
      if (!r.input.tool_error.empty() && !first)
        first = Error("capture tcpdump on \"" + r.input.interface.id + "\": " + r.input.tool_error);
    }
    if (first) return *first;
    return Ok{};
  }

  Status ingest(ExperimentContext& ctx) override {
    if (!started_ || ingested_) return Ok{};  // a failed start was reported by start()
    if (!stopped_) (void)stop(ctx);           // its failures are recorded per interface below
    ingested_ = true;
    ClockMap clock;
    std::string source;
    if (ctx.clock_offset_start_ns) {
      source = "agent";
      clock.offset_start_ns = *ctx.clock_offset_start_ns;
      clock.offset_end_ns = ctx.clock_offset_end_ns;
      clock.start_mono_ns = ctx.start_mono_ns ? ctx.start_mono_ns : start_mono_;
      clock.end_mono_ns = ctx.end_mono_ns ? ctx.end_mono_ns : end_mono_;
    } else {
      // CLOCK_REALTIME and CLOCK_MONOTONIC are the same in every network
      // namespace: our own readings around the capture are as good.
      source = "capture";
      clock.offset_start_ns = offset_start_;
      clock.offset_end_ns = offset_end_;
      clock.start_mono_ns = start_mono_;
      clock.end_mono_ns = end_mono_;
    }
    std::vector<PcapInput> inputs;
    for (const auto& r : running_) inputs.push_back(r.input);
    return ingest_pcaps(ctx, inputs, match_keys_for(ctx), clock, source);
  }

 private:
  struct Running {
    PcapInput input;
    std::string log_file;
    std::unique_ptr<process::Child> child;
  };

  Result<std::string> find_tool() const {
    const Error missing("capture tcpdump: tcpdump is not installed (Debian package tcpdump)", 0,
                        ExitCode::environment);
    if (!options_.tcpdump_path.empty()) {
      if (::access(options_.tcpdump_path.c_str(), X_OK) != 0) return missing;
      return options_.tcpdump_path;
    }
    auto found = process::find_in_path("tcpdump");
    if (!found) return missing;
    return *found;
  }

  Status start_one(ExperimentContext& ctx, const std::string& tool, const CaptureInterface& iface,
                   const std::string& filter) {
    const std::string what = "capture tcpdump on \"" + iface.id + "\"";
    const scenario::Node* node = ctx.lab ? ctx.lab->find_node(iface.node) : nullptr;
    if (!node) return Error(what + ": node \"" + iface.node + "\" is not in the lab");
    const std::string netns = ctx.netns_path(iface.node);
    if (!node->root_namespace && netns.empty())
      return Error(what + ": node \"" + iface.node + "\" (kind " + node->kind +
                   ") has no network namespace latlab can enter");

    Running r;
    r.input.interface = iface;
    r.input.filter = filter;
    const std::string stem = ctx.dir + "/tcpdump-" + iface.node + "-" + iface.ifname;
    r.input.file = stem + ".pcap";
    r.log_file = stem + ".log";
    // Created 0600 before tcpdump opens it (fopen "w" keeps the mode).
    int fd = ::open(r.input.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error::from_errno(what + ": create " + r.input.file, errno);
    ::fchmod(fd, 0600);
    ::close(fd);

    bool timestamp_host = true;
    for (int attempt = 0; attempt < 2; ++attempt) {
      process::SpawnSpec s;
      s.argv = tcpdump_argv(tool, iface.ifname, r.input.file, filter, timestamp_host);
      s.netns_path = netns;
      s.stderr_file = r.log_file;
      auto child = ctx.launcher->spawn(s);
      if (!child.ok()) return child.error().with_context(what);
      r.child = std::move(*child);

      std::string text;
      auto deadline = std::chrono::steady_clock::now() + options_.listen_timeout;
      bool listening = false, exited = false;
      while (true) {
        text = read_text(r.log_file);
        if (text.find("listening on") != std::string::npos) {
          listening = true;
          break;
        }
        if (r.child->exited()) {
          exited = true;
          text = read_text(r.log_file);
          break;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(milliseconds(10));
      }
      if (listening) {
        if (std::string w = line_with(text, "When trying to set timestamp type"); !w.empty()) {
          r.input.timestamp_type = "default";
          r.input.timestamp_note = w;
        }
        running_.push_back(std::move(r));
        return Ok{};
      }
      if (exited) {
        auto code = r.child->wait(milliseconds(1000));
        const bool tstamp_refused = text.find("time stamp type") != std::string::npos ||
                                    text.find("timestamp type") != std::string::npos;
        if (timestamp_host && tstamp_refused) {
          timestamp_host = false;
          r.input.timestamp_type = "default";
          r.input.timestamp_note =
              "-j host refused (" + tcpdump_error_line(text) + "); device default time stamps";
          continue;
        }
        return Error(what + ": tcpdump exited with code " + (code.ok() ? std::to_string(*code) : "?") + ": " +
                     tcpdump_error_line(text));
      }
      r.child->signal(SIGKILL);
      (void)r.child->wait(milliseconds(1000));
      std::string last = tcpdump_error_line(text);
      return Error(what + ": tcpdump did not report \"listening on\" within " +
                   std::to_string(options_.listen_timeout.count()) + " ms" +
                   (last.empty() ? "" : ": " + last));
    }
    return Error(what + ": tcpdump did not start");
  }

  // Waits until tcpdump has written what the kernel handed it (see
  // TcpdumpOptions::settle_*): the file sizes stop changing.
  void settle() {
    auto sizes = [&] {
      std::vector<off_t> v;
      for (const auto& r : running_) {
        struct stat sb {};
        v.push_back(::stat(r.input.file.c_str(), &sb) == 0 ? sb.st_size : -1);
      }
      return v;
    };
    const auto begin = std::chrono::steady_clock::now();
    auto stable_since = begin;
    auto last = sizes();
    while (true) {
      auto now = std::chrono::steady_clock::now();
      if (now - begin >= options_.settle_max) return;
      if (now - begin >= options_.settle_min && now - stable_since >= options_.settle_quiet) return;
      std::this_thread::sleep_for(milliseconds(10));
      auto cur = sizes();
      if (cur != last) {
        last = std::move(cur);
        stable_since = std::chrono::steady_clock::now();
      }
    }
  }

  void stop_one(Running& r) {
    if (!r.child) return;
    const bool died_early = r.child->exited();
    if (!died_early) r.child->signal(SIGINT);
    auto code = r.child->wait(options_.stop_timeout);
    if (!code.ok()) {
      r.child->signal(SIGKILL);
      code = r.child->wait(milliseconds(2000));
      r.input.tool_error = "tcpdump did not stop within " + std::to_string(options_.stop_timeout.count()) +
                           " ms of SIGINT; killed";
    }
    const std::string text = read_text(r.log_file);
    r.input.stats = parse_tcpdump_stats(text);
    if (code.ok()) r.input.exit_code = *code;
    if (r.input.tool_error.empty() && (died_early || (code.ok() && *code != 0))) {
      std::string last = tcpdump_error_line(text);
      if (last.rfind("tcpdump: listening on", 0) == 0) last.clear();  // what it said when it started
      r.input.tool_error = std::string(died_early ? "tcpdump ended before the experiment did" : "tcpdump failed") +
                           " (it " + (code.ok() ? process::exit_text(*code) : "did not exit") + ")" +
                           (last.empty() ? "" : ": " + last);
    }
    r.child.reset();
  }

  void kill_all() {
    for (auto& r : running_) {
      if (!r.child) continue;
      r.child->signal(SIGKILL);
      (void)r.child->wait(milliseconds(2000));
      r.child.reset();
    }
    running_.clear();
  }

  TcpdumpOptions options_;
  std::vector<Running> running_;
  bool started_ = false;
  bool stopped_ = false;
  bool ingested_ = false;
  int64_t offset_start_ = 0;
  int64_t offset_end_ = 0;
  int64_t start_mono_ = 0;
  int64_t end_mono_ = 0;
};

}  // namespace

std::unique_ptr<Capture> make_tcpdump_capture_with(const scenario::CaptureSpec& spec,
                                                   TcpdumpOptions options) {
  return std::make_unique<TcpdumpCapture>(spec, std::move(options));
}

std::unique_ptr<Capture> make_tcpdump_capture(const scenario::CaptureSpec& spec) {
  return make_tcpdump_capture_with(spec, TcpdumpOptions{});
}

}  // namespace latlab::run
