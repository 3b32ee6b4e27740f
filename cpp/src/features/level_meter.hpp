// Sample-level measures on the source samples, before any resampling.
#pragma once

#include <cstdint>

#include "samplemind/analysis.hpp"

namespace samplemind::features {

/// Peak, RMS, DC offset, clipping and leading/trailing silence of interleaved audio.
/// add() also replaces non-finite samples by 0 (counting them) and writes the mono
/// mix (the mean of the channels), so the rest of the pipeline sees clean samples.
class LevelMeter {
public:
    LevelMeter(int channels, double sample_rate, double silence_threshold_db);

    /// interleaved: frames x channels, sanitised in place. mono: receives frames values.
    void add(float* interleaved, std::int64_t frames, float* mono) noexcept;
    std::int64_t frames() const noexcept { return frames_; }
    double peak_dbfs() const noexcept;
    /// Largest |sample| so far, linear.
    float peak() const noexcept { return peak_; }
    double rms_dbfs() const noexcept;
    LevelStats result() const noexcept;

private:
    void track_silence(const float* interleaved, std::int64_t frames) noexcept;

    int channels_;
    double sample_rate_;
    float silence_threshold_;
    std::int64_t frames_ = 0;
    float peak_ = 0.0f;
    double sum_squares_ = 0.0;
    double mono_sum_ = 0.0;
    std::int64_t clipped_ = 0;
    std::int64_t non_finite_ = 0;
    std::int64_t first_loud_ = -1;  // frame index of the first sample above the threshold
    std::int64_t last_loud_ = -1;
};

/// 20 log10(amplitude), floored at kSilenceDb.
double amplitude_to_dbfs(double amplitude) noexcept;

}  // namespace samplemind::features
