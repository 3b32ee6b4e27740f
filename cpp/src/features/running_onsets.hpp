// An online onset counter for live streams: decides each frame as it arrives, so a
// host can show onsets while audio is still coming. The file analysis uses the
// librosa-style peak picking of rhythm.hpp instead, which needs the whole envelope.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace samplemind::features {

/// Energy-rise onsets: a frame is an onset when its RMS level is at least kRiseDb
/// above the quietest of the previous kLookback frames, above kFloorDb, and at least
/// kRefractoryS after the previous onset. Catches attacks after a gap or a decay
/// (drums, plucks, one-shots); misses legato note changes. O(1), no allocation.
class RunningOnsets {
public:
    static constexpr double kRiseDb = 6.0;
    static constexpr double kFloorDb = -50.0;
    static constexpr double kRefractoryS = 0.1;
    static constexpr std::size_t kLookback = 4;

    /// frames_per_window: n_fft / hop, the frames one instant stays visible in.
    RunningOnsets(double frame_rate, std::int64_t frames_per_window)
        : frame_rate_(frame_rate),
          refractory_(std::max(static_cast<std::int64_t>(std::ceil(kRefractoryS * frame_rate)), frames_per_window + 1)) {
        recent_db_.fill(-160.0);
    }

    /// rms: the frame's RMS (full scale 1). Returns true when this frame is an onset.
    bool add(float rms) {
        const double db = rms > 1e-8f ? 20.0 * std::log10(static_cast<double>(rms)) : -160.0;
        const double quietest = *std::min_element(recent_db_.begin(), recent_db_.end());
        const bool onset = db > kFloorDb && db - quietest >= kRiseDb && frame_ - last_onset_ >= refractory_;
        if (onset) {
            last_onset_ = frame_;
            ++count_;
        }
        recent_db_[static_cast<std::size_t>(frame_) % kLookback] = db;
        ++frame_;
        return onset;
    }

    std::int64_t count() const noexcept { return count_; }
    /// Time of the latest onset's frame centre in seconds (-1 before the first).
    double last_onset_s() const noexcept { return count_ > 0 ? static_cast<double>(last_onset_) / frame_rate_ : -1.0; }

private:
    double frame_rate_;
    std::int64_t refractory_;
    std::array<double, kLookback> recent_db_{};
    std::int64_t frame_ = 0;
    std::int64_t last_onset_ = -1'000'000;
    std::int64_t count_ = 0;
};

}  // namespace samplemind::features
