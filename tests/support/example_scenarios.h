// The example scenarios in a scenarios/ directory, sorted: its .json files
// less the schemas (*.schema.json) and the nightly suites (files with a
// "suite" key).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace latlab::test {

inline bool is_example_scenario(const std::filesystem::path& p) {
  if (p.extension() != ".json" || p.filename().string().find(".schema.") != std::string::npos) return false;
  std::ifstream in(p);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.find("\"suite\":") == std::string::npos;
}

inline std::vector<std::filesystem::path> example_scenario_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (is_example_scenario(e.path())) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace latlab::test
