#include "scenario/suite.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scenario/diag.h"
#include "scenario/json_pos.h"
#include "scenario/obj_reader.h"

namespace latlab::scenario {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kMetrics = {"p50", "p99", "loss"};

std::optional<std::vector<std::string>> read_metrics(ObjReader& r, const std::string& key) {
  const JValue* a = r.array(key);
  if (!a) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < a->items.size(); ++i) {
    std::string p = r.ptr(key) + "/" + std::to_string(i);
    auto s = as_string(r.diags(), a->items[i], p);
    if (!s) {
      ok = false;
      continue;
    }
    if (std::find(kMetrics.begin(), kMetrics.end(), *s) == kMetrics.end()) {
      std::string msg =
          "metric " + quote_text(*s) + " does not exist; the metrics are " + join_names(kMetrics);
      if (auto c = closest(*s, kMetrics)) msg += " (did you mean " + quote_text(*c) + "?)";
      r.diags().add(a->items[i].pos, p, msg);
      ok = false;
      continue;
    }
    if (std::find(out.begin(), out.end(), *s) != out.end()) {
      r.diags().add(a->items[i].pos, p, "metric " + quote_text(*s) + " is listed twice");
      ok = false;
      continue;
    }
    out.push_back(*s);
  }
  if (ok && out.empty()) {
    r.diags().add(a->pos, r.ptr(key),
                  "the list of metrics is empty; name at least one of " + join_names(kMetrics));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return out;
}

void parse_baseline(ObjReader& top, Suite& s) {
  const JValue* v = top.get("baseline");
  if (!v) return;
  ObjReader r(top.diags(), *v, top.ptr("baseline"), {"last", "name"}, "baseline");
  if (!r.valid()) return;
  if (r.get("last") && r.get("name")) {
    r.diags().add(r.get("name")->pos, r.ptr("name"),
                  "a baseline is either the last nights (\"last\") or a named baseline (\"name\"), not both");
    return;
  }
  if (const JValue* last = r.get("last")) {
    if (last->type == JValue::Type::number && last->is_integer && last->integer < kMinBaselineNights) {
      r.diags().add(last->pos, r.ptr("last"),
                    "a baseline window of " + std::to_string(last->integer) + " night" +
                        (last->integer == 1 ? "" : "s") + " is too small: a verdict needs at least " +
                        std::to_string(kMinBaselineNights) + " nights to know how nights vary");
      return;
    }
    if (auto n = r.integer("last", kMinBaselineNights, 365)) s.baseline_nights = static_cast<uint32_t>(*n);
  }
  if (auto n = r.str("name")) {
    if (n->empty())
      r.diags().add(r.get("name")->pos, r.ptr("name"), "the baseline name is empty");
    else
      s.baseline_name = *n;
  }
}

void parse_change_points(ObjReader& top, Suite& s) {
  const JValue* v = top.get("change_points");
  if (!v) return;
  ObjReader r(top.diags(), *v, top.ptr("change_points"), {"p_value", "window", "min_magnitude"},
              "change_points");
  if (!r.valid()) return;
  if (const JValue* p = r.get("p_value"); p && p->type == JValue::Type::number && !(p->number > 0)) {
    r.diags().add(p->pos, r.ptr("p_value"), p->string + " is out of range (more than 0, at most 0.5)");
  } else if (auto pv = r.number("p_value", 0, 0.5)) {
    s.change_pvalue = *pv;
  }
  if (auto w = r.integer("window", 6, 10000)) s.change_window = static_cast<uint32_t>(*w);
  if (auto m = r.percent("min_magnitude")) s.change_min_magnitude = *m;
}

// Loads the named scenario and reports its first problem at the suite's "file".
void load_member(Diags& d, const JValue& file_v, const std::string& ptr, SuiteScenario& sc) {
  sc.scenario = load_scenario_file(sc.path);
  if (sc.scenario.ok()) return;
  const auto& first = sc.scenario.errors.front();
  std::string msg = "scenario " + quote_text(sc.file) + " is not valid: " + first.str();
  if (sc.scenario.errors.size() > 1)
    msg += " (and " + std::to_string(sc.scenario.errors.size() - 1) + " more; `latlab validate " + sc.path +
           "` lists them)";
  d.add(file_v.pos, ptr, msg);
}

void parse_gates(Diags& d, ObjReader& r, const Suite& s, SuiteScenario& sc) {
  const JValue* gates = r.array("gate");
  if (!gates) {
    if (r.get("gate") || !sc.scenario.lab) return;
    for (const auto& e : sc.scenario.lab->experiments)
      sc.gates.push_back(SuiteGate{e.name, s.metrics, s.min_effect});
    return;
  }
  if (gates->items.empty()) {
    d.add(gates->pos, r.ptr("gate"),
          "the gate is empty; name at least one experiment, or leave \"gate\" out to gate them all");
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < gates->items.size(); ++i) {
    std::string gp = r.ptr("gate") + "/" + std::to_string(i);
    ObjReader g(d, gates->items[i], gp, {"experiment", "metrics", "min_effect"}, "gate");
    if (!g.valid()) continue;
    SuiteGate gate{"", s.metrics, s.min_effect};
    auto name = g.str("experiment", true);
    if (auto m = read_metrics(g, "metrics")) gate.metrics = *m;
    if (auto me = g.percent("min_effect")) gate.min_effect = *me;
    if (!name) continue;
    if (!seen.insert(*name).second) {
      d.add(g.get("experiment")->pos, g.ptr("experiment"),
            "experiment " + quote_text(*name) + " is gated twice");
      continue;
    }
    if (sc.scenario.lab) {
      std::vector<std::string> names;
      for (const auto& e : sc.scenario.lab->experiments) names.push_back(e.name);
      if (std::find(names.begin(), names.end(), *name) == names.end()) {
        std::string msg = "scenario " + quote_text(sc.file) + " has no experiment " + quote_text(*name) +
                          "; its experiments are " + join_names(names);
        if (auto c = closest(*name, names)) msg += " (did you mean " + quote_text(*c) + "?)";
        d.add(g.get("experiment")->pos, g.ptr("experiment"), msg);
        continue;
      }
    }
    gate.experiment = *name;
    sc.gates.push_back(std::move(gate));
  }
}

void parse_suite(const JValue& doc, Diags& d, const std::string& dir, Suite& s) {
  ObjReader r(d, doc, "",
              {"$schema", "suite", "description", "repeat", "metrics", "min_effect", "level", "baseline",
               "change_points", "scenarios"},
              "suite");
  if (!r.valid()) return;
  if (auto n = r.str("suite", true)) {
    if (n->empty() || n->size() > 64 ||
        n->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
            std::string::npos)
      d.add(r.get("suite")->pos, r.ptr("suite"),
            "suite name " + quote_text(*n) + " is not valid: 1 to 64 letters, digits, '_', '.' or '-'");
    else
      s.name = *n;
  }
  if (auto desc = r.str("description")) s.description = *desc;
  if (auto rep = r.integer("repeat", 3, 1000)) s.repeat = static_cast<uint32_t>(*rep);
  if (r.get("metrics"))
    if (auto m = read_metrics(r, "metrics")) s.metrics = *m;
  if (auto me = r.percent("min_effect")) s.min_effect = *me;
  if (const JValue* lv = r.get("level")) {
    auto f = r.percent("level");
    if (f && (*f < 0.8 || *f >= 1.0))
      d.add(lv->pos, r.ptr("level"), quote_text(lv->string) + " is out of range (80% to 99.99%)");
    else if (f)
      s.level = *f;
  }
  parse_baseline(r, s);
  parse_change_points(r, s);
  const JValue* list = r.require("scenarios");
  if (!list) return;
  if (list->type != JValue::Type::array) {
    d.add(list->pos, r.ptr("scenarios"), type_mismatch("an array", *list));
    return;
  }
  if (list->items.empty()) {
    d.add(list->pos, r.ptr("scenarios"), "the suite names no scenario");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < list->items.size(); ++i) {
    std::string p = r.ptr("scenarios") + "/" + std::to_string(i);
    ObjReader sr(d, list->items[i], p, {"file", "repeat", "gate", "description"}, "suite scenario");
    if (!sr.valid()) continue;
    SuiteScenario sc;
    auto file = sr.str("file", true);
    if (auto rep = sr.integer("repeat", 3, 1000)) sc.repeat = static_cast<uint32_t>(*rep);
    (void)sr.str("description");
    if (!file) continue;
    sc.file = *file;
    fs::path fp(*file);
    sc.path = fp.is_absolute() ? fp.string() : (fs::path(dir) / fp).lexically_normal().string();
    load_member(d, *sr.get("file"), sr.ptr("file"), sc);
    parse_gates(d, sr, s, sc);
    if (sc.scenario.lab && !names.insert(sc.name()).second) {
      d.add(sr.get("file")->pos, sr.ptr("file"),
            "scenario " + quote_text(sc.file) + " is lab " + quote_text(sc.name()) +
                ", which the suite already runs; the nights of a suite are kept by lab name");
      continue;
    }
    s.scenarios.push_back(std::move(sc));
  }
}

}  // namespace

SuiteLoadResult load_suite_text(const std::string& text, const std::string& name, const std::string& dir) {
  SuiteLoadResult out;
  Diags d(name);
  JValue doc;
  if (!read_json_document(text, d, "suites", doc)) {
    out.errors = d.take();
    return out;
  }
  Suite s;
  s.file = name;
  s.text = text;
  parse_suite(doc, d, dir, s);
  if (d.any()) {
    out.errors = d.take();
    return out;
  }
  out.suite = std::move(s);
  return out;
}

SuiteLoadResult load_suite_file(const std::string& path) {
  SuiteLoadResult out;
  auto fail = [&](const std::string& msg) {
    Diagnostic d;
    d.file = path;
    d.message = msg;
    out.errors.push_back(d);
    return out;
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fail(std::string("cannot read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail("is a directory, not a suite file");
  if (static_cast<size_t>(st.st_size) > max_scenario_bytes)
    return fail("file is " + std::to_string(st.st_size) + " bytes; suites are limited to " +
                std::to_string(max_scenario_bytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  fs::path dir = fs::path(path).parent_path();
  return load_suite_text(ss.str(), path, dir.empty() ? "." : dir.string());
}

}  // namespace latlab::scenario
