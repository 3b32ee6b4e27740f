#include "features/mel_accumulator.hpp"

#include "dsp/vector_ops.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind::features {
namespace {
constexpr float kAmin = 1e-10f;
constexpr double kOnsetRangeDb = 50.0;
}

MelAccumulator::MelAccumulator(int n_mels, int n_mfcc, double top_db, const dsp::OrthoDct& dct,
                               FrameTracks* tracks)
    : n_mels_(n_mels),
      n_mfcc_(n_mfcc),
      top_db_(top_db),
      tracks_(tracks),
      dct_(dct),
      mel_db_sum_(static_cast<std::size_t>(n_mels), 0.0),
      mfcc_stats_(static_cast<std::size_t>(n_mfcc)),
      frame_mfcc_(static_cast<std::size_t>(n_mfcc)) {}

void MelAccumulator::add(const float* mel_power) {
    // The block grows geometrically up to kBlockFrames rows: a short sample never pays
    // for the full block, and growth happens a handful of times per file.
    block_.insert(block_.end(), mel_power, mel_power + n_mels_);
    ++buffered_;
    if (buffered_ == kBlockFrames) flush();
}

void MelAccumulator::flush() {
    const std::size_t values = buffered_ * static_cast<std::size_t>(n_mels_);
    // 10 log10 in place (float, vectorised: ~1e-6 dB from log10 in double), then the
    // top_db floor against the running maximum.
    constexpr float kDbPerNeper = 4.342944819032518f;  // 10 / ln 10
    float* db = block_.data();
    for (std::size_t i = 0; i < values; ++i) db[i] = kDbPerNeper * dsp::log_positive(std::max(kAmin, db[i]));
    for (std::size_t i = 0; i < values; ++i) max_db_ = std::max<double>(max_db_, db[i]);
    const auto floor = static_cast<float>(max_db_ - top_db_);
    for (std::size_t f = 0; f < buffered_; ++f) {
        float* row = block_.data() + f * n_mels_;
        for (int b = 0; b < n_mels_; ++b) {
            row[b] = std::max(row[b], floor);
            mel_db_sum_[b] += row[b];
        }
        dct_.apply(row, frame_mfcc_.data());
        add_onset_strength(row);
        for (int c = 0; c < n_mfcc_; ++c) mfcc_stats_[c].add(frame_mfcc_[c]);
        if (tracks_) {
            tracks_->mel_db.insert(tracks_->mel_db.end(), row, row + n_mels_);
            tracks_->mfcc.insert(tracks_->mfcc.end(), frame_mfcc_.begin(), frame_mfcc_.end());
        }
    }
    frames_ += static_cast<std::int64_t>(buffered_);
    buffered_ = 0;
    block_.clear();  // keeps its capacity for the next block
}

void MelAccumulator::add_onset_strength(const float* row) {
    if (previous_db_.empty()) {
        previous_db_.assign(row, row + n_mels_);
        onset_.push_back(0.0f);
        return;
    }
    // Bands more than kOnsetRangeDb under the loudest are held at that floor: near the
    // noise floor (and in lossy codecs' quantised bands) dB values flutter by tens of
    // dB without anything starting.
    const auto floor = static_cast<float>(max_db_ - kOnsetRangeDb);
    double floored = 0.0;
    for (int b = 0; b < n_mels_; ++b) {
        floored += std::max(0.0f, std::max(row[b], floor) - std::max(previous_db_[b], floor));
        previous_db_[b] = row[b];
    }
    onset_.push_back(static_cast<float>(floored / n_mels_));
}

std::vector<float> MelAccumulator::mel_mean_db() const {
    std::vector<float> mean(static_cast<std::size_t>(n_mels_), 0.0f);
    if (frames_ == 0) return mean;
    for (int b = 0; b < n_mels_; ++b) mean[b] = static_cast<float>(mel_db_sum_[b] / static_cast<double>(frames_));
    return mean;
}

std::vector<float> MelAccumulator::mfcc_mean() const {
    std::vector<float> mean;
    for (const RunningStats& stats : mfcc_stats_) mean.push_back(static_cast<float>(stats.mean()));
    return mean;
}

std::vector<float> MelAccumulator::mfcc_std() const {
    std::vector<float> deviation;
    for (const RunningStats& stats : mfcc_stats_) deviation.push_back(static_cast<float>(stats.std()));
    return deviation;
}

}  // namespace samplemind::features
