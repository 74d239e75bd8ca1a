// The independent checker: a valid hand-made solution passes; each kind of violation is caught.
#include <gtest/gtest.h>

#include "solver_test_util.hpp"
#include "solvers/checker.hpp"

namespace leosem {
namespace {

// 2 UEs, 2 SCs, 3 slots, 1 option (ρ = 1/40), D = 2 each; every gain 10.
struct Fixture {
  Instance inst = testing::hand_instance(2, 2, 3, 1, {2, 2});
  QualityModel quality;
  Solution sol;
  double gamma = 0.0;
  Fixture() {
    for (double& g : inst.gain_per_watt) g = 10.0;
    gamma = testing::gamma_lin(inst, quality, 0, 0);
    sol.status = SolveStatus::Feasible;
    sol.option = {0, 0};
    sol.resources = {2, 2};
    sol.assigned_ue.assign(6, -1);
    sol.power_w.assign(6, 0.0);
    // UE 0 on SC 0 at t0, t1; UE 1 on SC 1 at t0, t2.
    put(0, 0, 0);
    put(0, 0, 1);
    put(1, 1, 0);
    put(1, 1, 2);
  }
  void put(int k, int n, int t) {
    sol.assigned_ue[n * 3 + t] = k;
    sol.power_w[n * 3 + t] = gamma / 10.0;
    total();
  }
  void total() {
    sol.total_power_w = 0.0;
    for (double p : sol.power_w) sol.total_power_w += p;
  }
  std::string check() const { return check_solution(inst, quality, nullptr, sol).summary(20); }
};

TEST(Checker, AcceptsAValidSolution) {
  Fixture f;
  EXPECT_EQ(f.check(), "");
}

TEST(Checker, CatchesEachViolation) {
  {
    Fixture f;  // C2: UE 0 on both SCs in slot 0
    f.sol.assigned_ue[1 * 3 + 0] = 0;
    f.sol.resources = {3, 1};
    EXPECT_NE(f.check().find("C2"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // C7: too few resources
    f.sol.assigned_ue[0 * 3 + 1] = -1;
    f.sol.power_w[0 * 3 + 1] = 0.0;
    f.sol.resources = {1, 2};
    f.total();
    EXPECT_NE(f.check().find("C7"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // deadline
    f.inst.deadline_slots[1] = 2;
    EXPECT_NE(f.check().find("deadline"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // SNR below Γ
    f.sol.power_w[0] *= 0.99;
    f.total();
    EXPECT_NE(f.check().find("C6"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // per-slot budget
    f.inst.params.max_power_w = 1.5 * f.gamma / 10.0;  // slot 0 carries two resources
    EXPECT_NE(f.check().find("C5: slot 0"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // unusable resource
    f.inst.gain_per_watt[f.inst.knt(0, 0, 1)] = 0.0;
    EXPECT_NE(f.check().find("gain 0"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // power on an unused resource
    f.sol.power_w[1 * 3 + 1] = 1.0;
    f.total();
    EXPECT_NE(f.check().find("unused resource"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // wrong total
    f.sol.total_power_w *= 0.5;
    EXPECT_NE(f.check().find("total_power_w"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // resource count mismatch
    f.sol.resources = {3, 2};
    EXPECT_NE(f.check().find("reports 3"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // unreachable quality at the chosen option
    f.inst.ssim_requirement[0] = 0.95;
    EXPECT_NE(f.check().find("unreachable"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // option out of range
    f.sol.option = {1, 0};
    EXPECT_NE(f.check().find("out of range"), std::string::npos) << f.check();
  }
  {
    Fixture f;  // an infeasible status is not a solution
    f.sol.status = SolveStatus::Infeasible;
    EXPECT_NE(f.check().find("not a solution"), std::string::npos) << f.check();
  }
}

TEST(Checker, JpegRateAndQuality) {
  Fixture f;
  const JpegTable table = testing::hand_jpeg_table();
  const JpegTableView view = make_view(table, JpegRateBasis::File);
  f.sol.scheme = Scheme::Jpeg;
  f.inst.ssim_requirement = {0.6, 0.6};
  f.sol.option = {1, 1};  // SSIM 0.68 >= 0.6
  // Bits per resource: B_sc·τ·log2(1 + p·g) with p = Γ/10, g = 10.
  const double bits_per_resource = 4e6 * std::log2(1.0 + f.gamma);
  f.inst.images = {2 * bits_per_resource / table.mean_bits_file[1], 2 * bits_per_resource / table.mean_bits_file[1]};
  EXPECT_EQ(check_solution(f.inst, f.quality, &view, f.sol).summary(), "");
  f.inst.images[0] *= 1.001;
  EXPECT_NE(check_solution(f.inst, f.quality, &view, f.sol).summary().find("rate: UE 0"), std::string::npos);
  f.inst.images[0] /= 1.001;
  f.inst.ssim_requirement[1] = 0.7;  // quality index 1 gives only 0.68
  EXPECT_NE(check_solution(f.inst, f.quality, &view, f.sol).summary().find("JPEG quality index 1"), std::string::npos);
}

}  // namespace
}  // namespace leosem
