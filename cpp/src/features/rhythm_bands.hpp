// Onset envelopes of three drum registers, for tempo and beat-level decisions.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace samplemind::features {

/// Positive change, frame to frame, of the compressed power (power^0.3) summed over
/// mel bands in three registers: low (centres under 180 Hz: kicks, bass), mid
/// (180-1250 Hz: snare and clap bodies, hardly any hi-hat) and high (above 3.8 kHz:
/// hats and cymbals), plus all bands together. In the power domain, unlike
/// librosa's dB onset strength, a quiet hat stays quiet next to a snare, which is
/// what tells a backbeat from its subdivisions. One value per frame per register:
/// small tracks, kept whole.
class RhythmBands {
public:
    /// centres_hz: the mel bands' centre frequencies.
    explicit RhythmBands(const std::vector<double>& centres_hz) {
        for (std::size_t b = 0; b < centres_hz.size(); ++b) {
            const double f = centres_hz[b];
            register_.push_back(f < 180.0 ? 0 : f < 1250.0 ? 1 : f > 3800.0 ? 2 : -1);
        }
    }

    void reserve(std::size_t frames) {
        for (auto* track : {&low_, &mid_, &high_, &all_}) track->reserve(frames);
    }

    /// mel_power: one frame's mel band powers.
    void add(const float* mel_power) {
        double sums[3] = {0, 0, 0}, total = 0;
        for (std::size_t b = 0; b < register_.size(); ++b) {
            total += mel_power[b];
            if (register_[b] >= 0) sums[register_[b]] += mel_power[b];
        }
        const double now[4] = {std::pow(sums[0], 0.3), std::pow(sums[1], 0.3), std::pow(sums[2], 0.3), std::pow(total, 0.3)};
        std::vector<float>* tracks[4] = {&low_, &mid_, &high_, &all_};
        for (int r = 0; r < 4; ++r) {
            tracks[r]->push_back(static_cast<float>(started_ ? std::max(0.0, now[r] - previous_[r]) : 0.0));
            previous_[r] = now[r];
        }
        started_ = true;
    }

    const std::vector<float>& low() const noexcept { return low_; }
    const std::vector<float>& mid() const noexcept { return mid_; }
    const std::vector<float>& high() const noexcept { return high_; }
    const std::vector<float>& all() const noexcept { return all_; }

private:
    std::vector<int> register_;  // per mel band: 0 low, 1 mid, 2 high, -1 none
    std::vector<float> low_, mid_, high_, all_;
    double previous_[4] = {0, 0, 0, 0};
    bool started_ = false;
};

}  // namespace samplemind::features
