#include "features/level_meter.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "dsp/simd4.hpp"
#include "dsp/vector_ops.hpp"

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
    // Separate simple passes, each one the compiler vectorises, instead of one
    // branchy loop: sanitise, then measure, then mix.
    const auto samples = static_cast<std::size_t>(frames) * static_cast<std::size_t>(channels_);
    std::int64_t non_finite = 0;
    // Beyond +80 dBFS (float files may hold 1e38) a sample is clamped, so that powers
    // and sums downstream stay finite; it still counts as clipped.
    constexpr float kLargest = 1e4f;
    for (std::size_t i = 0; i < samples; ++i) {
        const bool bad = !(std::abs(interleaved[i]) <= FLT_MAX);  // NaN or infinite
        non_finite += bad;
        interleaved[i] = bad ? 0.0f : std::clamp(interleaved[i], -kLargest, kLargest);
    }
    non_finite_ += non_finite;

    // Peak and clip count four samples at a time (a max reduction only vectorises by
    // hand without -ffast-math); clip counts per lane stay exact in float (< 2^24).
    using dsp::V4;
    V4 peak4 = dsp::splat4(peak_), clipped4 = dsp::splat4(0.0f);
    const V4 clip4 = dsp::splat4(static_cast<float>(kClipLevel));
    std::size_t i = 0;
    for (; i + 4 <= samples; i += 4) {
        const V4 magnitude = dsp::abs4(dsp::load4(interleaved + i));
        peak4 = dsp::max4(peak4, magnitude);
        clipped4 = clipped4 + dsp::ge_one4(magnitude, clip4);
    }
    float peak = dsp::hmax4(peak4);
    auto clipped = static_cast<std::int64_t>(dsp::hsum4(clipped4));
    for (; i < samples; ++i) {
        const float magnitude = std::abs(interleaved[i]);
        peak = std::max(peak, magnitude);
        clipped += magnitude >= static_cast<float>(kClipLevel);
    }
    peak_ = peak;
    clipped_ += clipped;
    sum_squares_ += dsp::dot(interleaved, interleaved, samples);

    const float scale = 1.0f / static_cast<float>(channels_);
    if (channels_ == 1) {
        std::copy_n(interleaved, frames, mono);
    } else if (channels_ == 2) {
        for (std::int64_t f = 0; f < frames; ++f) mono[f] = (interleaved[2 * f] + interleaved[2 * f + 1]) * scale;
    } else {
        for (std::int64_t f = 0; f < frames; ++f) {
            float mix = 0.0f;
            for (int c = 0; c < channels_; ++c) mix += interleaved[f * channels_ + c];
            mono[f] = mix * scale;
        }
    }
    mono_sum_ += dsp::sum(mono, static_cast<std::size_t>(frames));
    track_silence(interleaved, frames);
    frames_ += frames;
}

// The first and last frame with any channel above the silence threshold: a scan
// from each end that stops at the first loud sample.
void LevelMeter::track_silence(const float* interleaved, std::int64_t frames) noexcept {
    auto loud = [&](std::int64_t f) {
        for (int c = 0; c < channels_; ++c) {
            if (std::abs(interleaved[f * channels_ + c]) > silence_threshold_) return true;
        }
        return false;
    };
    std::int64_t last = frames - 1;
    while (last >= 0 && !loud(last)) --last;
    if (last < 0) return;  // a silent block changes nothing
    last_loud_ = frames_ + last;
    if (first_loud_ < 0) {
        std::int64_t first = 0;
        while (!loud(first)) ++first;
        first_loud_ = frames_ + first;
    }
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
