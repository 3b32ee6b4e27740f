// The analysis-rate half of the pipeline: centred STFT frames, their descriptors and
// running statistics.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "features/mel_accumulator.hpp"
#include "features/running_stats.hpp"
#include "features/spectral_frame.hpp"
#include "samplemind/analysis.hpp"
#include "samplemind/config.hpp"

namespace samplemind::analyzer {

/// Cuts the analysis-rate mono signal into centred frames (n_fft/2 zeros before the
/// first sample and after the last, as librosa's center=True) and accumulates every
/// frame descriptor. Memory is bounded by n_fft plus the largest block fed, except
/// for per-frame tracks when the config keeps them. Not thread-safe.
class FrameStage {
public:
    /// max_block: the most samples one feed() call will pass.
    FrameStage(const AnalysisConfig& config, std::size_t max_block);

    /// Appends samples and computes every frame that became complete.
    void feed(const float* samples, std::size_t count);
    /// Ends the signal: `real_length` samples were fed in all. Computes the last frames.
    void finish(std::int64_t real_length);
    /// Allocates now what later frames would (the mel block), so feed() never does.
    void reserve() { mel_.reserve(); }
    /// Writes the frame statistics (and tracks) into `analysis`.
    void fill(Analysis& analysis);

    std::int64_t stft_frames() const noexcept { return stft_frames_; }
    const features::FrameDescriptors& last() const noexcept { return last_; }
    /// Analysis-rate samples fed so far (excluding centring padding).
    std::int64_t samples_fed() const noexcept;

private:
    void compute_frame(const float* frame, std::int64_t frame_start);

    AnalysisConfig config_;
    std::shared_ptr<const features::SpectralKernels> kernels_;
    features::SpectralKernels::Scratch scratch_;
    std::optional<FrameTracks> tracks_;
    features::MelAccumulator mel_;
    features::RunningStats centroid_, bandwidth_, rolloff_, flatness_, flux_, zcr_, rms_;
    std::vector<features::RunningStats> contrast_stats_;
    std::vector<float> buffer_, contrast_, mel_power_;
    std::int64_t buffer_start_ = 0;  // padded-signal index of buffer_[0]
    std::int64_t real_length_;       // known at finish(); "infinite" before
    std::int64_t stft_frames_ = 0;
    features::FrameDescriptors last_;
};

}  // namespace samplemind::analyzer
