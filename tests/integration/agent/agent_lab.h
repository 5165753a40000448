// Two network namespaces joined by a veth pair, with random names containing
// "latlabt", created with iproute2 (argv, no shell) and always removed by the
// destructor, also when an assertion fails half-way.
#pragma once

#include <string>
#include <vector>

namespace latlab::test {

// Runs argv to completion; returns the exit status (or -1). Output is dropped
// unless `output` is given.
int run_command(const std::vector<std::string>& argv, std::string* output = nullptr);

struct LabOptions {
  bool address_a = true;      // 198.18.0.1/24 and 2001:2::1/64 on side a
  bool address_b = true;      // 198.18.0.2/24 and 2001:2::2/64 on side b
  bool ipv6 = false;
};

class VethLab {
 public:
  explicit VethLab(const LabOptions& options = {});
  ~VethLab();
  VethLab(const VethLab&) = delete;
  VethLab& operator=(const VethLab&) = delete;

  // Empty when setup failed; the test should ASSERT on it.
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::string ns_path_a() const { return "/run/netns/" + ns_a_; }
  [[nodiscard]] std::string ns_path_b() const { return "/run/netns/" + ns_b_; }
  [[nodiscard]] const std::string& ns_a() const { return ns_a_; }
  [[nodiscard]] const std::string& ns_b() const { return ns_b_; }
  [[nodiscard]] const std::string& if_a() const { return if_a_; }
  [[nodiscard]] const std::string& if_b() const { return if_b_; }

 private:
  bool step(const std::vector<std::string>& argv);

  std::string ns_a_;
  std::string ns_b_;
  std::string if_a_;
  std::string if_b_;
  bool created_a_ = false;
  bool created_b_ = false;
  std::string error_;
};

// latlab-agent argv for the raw pair on `lab`: a raw-responder answering for
// 198.18.0.2 on side b, and a raw probe of 198.18.0.2 from side a, each
// followed by `extra`.
std::vector<std::string> raw_responder_args(const VethLab& lab, const std::vector<std::string>& extra);
std::vector<std::string> raw_probe_args(const VethLab& lab, const std::vector<std::string>& extra);

}  // namespace latlab::test
