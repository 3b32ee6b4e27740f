#include "analyzer/frame_stage.hpp"

#include <algorithm>
#include <limits>

namespace samplemind::analyzer {

FrameStage::FrameStage(const AnalysisConfig& config, std::size_t max_block)
    : config_(config),
      kernels_(features::get_spectral_kernels(config)),
      scratch_(kernels_->make_scratch()),
      tracks_(config.keep_frames ? std::optional<FrameTracks>(FrameTracks{}) : std::nullopt),
      mel_(config.n_mels, config.n_mfcc, config.top_db, kernels_->mfcc_dct(), tracks_ ? &*tracks_ : nullptr),
      contrast_stats_(static_cast<std::size_t>(kernels_->contrast_bands())),
      contrast_(static_cast<std::size_t>(kernels_->contrast_bands())),
      mel_power_(static_cast<std::size_t>(kernels_->n_mels())),
      real_length_(std::numeric_limits<std::int64_t>::max() / 4) {
    const auto n_fft = static_cast<std::size_t>(config.n_fft);
    buffer_.reserve(n_fft + std::max(max_block, n_fft));
    buffer_.assign(n_fft / 2, 0.0f);  // centring: n_fft/2 zeros before the signal
}

std::int64_t FrameStage::samples_fed() const noexcept {
    return buffer_start_ + static_cast<std::int64_t>(buffer_.size()) - config_.n_fft / 2;
}

void FrameStage::feed(const float* samples, std::size_t count) {
    const auto n_fft = static_cast<std::size_t>(config_.n_fft);
    const auto hop = static_cast<std::size_t>(config_.hop_length);
    const std::size_t room = buffer_.capacity() - n_fft;  // never reallocates
    while (count > 0) {
        const std::size_t take = std::min(count, room);
        buffer_.insert(buffer_.end(), samples, samples + take);
        samples += take;
        count -= take;
        std::size_t offset = 0;
        while (buffer_.size() - offset >= n_fft) {
            compute_frame(buffer_.data() + offset, buffer_start_ + static_cast<std::int64_t>(offset));
            offset += hop;
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset));
        buffer_start_ += static_cast<std::int64_t>(offset);
    }
}

void FrameStage::finish(std::int64_t real_length) {
    real_length_ = real_length;  // from now on ZCR knows where the edge padding starts
    const std::vector<float> padding(static_cast<std::size_t>(config_.n_fft / 2), 0.0f);
    feed(padding.data(), padding.size());
    mel_.flush();
}

void FrameStage::compute_frame(const float* frame, std::int64_t frame_start) {
    const std::int64_t half = config_.n_fft / 2;
    const features::FrameSpan span{half - frame_start, half + real_length_ - frame_start};
    features::FrameDescriptors d;
    kernels_->compute(frame, span, scratch_, d, contrast_.data(), mel_power_.data());
    centroid_.add(d.centroid_hz);
    bandwidth_.add(d.bandwidth_hz);
    rolloff_.add(d.rolloff_hz);
    flatness_.add(d.flatness);
    flux_.add(d.flux);
    zcr_.add(d.zcr);
    rms_.add(d.rms);
    for (std::size_t b = 0; b < contrast_.size(); ++b) contrast_stats_[b].add(contrast_[b]);
    mel_.add(mel_power_.data());
    last_ = d;
    ++stft_frames_;
    if (tracks_) {
        tracks_->centroid_hz.push_back(d.centroid_hz);
        tracks_->bandwidth_hz.push_back(d.bandwidth_hz);
        tracks_->rolloff_hz.push_back(d.rolloff_hz);
        tracks_->flatness.push_back(d.flatness);
        tracks_->flux.push_back(d.flux);
        tracks_->zcr.push_back(d.zcr);
        tracks_->rms.push_back(d.rms);
        tracks_->contrast_db.insert(tracks_->contrast_db.end(), contrast_.begin(), contrast_.end());
    }
}

void FrameStage::fill(Analysis& analysis) {
    analysis.n_frames = stft_frames_;
    SpectralStats& s = analysis.spectral;
    s.centroid_hz = centroid_.summary();
    s.bandwidth_hz = bandwidth_.summary();
    s.rolloff_hz = rolloff_.summary();
    s.flatness = flatness_.summary();
    s.flux = flux_.summary();
    s.zcr = zcr_.summary();
    s.rms = rms_.summary();
    for (const auto& stats : contrast_stats_) s.contrast_db.push_back(stats.summary());
    analysis.mel_mean_db = mel_.mel_mean_db();
    analysis.mfcc_mean = mel_.mfcc_mean();
    analysis.mfcc_std = mel_.mfcc_std();
    if (tracks_) analysis.frames = std::move(*tracks_);
}

}  // namespace samplemind::analyzer
