// Coarse band statistics of a sound and its attack (SoundProfile), accumulated frame
// by frame.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "features/running_stats.hpp"
#include "samplemind/analysis.hpp"

namespace samplemind::features {

/// Groups the mel bands into SoundProfile::kBands coarse bands and keeps, per band,
/// running dB statistics and the energy of the first 48 frames after the sound
/// starts (the first frame above kStartRms). Fixed memory; one per analysing thread.
class SoundProfileAccumulator {
public:
    static constexpr float kStartRms = 1e-4f;  // -80 dBFS

    explicit SoundProfileAccumulator(int n_mels);
    /// One frame: its mel powers and RMS.
    void add(const float* mel_power, float rms);
    /// Writes the band statistics into `profile` (the rest of it is filled elsewhere).
    void fill(SoundProfile& profile) const;

private:
    static constexpr std::array<std::int64_t, SoundProfile::kAttackSegments + 1> kSegmentEdges = {0, 2, 6, 16, 48};
    int n_mels_;
    std::array<RunningStats, SoundProfile::kBands> stats_;
    std::array<double, SoundProfile::kBands> rise_sum_{}, previous_db_{};
    std::array<std::array<double, SoundProfile::kBands>, SoundProfile::kAttackSegments> attack_power_{};
    std::int64_t frames_ = 0, since_start_ = -1;
};

}  // namespace samplemind::features
