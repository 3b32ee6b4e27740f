#include "features/level_meter.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind::features {

double amplitude_to_dbfs(double amplitude) noexcept {
    if (!(amplitude > 0.0)) return kSilenceDb;
    return std::max(kSilenceDb, 20.0 * std::log10(amplitude));
}

LevelMeter::LevelMeter(int channels, double sample_rate, double silence_threshold_db)
    : channels_(channels),
      sample_rate_(sample_rate),
      silence_threshold_(static_cast<float>(std::pow(10.0, silence_threshold_db / 20.0))) {}

void LevelMeter::add(float* interleaved, std::int64_t frames, float* mono) noexcept {
    const float scale = 1.0f / static_cast<float>(channels_);
    double squares = 0.0, mono_sum = 0.0;
    for (std::int64_t f = 0; f < frames; ++f) {
        float* sample = interleaved + f * channels_;
        float mix = 0.0f, loudest = 0.0f;
        for (int c = 0; c < channels_; ++c) {
            float x = sample[c];
            if (!std::isfinite(x)) {
                x = 0.0f;
                sample[c] = 0.0f;
                ++non_finite_;
            }
            const float magnitude = std::abs(x);
            loudest = std::max(loudest, magnitude);
            clipped_ += magnitude >= static_cast<float>(kClipLevel);
            squares += static_cast<double>(x) * x;
            mix += x;
        }
        mix *= scale;
        mono[f] = mix;
        mono_sum += mix;
        peak_ = std::max(peak_, loudest);
        if (loudest > silence_threshold_) {
            if (first_loud_ < 0) first_loud_ = frames_ + f;
            last_loud_ = frames_ + f;
        }
    }
    sum_squares_ += squares;
    mono_sum_ += mono_sum;
    frames_ += frames;
}

double LevelMeter::peak_dbfs() const noexcept { return amplitude_to_dbfs(peak_); }

double LevelMeter::rms_dbfs() const noexcept {
    const double samples = static_cast<double>(frames_) * channels_;
    return samples > 0 ? amplitude_to_dbfs(std::sqrt(sum_squares_ / samples)) : kSilenceDb;
}

LevelStats LevelMeter::result() const noexcept {
    LevelStats stats;
    stats.peak_dbfs = peak_dbfs();
    stats.rms_dbfs = rms_dbfs();
    stats.dc_offset = frames_ > 0 ? mono_sum_ / static_cast<double>(frames_) : 0.0;
    stats.clipped_samples = clipped_;
    stats.non_finite_samples = non_finite_;
    const double duration = static_cast<double>(frames_) / sample_rate_;
    if (first_loud_ < 0) {
        stats.leading_silence_s = duration;
        stats.trailing_silence_s = duration;
    } else {
        stats.leading_silence_s = static_cast<double>(first_loud_) / sample_rate_;
        stats.trailing_silence_s = static_cast<double>(frames_ - 1 - last_loud_) / sample_rate_;
    }
    return stats;
}

}  // namespace samplemind::features
