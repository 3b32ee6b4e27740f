#include "dsp/mel.hpp"

#include "dsp/vector_ops.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace samplemind::dsp {
namespace {
constexpr double kLinearHzPerMel = 200.0 / 3.0;
constexpr double kLogStartHz = 1000.0;
constexpr double kLogStartMel = kLogStartHz / kLinearHzPerMel;  // 15
const double kLogStep = std::log(6.4) / 27.0;
}  // namespace

double hz_to_mel_slaney(double hz) {
    if (hz < kLogStartHz) return hz / kLinearHzPerMel;
    return kLogStartMel + std::log(hz / kLogStartHz) / kLogStep;
}

double mel_to_hz_slaney(double mel) {
    if (mel < kLogStartMel) return mel * kLinearHzPerMel;
    return kLogStartHz * std::exp(kLogStep * (mel - kLogStartMel));
}

std::vector<float> slaney_mel_matrix(double sample_rate, int n_fft, int n_mels, double fmin,
                                     double fmax) {
    const int bins = n_fft / 2 + 1;
    std::vector<double> mel_hz(static_cast<std::size_t>(n_mels) + 2);
    const double lo = hz_to_mel_slaney(fmin), hi = hz_to_mel_slaney(fmax);
    for (int i = 0; i < n_mels + 2; ++i) {
        const double mel = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n_mels + 1);
        mel_hz[i] = mel_to_hz_slaney(mel);
    }
    std::vector<float> weights(static_cast<std::size_t>(n_mels) * bins, 0.0f);
    for (int b = 0; b < n_mels; ++b) {
        const double lower_width = mel_hz[b + 1] - mel_hz[b];
        const double upper_width = mel_hz[b + 2] - mel_hz[b + 1];
        const double area_norm = 2.0 / (mel_hz[b + 2] - mel_hz[b]);
        for (int k = 0; k < bins; ++k) {
            const double f = sample_rate * static_cast<double>(k) / static_cast<double>(n_fft);
            const double rising = (f - mel_hz[b]) / lower_width;
            const double falling = (mel_hz[b + 2] - f) / upper_width;
            const double w = std::max(0.0, std::min(rising, falling));
            weights[static_cast<std::size_t>(b) * bins + k] = static_cast<float>(w * area_norm);
        }
    }
    return weights;
}

MelFilterbank::MelFilterbank(double sample_rate, int n_fft, int n_mels, double fmin, double fmax) {
    const std::size_t bins = static_cast<std::size_t>(n_fft) / 2 + 1;
    const std::vector<float> dense = slaney_mel_matrix(sample_rate, n_fft, n_mels, fmin, fmax);
    for (int b = 0; b < n_mels; ++b) {
        const float* row = dense.data() + static_cast<std::size_t>(b) * bins;
        std::size_t first = 0;
        while (first < bins && row[first] == 0.0f) ++first;
        std::size_t last = bins;
        while (last > first && row[last - 1] == 0.0f) --last;
        first_bin_.push_back(first);
        length_.push_back(last - first);
        weight_at_.push_back(weights_.size());
        weights_.insert(weights_.end(), row + first, row + last);
    }
}

void MelFilterbank::apply(const float* power, float* mel) const {
    for (std::size_t b = 0; b < first_bin_.size(); ++b) {
        mel[b] = dot(weights_.data() + weight_at_[b], power + first_bin_[b], length_[b]);
    }
}

OrthoDct::OrthoDct(int n_in, int n_out)
    : n_in_(n_in), n_out_(n_out), matrix_(static_cast<std::size_t>(n_in) * n_out) {
    for (int k = 0; k < n_out; ++k) {
        const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / n_in);
        for (int i = 0; i < n_in; ++i) {
            const double angle = std::numbers::pi * k * (2.0 * i + 1.0) / (2.0 * n_in);
            matrix_[static_cast<std::size_t>(k) * n_in + i] = static_cast<float>(scale * std::cos(angle));
        }
    }
}

void OrthoDct::apply(const float* input, float* output) const {
    for (int k = 0; k < n_out_; ++k) {
        output[k] = dot(matrix_.data() + static_cast<std::size_t>(k) * n_in_, input, static_cast<std::size_t>(n_in_));
    }
}

}  // namespace samplemind::dsp
