#include "samplemind/waveform.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "samplemind/error.hpp"

namespace samplemind {
namespace {

constexpr std::size_t kBlockFrames = 4096;
constexpr std::size_t kMaxBins = 1 << 16;  // fine bins kept while reading; halved when full

float clean(float v) { return std::isnan(v) ? 0.0f : std::clamp(v, -1.0f, 1.0f); }

// Min and max over fixed-size runs of frames, whose size doubles (merging pairs) when
// there are too many: the file's length need not be known in advance (a compressed
// file's header may only estimate it).
class FineBins {
public:
    void add(float low, float high) {
        if (in_bin_ == 0) lows_.push_back(low), highs_.push_back(high);
        else lows_.back() = std::min(lows_.back(), low), highs_.back() = std::max(highs_.back(), high);
        if (++in_bin_ == frames_per_bin_) {
            in_bin_ = 0;
            if (lows_.size() == kMaxBins) merge_pairs();
        }
    }
    const std::vector<float>& lows() const noexcept { return lows_; }
    const std::vector<float>& highs() const noexcept { return highs_; }

private:
    void merge_pairs() {
        for (std::size_t i = 0; i < lows_.size() / 2; ++i) {
            lows_[i] = std::min(lows_[2 * i], lows_[2 * i + 1]);
            highs_[i] = std::max(highs_[2 * i], highs_[2 * i + 1]);
        }
        lows_.resize(lows_.size() / 2), highs_.resize(highs_.size() / 2);
        frames_per_bin_ *= 2;
    }
    std::vector<float> lows_, highs_;
    std::size_t frames_per_bin_ = 1, in_bin_ = 0;
};

}  // namespace

Waveform compute_waveform(const std::string& path, int width, const DecodeOptions& options, std::int64_t max_frames) {
    if (width < 1 || width > kMaxWaveformWidth) {
        throw std::invalid_argument("width must be in [1, " + std::to_string(kMaxWaveformWidth) + "], got " +
                                    std::to_string(width));
    }
    auto decoder = open_audio_file(path, options);
    const int channels = decoder->info().channels;
    std::vector<float> block(kBlockFrames * static_cast<std::size_t>(channels));
    FineBins bins;
    std::int64_t frames = 0;
    while (const std::size_t got = decoder->read(block)) {
        for (std::size_t f = 0; f < got; ++f) {
            float low = 1.0f, high = -1.0f;
            for (int c = 0; c < channels; ++c) {
                const float v = clean(block[f * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)]);
                low = std::min(low, v), high = std::max(high, v);
            }
            bins.add(low, high);
        }
        frames += static_cast<std::int64_t>(got);
        if (frames > max_frames) throw Error(ErrorCode::too_large, path, "longer than the waveform limit");
    }
    Waveform waveform;
    waveform.sample_rate = decoder->info().sample_rate;
    waveform.duration_s = waveform.sample_rate > 0 ? static_cast<double>(frames) / waveform.sample_rate : 0.0;
    const std::size_t n = bins.lows().size(), w = static_cast<std::size_t>(width);
    waveform.min.assign(w, 0.0f);
    waveform.max.assign(w, 0.0f);
    if (n == 0) return waveform;
    for (std::size_t column = 0; column < w; ++column) {  // each column: the fine bins it covers
        const std::size_t first = column * n / w;
        const std::size_t last = std::max(first + 1, (column + 1) * n / w);
        waveform.min[column] = *std::min_element(bins.lows().begin() + first, bins.lows().begin() + last);
        waveform.max[column] = *std::max_element(bins.highs().begin() + first, bins.highs().begin() + last);
    }
    return waveform;
}

}  // namespace samplemind
