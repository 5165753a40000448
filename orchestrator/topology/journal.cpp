#include "topology/journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace latlab::topology {

using nlohmann::json;
using scenario::IpAddr;
using scenario::MacAddr;
using scenario::Prefix;

const JNode* LabState::find_node(const std::string& name) const {
  for (const auto& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

namespace {

json route_json(const scenario::Route& r) {
  json j;
  j["to"] = r.to ? json(r.to->str()) : json(nullptr);
  j["family"] = r.family;
  j["via"] = r.via ? json(r.via->str()) : json(nullptr);
  j["dev"] = r.dev;
  j["metric"] = r.metric ? json(*r.metric) : json(nullptr);
  return j;
}

template <typename T>
T need(const std::optional<T>& v, const std::string& what) {
  if (!v) throw std::runtime_error("bad " + what);
  return *v;
}

scenario::Route route_from(const json& j) {
  scenario::Route r;
  if (!j.at("to").is_null()) r.to = need(Prefix::parse(j.at("to").get<std::string>()), "route");
  r.family = j.at("family").get<int>();
  if (!j.at("via").is_null()) r.via = need(IpAddr::parse(j.at("via").get<std::string>()), "via");
  r.dev = j.at("dev").get<std::string>();
  if (!j.at("metric").is_null()) r.metric = j.at("metric").get<uint32_t>();
  return r;
}

}  // namespace

json to_json(const LabState& s) {
  json j;
  j["version"] = s.version;
  j["lab"] = s.lab;
  j["status"] = s.status;
  j["scenario"] = s.scenario;
  j["pid"] = s.pid;
  j["created_unix"] = s.created_unix;
  j["nodes"] = json::array();
  for (const auto& n : s.nodes)
    j["nodes"].push_back({{"name", n.name}, {"kind", n.kind}, {"netns", n.netns}});
  j["namespaces"] = json::array();
  for (const auto& n : s.namespaces) j["namespaces"].push_back({{"node", n.node}, {"name", n.name}});
  j["links"] = json::array();
  for (const auto& l : s.links) {
    json x = {{"node", l.node}, {"netns", l.netns}, {"name", l.name}, {"kind", l.kind}, {"mac", l.mac.str()}};
    if (l.has_peer()) {
      x["peer_node"] = l.peer_node;
      x["peer_netns"] = l.peer_netns;
      x["peer_name"] = l.peer_name;
      x["peer_mac"] = l.peer_mac.str();
    }
    j["links"].push_back(std::move(x));
  }
  j["phys"] = json::array();
  for (const auto& p : s.phys) {
    json a = json::array();
    for (const auto& pr : p.addresses) a.push_back(pr.str());
    j["phys"].push_back({{"node", p.node},
                         {"netns", p.netns},
                         {"device", p.device},
                         {"new_name", p.new_name},
                         {"mtu", p.mtu},
                         {"up", p.up},
                         {"addresses", a}});
  }
  j["sysctls"] = json::array();
  for (const auto& x : s.sysctls) {
    j["sysctls"].push_back({{"node", x.node},
                            {"name", x.name},
                            {"old_value", x.old_value},
                            {"value", x.value},
                            {"global", x.global}});
  }
  j["routes"] = json::array();
  for (const auto& r : s.routes) j["routes"].push_back({{"node", r.node}, {"route", route_json(r.route)}});
  j["neighbors"] = json::array();
  for (const auto& n : s.neighbors) {
    j["neighbors"].push_back({{"node", n.node},
                              {"ip", n.neighbor.ip.str()},
                              {"mac", n.neighbor.mac.str()},
                              {"dev", n.neighbor.dev}});
  }
  j["nf_off_bridges"] = s.nf_off_bridges;
  j["fw_rules"] = json::array();
  for (const auto& r : s.fw_rules)
    j["fw_rules"].push_back({{"node", r.node},
                             {"bridge", r.bridge},
                             {"family", r.family},
                             {"chain", r.chain},
                             {"dir", std::string(1, r.dir)}});
  j["containers"] = json::array();
  for (const auto& c : s.containers) {
    j["containers"].push_back({{"node", c.node},
                               {"name", c.name},
                               {"netns", c.netns},
                               {"image", c.image},
                               {"network", c.network},
                               {"id", c.id},
                               {"pid", c.pid},
                               {"ipv4", c.ipv4}});
  }
  j["docker_networks"] = json::array();
  for (const auto& n : s.docker_networks) {
    j["docker_networks"].push_back(
        {{"link", n.link}, {"name", n.name}, {"bridge", n.bridge}, {"subnet", n.subnet}, {"id", n.id}});
  }
  if (!s.docker_bridge_ipv4.empty()) j["docker_bridge_ipv4"] = s.docker_bridge_ipv4;
  if (!s.part.empty()) j["part"] = s.part;
  if (!s.hosts.empty()) {
    j["hosts"] = json::array();
    for (const auto& h : s.hosts) {
      json nodes = json::array();
      for (const auto& n : h.nodes) nodes.push_back({{"name", n.name}, {"kind", n.kind}, {"netns", n.netns}});
      j["hosts"].push_back({{"name", h.name},
                            {"address", h.address},
                            {"user", h.user},
                            {"port", h.port},
                            {"identity", h.identity},
                            {"jump", h.jump},
                            {"nodes", nodes},
                            {"info", h.info_json}});
    }
  }
  return j;
}

Result<LabState> lab_state_from_json(const json& j) {
  try {
    LabState s;
    s.version = j.at("version").get<int>();
    if (s.version != 1) return Error("journal version " + std::to_string(s.version) + " is not supported");
    s.lab = j.at("lab").get<std::string>();
    s.status = j.at("status").get<std::string>();
    s.scenario = j.value("scenario", "");
    s.pid = j.value("pid", 0);
    s.created_unix = j.value("created_unix", int64_t{0});
    for (const auto& n : j.at("nodes")) {
      s.nodes.push_back({n.at("name").get<std::string>(), n.at("kind").get<std::string>(),
                         n.at("netns").get<std::string>()});
    }
    for (const auto& n : j.at("namespaces")) {
      s.namespaces.push_back({n.at("node").get<std::string>(), n.at("name").get<std::string>()});
    }
    for (const auto& x : j.at("links")) {
      JLink l;
      l.node = x.at("node").get<std::string>();
      l.netns = x.at("netns").get<std::string>();
      l.name = x.at("name").get<std::string>();
      l.kind = x.at("kind").get<std::string>();
      l.mac = need(MacAddr::parse(x.at("mac").get<std::string>()), "mac");
      if (x.contains("peer_name")) {
        l.peer_node = x.at("peer_node").get<std::string>();
        l.peer_netns = x.at("peer_netns").get<std::string>();
        l.peer_name = x.at("peer_name").get<std::string>();
        l.peer_mac = need(MacAddr::parse(x.at("peer_mac").get<std::string>()), "mac");
      }
      s.links.push_back(std::move(l));
    }
    for (const auto& x : j.at("phys")) {
      JPhys p;
      p.node = x.at("node").get<std::string>();
      p.netns = x.at("netns").get<std::string>();
      p.device = x.at("device").get<std::string>();
      p.new_name = x.at("new_name").get<std::string>();
      p.mtu = x.at("mtu").get<uint32_t>();
      p.up = x.at("up").get<bool>();
      for (const auto& a : x.at("addresses"))
        p.addresses.push_back(need(Prefix::parse(a.get<std::string>()), "address"));
      s.phys.push_back(std::move(p));
    }
    for (const auto& x : j.at("sysctls")) {
      s.sysctls.push_back({x.at("node").get<std::string>(), x.at("name").get<std::string>(),
                           x.at("old_value").get<std::string>(), x.at("value").get<std::string>(),
                           x.at("global").get<bool>()});
    }
    for (const auto& x : j.at("routes"))
      s.routes.push_back({x.at("node").get<std::string>(), route_from(x.at("route"))});
    for (const auto& x : j.at("neighbors")) {
      JNeighbor n;
      n.node = x.at("node").get<std::string>();
      n.neighbor.ip = need(IpAddr::parse(x.at("ip").get<std::string>()), "ip");
      n.neighbor.mac = need(MacAddr::parse(x.at("mac").get<std::string>()), "mac");
      n.neighbor.dev = x.at("dev").get<std::string>();
      s.neighbors.push_back(std::move(n));
    }
    s.nf_off_bridges = j.value("nf_off_bridges", std::vector<std::string>{});
    if (j.contains("fw_rules")) {
      for (const auto& x : j.at("fw_rules")) {
        JFwRule r{x.at("node").get<std::string>(), x.at("bridge").get<std::string>(), x.at("family").get<int>()};
        r.chain = x.value("chain", std::string("FORWARD"));
        std::string dir = x.value("dir", std::string("b"));
        r.dir = dir.empty() ? 'b' : dir[0];
        s.fw_rules.push_back(std::move(r));
      }
    }
    for (const auto& x : j.value("containers", json::array())) {
      JContainer c;
      c.node = x.at("node").get<std::string>();
      c.name = x.at("name").get<std::string>();
      c.netns = x.at("netns").get<std::string>();
      c.image = x.value("image", "");
      c.network = x.value("network", "");
      c.id = x.value("id", "");
      c.pid = x.value("pid", 0);
      c.ipv4 = x.value("ipv4", "");
      s.containers.push_back(std::move(c));
    }
    for (const auto& x : j.value("docker_networks", json::array())) {
      s.docker_networks.push_back({x.at("link").get<std::string>(), x.at("name").get<std::string>(),
                                   x.value("bridge", ""), x.value("subnet", ""), x.value("id", "")});
    }
    s.docker_bridge_ipv4 = j.value("docker_bridge_ipv4", "");
    s.part = j.value("part", "");
    for (const auto& x : j.value("hosts", json::array())) {
      JHost h{x.at("name").get<std::string>(), x.at("address").get<std::string>(), x.value("user", ""),
              x.value("port", uint16_t{22}), x.value("identity", ""), x.value("jump", ""), {}, x.value("info", "")};
      for (const auto& n : x.value("nodes", json::array()))
        h.nodes.push_back({n.at("name").get<std::string>(), n.value("kind", ""), n.value("netns", "")});
      s.hosts.push_back(std::move(h));
    }
    return s;
  } catch (const std::exception& e) {
    return Error(std::string("malformed journal: ") + e.what());
  }
}

std::string FileStateStore::default_root() {
  if (const char* v = std::getenv("LATLAB_STATE_DIR"); v != nullptr && *v != '\0') return v;
  return "/run/latlab";
}

namespace {
Status mkdirs(const std::string& path) {
  std::string cur;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (part.empty()) {
      if (cur.empty()) cur = "";
      continue;
    }
    cur += "/" + part;
    if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir " + cur, errno);
  }
  return Ok{};
}
}  // namespace

Status FileStateStore::write(const LabState& s) {
  const std::string dir = dir_of(s.lab);
  LATLAB_TRY(mkdirs(dir));
  const std::string path = path_of(s.lab);
  const std::string tmp = path + ".tmp";
  const std::string text = to_json(s).dump() + "\n";  // compact: 2x faster for 1000-node labs
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error::from_errno("write journal " + tmp, errno);
  UniqueFd owner(fd);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("write journal " + tmp, errno);
    }
    off += static_cast<size_t>(n);
  }
  if (fsync_ && ::fsync(fd) != 0) return Error::from_errno("fsync journal " + tmp, errno);
  owner.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Error::from_errno("rename journal to " + path, errno);
  return Ok{};
}

Result<std::optional<LabState>> FileStateStore::read(const std::string& lab) {
  const std::string path = path_of(lab);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<LabState>();
    return Error::from_errno("read journal " + path, errno);
  }
  UniqueFd owner(fd);
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read journal " + path, errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Error("read journal " + path + ": not valid JSON");
  auto s = lab_state_from_json(j);
  if (!s) return std::move(s).error().context("read journal " + path);
  return std::optional<LabState>(std::move(*s));
}

Status FileStateStore::remove(const std::string& lab) {
  const std::string path = path_of(lab);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return Error::from_errno("remove journal " + path, errno);
  (void)::unlink((path + ".tmp").c_str());
  return Ok{};
}

Result<std::vector<std::string>> FileStateStore::labs() {
  std::vector<std::string> out;
  DIR* d = ::opendir(root_.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return Error::from_errno("list " + root_, errno);
  }
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.empty() || n[0] == '.') continue;  // ., .. and latlab's own (.bin, .ssh): never a lab
    struct stat st {};
    if (::stat(path_of(n).c_str(), &st) == 0) out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Result<LabLock> LabLock::acquire(const std::string& root, const std::string& lab, bool wait) {
  const std::string dir = root + "/" + lab;
  const std::string path = dir + "/lock";
  for (int attempt = 0; attempt < 100; ++attempt) {
    LATLAB_TRY(mkdirs(dir));
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == ENOENT) continue;  // the directory went away under us
      return Error::from_errno("open lock " + path, errno).exit(ExitCode::environment);
    }
    UniqueFd owner(fd);
    if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
      if (errno == EWOULDBLOCK)
        return Error("lab \"" + lab + "\" is busy: another latlab command holds " + path);
      return Error::from_errno("lock " + path, errno);
    }
    struct stat a {
    }, b{};
    if (::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev) {
      return LabLock(std::move(owner), path);
    }
    // The holder removed the lab (and its lock file) meanwhile: take the new one.
  }
  return Error("lock " + path + ": gave up after repeated races");
}

void LabLock::remove_file() {
  if (path_.empty()) return;
  (void)::unlink(path_.c_str());
  std::string dir = path_.substr(0, path_.rfind('/'));
  (void)::rmdir(dir.c_str());
}

}  // namespace latlab::topology
