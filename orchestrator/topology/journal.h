// The lab's state journal: /run/latlab/<lab>/state.json. It lists every kernel
// object of the lab and is written (tmp + rename) BEFORE the objects it lists
// are created, so a crash at any point leaves a journal that covers everything
// that may exist. Teardown and cleanup read it; `latlab ls` lists journals.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/model.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace latlab::topology {

struct JNode {
  std::string name;
  std::string kind;
  std::string netns;  // "" = host namespace
};

struct JNetns {
  std::string node;
  std::string name;
};

// An interface latlab creates. mac is the address given at creation: an
// interface found with this name and this MAC but without the mark (a crash
// between create and mark) is still provably ours.
struct JLink {
  std::string node;
  std::string netns;
  std::string name;
  std::string kind;  // "bridge" | "veth" | "macvlan"
  scenario::MacAddr mac;
  std::string peer_node;  // veth only
  std::string peer_netns;
  std::string peer_name;
  scenario::MacAddr peer_mac;
  bool has_peer() const { return !peer_name.empty(); }  // a veth pair: the peer goes with it
};

// A device moved into a node, and how to give it back.
struct JPhys {
  std::string node;
  std::string netns;
  std::string device;    // name in the host namespace before the move
  std::string new_name;  // name inside the node
  uint32_t mtu = 0;
  bool up = false;
  std::vector<scenario::Prefix> addresses;
};

// A sysctl of the host namespace or a global one: restored at teardown.
struct JSysctl {
  std::string node;
  std::string name;
  std::string old_value;
  std::string value;
  bool global = false;
};

struct JRoute {
  std::string node;
  scenario::Route route;
};
struct JNeighbor {
  std::string node;
  scenario::Neighbor neighbor;
};

// An iptables/ip6tables FORWARD ACCEPT rule for a host bridge (see
// NetlinkOps::add_bridge_accept_rule), commented with the lab's mark.
// A DOCKER-USER rule of a docker-network link is one direction: -i or -o
// its bridge (chain "DOCKER-USER", dir 'i' or 'o'); a host bridge's is both
// (chain "FORWARD", dir 'b').
struct JFwRule {
  std::string node;
  std::string bridge;
  int family = 4;
  std::string chain = "FORWARD";
  char dir = 'b';
};

// A container, journalled by name before it is created; its id, PID and
// engine-chosen address are filled in once it runs.
struct JContainer {
  std::string node;
  std::string name;   // latlab-<lab>-<node>
  std::string netns;  // the link /run/netns/<netns> -> /proc/<pid>/ns/net
  std::string image;
  std::string network;  // Docker's network name
  std::string id;
  int pid = 0;
  std::string ipv4;  // "172.17.0.2/16" on its network ("" = none)
};

// A user-defined Docker network latlab created.
struct JDockerNetwork {
  std::string link;
  std::string name;
  std::string bridge;
  std::string subnet;
  std::string id;
};

// Another machine with a part of the lab (a multi-host lab's controller
// journals them before it asks them to build): how to reach it, and what it
// said it built, so that `down` and `cleanup` reach it and can say what is
// left there when it does not answer.
struct JHost {
  std::string name;  // the scenario's host name
  std::string address;
  std::string user;
  uint16_t port = 22;
  std::string identity;
  std::string jump;
  std::vector<JNode> nodes;  // its part's nodes, as it built them (empty until it answered)
  std::string info_json;     // what it said of itself: {"machine": ..., "settings": ...} ("" = nothing)
};

struct LabState {
  int version = 1;
  std::string lab;
  std::string status;  // "building" | "up" | "failed" | "tearing-down"
  std::string scenario;
  int pid = 0;
  int64_t created_unix = 0;
  std::vector<JNode> nodes;
  std::vector<JNetns> namespaces;
  std::vector<JLink> links;
  std::vector<JPhys> phys;
  std::vector<JSysctl> sysctls;
  std::vector<JRoute> routes;               // host namespace only
  std::vector<JNeighbor> neighbors;         // host namespace only
  std::vector<std::string> nf_off_bridges;  // "node:bridge"
  std::vector<JFwRule> fw_rules;
  std::vector<JContainer> containers;
  std::vector<JDockerNetwork> docker_networks;
  std::string docker_bridge_ipv4;  // docker0's address ("172.17.0.1/16") when a container uses it
  std::string part;                // a remote part: the host this machine is in the lab ("" = the controller)
  std::vector<JHost> hosts;        // the controller's journal: the lab's other hosts

  const JNode* find_node(const std::string& name) const;
};

nlohmann::json to_json(const LabState& s);
Result<LabState> lab_state_from_json(const nlohmann::json& j);

// Where journals are written. Tests and the fake use a memory store.
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual Status write(const LabState& s) = 0;
  virtual Result<std::optional<LabState>> read(const std::string& lab) = 0;
  virtual Status remove(const std::string& lab) = 0;
  virtual Result<std::vector<std::string>> labs() = 0;
};

// /run/latlab (or $LATLAB_STATE_DIR) / <lab> / state.json
class FileStateStore final : public StateStore {
 public:
  explicit FileStateStore(std::string root, bool fsync = false) : root_(std::move(root)), fsync_(fsync) {}
  static std::string default_root();

  Status write(const LabState& s) override;
  Result<std::optional<LabState>> read(const std::string& lab) override;
  Status remove(const std::string& lab) override;
  Result<std::vector<std::string>> labs() override;

  std::string dir_of(const std::string& lab) const { return root_ + "/" + lab; }
  std::string path_of(const std::string& lab) const { return dir_of(lab) + "/state.json"; }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  bool fsync_;
};

// An exclusive flock on <root>/<lab>/lock, serialising commands on one lab.
// The lock file is removed with the lab: acquire() re-checks that the file it
// locked is still the one at the path.
class LabLock {
 public:
  static Result<LabLock> acquire(const std::string& root, const std::string& lab, bool wait = true);
  LabLock(LabLock&&) = default;
  LabLock& operator=(LabLock&&) = default;
  // Removes the lock file (call while holding it, when the lab is gone).
  void remove_file();

 private:
  LabLock(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

}  // namespace latlab::topology
