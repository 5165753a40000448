// Nightly verdicts on simulated nights with known answers. A night has its
// own state (a log-normal factor, as a shared VM gives each run), and its
// repetitions their own on top; fixed seeds make every count reproducible.
#include "reports/nightly.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace latlab::reports;

namespace {

double unit(std::mt19937_64& g) { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; }
double normal(std::mt19937_64& g) { return std::sqrt(-2 * std::log(unit(g))) * std::cos(2 * M_PI * unit(g)); }

struct Sim {
  double base = 40'000;       // ns
  double sigma_night = 0.05;  // between nights (log scale)
  double sigma_rep = 0.03;    // between repetitions of a night
  size_t reps = 5;
};

NightIdentity ident(const std::string& kernel = "6.1.0") {
  return NightIdentity{"fnv1a64:host", kernel, "0.1.0", "fnv1a64:m", R"({"probe":"udp"})"};
}

NightPoint night(std::mt19937_64& g, const Sim& s, int64_t id, double shift = 1.0, double loss = 0) {
  NightPoint p;
  p.night = id;
  p.identity = ident();
  double state = s.sigma_night * normal(g);
  std::vector<RepetitionStat> reps;
  for (size_t i = 0; i < s.reps; ++i) {
    RepetitionStat r;
    r.repetition = static_cast<int64_t>(i);
    double v = s.base * shift * std::exp(state + s.sigma_rep * normal(g));
    r.p50 = v;
    r.p99 = 2 * v;
    r.samples = 1000;
    r.loss_pct = loss;
    reps.push_back(r);
  }
  p.value = night_value(reps, Metric::p50);
  return p;
}

// Decides night after night as `latlab nightly` does, each seeing the verdicts before it.
std::vector<NightPoint> run_nights(std::vector<NightPoint> nights, const GateOptions& opt) {
  std::vector<NightPoint> done;
  for (auto& n : nights) {
    auto d = decide(n, done, opt);
    n.verdict = d.verdict;
    n.baseline = d.baseline;
    done.push_back(n);
  }
  return done;
}

}  // namespace

TEST(NightlyVerdict, FirstNightsHaveNoBaselineThenOk) {
  std::mt19937_64 g(1);
  Sim s;
  std::vector<NightPoint> n;
  for (int i = 1; i <= 4; ++i) n.push_back(night(g, s, i));
  GateOptions opt;
  std::vector<NightPoint> before;
  for (int i = 0; i < 3; ++i) {
    auto d = decide(n[i], before, opt);
    EXPECT_EQ(d.verdict, NightVerdict::no_baseline);
    EXPECT_EQ(d.reason, std::to_string(i) + (i == 1 ? " comparable night" : " comparable nights") +
                            " so far, a verdict needs 3");
    before.push_back(n[i]);
  }
  auto d = decide(n[3], before, opt);
  EXPECT_EQ(d.verdict, NightVerdict::ok);
  EXPECT_EQ(d.baseline, (std::vector<int64_t>{1, 2, 3}));
  ASSERT_TRUE(d.estimate && d.low && d.high);
  EXPECT_LT(*d.low, 1.0);
  EXPECT_GT(*d.high, 1.0);
}

TEST(NightlyVerdict, AANightsRarelySuspectAndNeverConfirm) {
  // 100 jobs of 20 unchanged nights each: 1,700 verdicts after the first 3 nights.
  size_t suspected = 0, confirmed = 0, improved = 0, verdicts = 0, jobs_over_one = 0;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    std::mt19937_64 g(1000 + seed);
    Sim s;
    std::vector<NightPoint> n;
    for (int i = 1; i <= 20; ++i) n.push_back(night(g, s, i));
    size_t in_job = 0;
    for (const auto& p : run_nights(n, GateOptions{})) {
      if (p.verdict == NightVerdict::no_baseline) continue;
      ++verdicts;
      suspected += p.verdict == NightVerdict::suspected;
      confirmed += p.verdict == NightVerdict::confirmed;
      improved += p.verdict == NightVerdict::improved;
      in_job += p.verdict == NightVerdict::suspected || p.verdict == NightVerdict::confirmed;
    }
    jobs_over_one += in_job > 1;
  }
  std::printf("A/A: %zu verdicts, %zu suspected, %zu confirmed, %zu improved, %zu jobs with more than 1\n",
              verdicts, suspected, confirmed, improved, jobs_over_one);
  EXPECT_EQ(verdicts, 1700u);
  // A 99 % interval: 0.5 % of nights on each side at most, fewer with the 5 % floor.
  EXPECT_LE(suspected, 17u);
  EXPECT_EQ(confirmed, 0u);
  EXPECT_LE(jobs_over_one, 2u);
}

namespace {

struct StepCounts {
  size_t suspected_on_11 = 0, confirmed_by_14 = 0, change_off = 0;
};

// 50 jobs of 20 nights with a step of `shift` from night 11 on.
StepCounts step_jobs(double shift) {
  StepCounts c;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    std::mt19937_64 g(5000 + seed);
    Sim s;
    std::vector<NightPoint> n;
    for (int i = 1; i <= 20; ++i) n.push_back(night(g, s, i, i >= 11 ? shift : 1.0));
    auto out = run_nights(n, GateOptions{});
    c.suspected_on_11 += out[10].verdict == NightVerdict::suspected;
    bool by14 = false;
    for (int i = 11; i <= 13; ++i)
      by14 = by14 || out[static_cast<size_t>(i)].verdict == NightVerdict::confirmed;
    c.confirmed_by_14 += by14;
    // Confirmed nights name night 11 as the change, or a night next to it.
    for (int i = 11; i < 20; ++i) {
      auto d = decide(out[static_cast<size_t>(i)], std::vector<NightPoint>(out.begin(), out.begin() + i),
                      GateOptions{});
      if (d.verdict == NightVerdict::confirmed) c.change_off += std::abs(d.change_night - 11) > 1;
    }
  }
  return c;
}

}  // namespace

TEST(NightlyVerdict, AStepOnNight11IsSuspectedThenConfirmedWithin3Nights) {
  // Nights vary by 5 % (sd): a 99 % gate on 10 nights' spread catches about
  // 8 of 10 steps of 5 sd (+30 %) on the night and nearly all of 8 sd (+50 %).
  for (double shift : {1.2, 1.3, 1.5}) {
    auto c = step_jobs(shift);
    std::printf(
        "+%.0f %% on night 11: suspected that night %zu/50, confirmed by night 14 %zu/50, change point "
        "off by more than a night %zu\n",
        (shift - 1) * 100, c.suspected_on_11, c.confirmed_by_14, c.change_off);
    // A small step's change point may be placed a night or two off; a clear one's not.
    if (shift >= 1.3) {
      EXPECT_EQ(c.change_off, 0u) << shift;
    }
    if (shift == 1.5) {
      EXPECT_GE(c.suspected_on_11, 48u);
      EXPECT_GE(c.confirmed_by_14, 48u);
    }
    if (shift == 1.3) {
      EXPECT_GE(c.suspected_on_11, 35u);
    }
  }
}

TEST(NightlyVerdict, ASmallChangeBelowTheFloorIsOk) {
  std::mt19937_64 g(7);
  Sim s;
  s.sigma_night = 0.005;
  s.sigma_rep = 0.005;
  std::vector<NightPoint> n;
  for (int i = 1; i <= 12; ++i) n.push_back(night(g, s, i, i >= 11 ? 1.03 : 1.0));
  auto out = run_nights(n, GateOptions{});
  EXPECT_EQ(out[10].verdict, NightVerdict::ok);  // 3 %: clear, but under the 5 % floor
  GateOptions tight;
  tight.min_effect = 0.01;
  out = run_nights(n, tight);
  EXPECT_EQ(out[10].verdict, NightVerdict::suspected);
}

TEST(NightlyVerdict, ImprovedIsTheOtherWay) {
  std::mt19937_64 g(8);
  Sim s;
  std::vector<NightPoint> n;
  for (int i = 1; i <= 11; ++i) n.push_back(night(g, s, i, i == 11 ? 0.6 : 1.0));
  auto out = run_nights(n, GateOptions{});
  EXPECT_EQ(out[10].verdict, NightVerdict::improved);
}

TEST(NightlyVerdict, AKernelChangeIsNotComparableUntilThreeNightsOfIt) {
  std::mt19937_64 g(9);
  Sim s;
  std::vector<NightPoint> n;
  for (int i = 1; i <= 12; ++i) {
    n.push_back(night(g, s, i, i >= 8 ? 1.5 : 1.0));
    if (i >= 8) n.back().identity = ident("6.2.0");
  }
  std::vector<NightPoint> before;
  std::vector<NightVerdict> got;
  std::string reason8;
  for (auto& p : n) {
    auto d = decide(p, before, GateOptions{});
    if (p.night == 8) reason8 = d.reason;
    p.verdict = d.verdict;
    got.push_back(d.verdict);
    before.push_back(p);
  }
  EXPECT_EQ(got[6], NightVerdict::ok);
  EXPECT_EQ(got[7], NightVerdict::not_comparable);
  EXPECT_EQ(reason8, "since night 7: kernel 6.1.0 -> 6.2.0; 0 comparable nights so far, a verdict needs 3");
  EXPECT_EQ(got[8], NightVerdict::not_comparable);
  EXPECT_EQ(got[9], NightVerdict::not_comparable);
  EXPECT_EQ(got[10], NightVerdict::ok);  // nights 8-10 are the new kernel's baseline
}

TEST(NightlyVerdict, AMeasurementChangeSaysWhatChanged) {
  NightIdentity a = ident(), b = ident();
  b.measurement = "fnv1a64:other";
  b.measurement_json = R"({"probe":"udp","wait":"spin"})";
  a.measurement_json = R"({"probe":"udp","wait":"block"})";
  EXPECT_EQ(identity_changes(a, b),
            (std::vector<std::string>{"the measurement: wait \"block\" -> \"spin\""}));
}

TEST(NightlyVerdict, ANoteMarksAnExpectedChangeThatDoesNotAlarmAgain) {
  std::mt19937_64 g(10);
  Sim s;
  std::vector<NightPoint> n;
  for (int i = 1; i <= 16; ++i) n.push_back(night(g, s, i, i >= 11 ? 1.4 : 1.0));
  n[10].note = "sysctl rmem raised";
  auto out = run_nights(n, GateOptions{});
  auto d11 = decide(n[10], std::vector<NightPoint>(out.begin(), out.begin() + 10), GateOptions{});
  EXPECT_EQ(d11.verdict, NightVerdict::expected);
  EXPECT_EQ(d11.reason, "note: sysctl rmem raised");
  ASSERT_TRUE(d11.estimate);
  EXPECT_GT(*d11.estimate, 1.2);                          // the figures are still given
  EXPECT_EQ(out[11].verdict, NightVerdict::no_baseline);  // nights 11.. are the new epoch
  EXPECT_EQ(out[12].verdict, NightVerdict::no_baseline);
  for (size_t i = 13; i < out.size(); ++i) EXPECT_EQ(out[i].verdict, NightVerdict::ok) << "night " << i + 1;
}

TEST(NightlyVerdict, ANamedBaselineIsUsedAsIs) {
  std::mt19937_64 g(11);
  Sim s;
  std::vector<NightPoint> n;
  for (int i = 1; i <= 10; ++i) n.push_back(night(g, s, i, i >= 9 ? 1.5 : 1.0));
  GateOptions opt;
  opt.named_baseline = std::vector<int64_t>{2, 3, 4, 5, 6, 7};
  auto out = run_nights(n, opt);
  auto d = decide(n[9], std::vector<NightPoint>(out.begin(), out.begin() + 9), opt);
  EXPECT_EQ(d.baseline, (std::vector<int64_t>{2, 3, 4, 5, 6, 7}));
  EXPECT_TRUE(d.verdict == NightVerdict::suspected || d.verdict == NightVerdict::confirmed);
  // A baseline night from another kernel: not comparable, saying which.
  out[2].identity = ident("5.10");
  d = decide(n[9], std::vector<NightPoint>(out.begin(), out.begin() + 9), opt);
  EXPECT_EQ(d.verdict, NightVerdict::not_comparable);
  EXPECT_EQ(d.reason, "baseline night 3 differs: kernel 5.10 -> 6.1.0");
}

TEST(NightlyVerdict, LossInPercentagePoints) {
  std::mt19937_64 g(12);
  Sim s;
  auto loss_night = [&](int64_t id, double loss) {
    NightPoint p = night(g, s, id, 1.0, loss);
    std::vector<RepetitionStat> reps;
    for (size_t i = 0; i < 5; ++i) {
      RepetitionStat r;
      r.p50 = 1000;
      r.samples = 1000;
      r.loss_pct = loss + 0.1 * static_cast<double>(i % 2);
      reps.push_back(r);
    }
    p.value = night_value(reps, Metric::loss);
    return p;
  };
  std::vector<NightPoint> n;
  for (int i = 1; i <= 8; ++i) n.push_back(loss_night(i, 0));
  n.push_back(loss_night(9, 0.2));
  n.push_back(loss_night(10, 5.0));
  GateOptions opt;
  opt.metric = Metric::loss;
  auto out = run_nights(n, opt);
  EXPECT_EQ(out[8].verdict, NightVerdict::ok);  // 0.2 points: under the 0.5-point floor
  auto d = decide(n[9], std::vector<NightPoint>(out.begin(), out.begin() + 9), opt);
  EXPECT_EQ(d.verdict, NightVerdict::suspected);
  ASSERT_TRUE(d.estimate);
  EXPECT_NEAR(*d.estimate, 5.0, 0.1);
}

TEST(NightlyVerdict, TooFewRepetitionsFail) {
  NightPoint p;
  p.night = 1;
  std::vector<RepetitionStat> reps(2);
  reps[0].p50 = 1000;
  reps[1].p50 = 1100;
  p.value = night_value(reps, Metric::p50);
  auto d = decide(p, {}, GateOptions{});
  EXPECT_EQ(d.verdict, NightVerdict::failed);
  EXPECT_EQ(d.reason, "tonight has 2 repetitions with a value; a verdict needs 3");
}
