#include "features/sound_profile.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind::features {
namespace {
constexpr double kFloorPower = 1e-10;  // -100 dB
// Below this, relative to the loudest band, a band is silence: how far below depends
// only on the noise floor (dither, a resampler's), which must not tell sounds apart.
constexpr double kRelativeFloorDb = -80.0;
double to_db(double power) { return 10.0 * std::log10(std::max(power, kFloorPower)); }
float relative_db(double db, double reference) { return static_cast<float>(std::max(db - reference, kRelativeFloorDb)); }
}  // namespace

SoundProfileAccumulator::SoundProfileAccumulator(int n_mels) : n_mels_(n_mels) {}

void SoundProfileAccumulator::add(const float* mel_power, float rms) {
    std::array<double, SoundProfile::kBands> power{};
    for (int b = 0; b < n_mels_; ++b) power[static_cast<std::size_t>(b) * SoundProfile::kBands / n_mels_] += mel_power[b];
    for (std::size_t g = 0; g < SoundProfile::kBands; ++g) {
        const double db = to_db(power[g]);
        stats_[g].add(db);
        if (frames_ > 0) rise_sum_[g] += std::max(0.0, db - previous_db_[g]);
        previous_db_[g] = db;
    }
    ++frames_;
    if (since_start_ < 0 && rms > kStartRms) since_start_ = 0;
    if (since_start_ < 0 || since_start_ >= kSegmentEdges.back()) return;
    const auto segment = static_cast<std::size_t>(
        std::upper_bound(kSegmentEdges.begin(), kSegmentEdges.end(), since_start_) - kSegmentEdges.begin() - 1);
    for (std::size_t g = 0; g < SoundProfile::kBands; ++g) attack_power_[segment][g] += power[g];
    ++since_start_;
}

void SoundProfileAccumulator::fill(SoundProfile& profile) const {
    double reference = -1e300;  // the loudest band's mean dB: everything relative to it
    for (const RunningStats& s : stats_) reference = std::max(reference, s.mean());
    if (frames_ == 0) reference = 0.0;
    for (std::size_t g = 0; g < SoundProfile::kBands; ++g) {
        profile.band_mean_db.push_back(relative_db(stats_[g].mean(), reference));
        profile.band_std_db.push_back(static_cast<float>(stats_[g].std()));
        profile.band_rise_db.push_back(static_cast<float>(frames_ > 1 ? rise_sum_[g] / static_cast<double>(frames_ - 1) : 0.0));
    }
    for (std::size_t s = 0; s < SoundProfile::kAttackSegments; ++s) {
        const double frames = static_cast<double>(kSegmentEdges[s + 1] - kSegmentEdges[s]);
        for (std::size_t g = 0; g < SoundProfile::kBands; ++g) {
            profile.attack_db.push_back(relative_db(to_db(attack_power_[s][g] / frames), reference));
        }
    }
}

}  // namespace samplemind::features
