#include "features/pitch_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind::features {

PitchTracker::PitchTracker(int frame_length, double sample_rate)
    : n_(frame_length),
      sample_rate_(sample_rate),
      fft_(dsp::get_real_fft(static_cast<std::size_t>(2 * frame_length))),
      padded_(static_cast<std::size_t>(2 * frame_length), 0.0f),
      re_(fft_->bins()),
      im_(fft_->bins()),
      even_(static_cast<std::size_t>(2 * frame_length)),
      scratch_(fft_->scratch_size()),
      energy_prefix_(static_cast<std::size_t>(frame_length) + 1),
      cmnd_(static_cast<std::size_t>(frame_length / 2) + 1) {}

void PitchTracker::track(const float* frame, double& f0_hz, double& confidence) {
    f0_hz = 0.0;
    confidence = 0.0;
    const int n = n_, m = 2 * n_;
    // Autocorrelation r(tau) = sum_j x_j x_{j+tau}: the power spectrum of the frame
    // zero-padded to 2n is real and even, so its forward transform is m r(tau).
    std::copy_n(frame, n, padded_.data());
    fft_->forward(padded_.data(), re_.data(), im_.data(), scratch_.data());
    for (int k = 0; k <= n; ++k) even_[k] = re_[k] * re_[k] + im_[k] * im_[k];
    for (int k = 1; k < n; ++k) even_[m - k] = even_[k];
    fft_->forward(even_.data(), re_.data(), im_.data(), scratch_.data());

    energy_prefix_[0] = 0.0;
    for (int j = 0; j < n; ++j) energy_prefix_[j + 1] = energy_prefix_[j] + static_cast<double>(frame[j]) * frame[j];
    if (energy_prefix_[n] <= 1e-12) return;  // silence: no period

    const int max_lag = std::min(n / 2, static_cast<int>(sample_rate_ / kMinHz));
    const int min_lag = std::max(2, static_cast<int>(sample_rate_ / kMaxHz));
    // d(tau) = sum_{j<n-tau} x_j^2 + sum_{j>=tau} x_j^2 - 2 r(tau); d'(0) = 1.
    double running = 0.0;
    cmnd_[0] = 1.0;
    for (int tau = 1; tau <= max_lag; ++tau) {
        const double r = re_[tau] / m;
        const double d = std::max(0.0, energy_prefix_[n - tau] + (energy_prefix_[n] - energy_prefix_[tau]) - 2.0 * r);
        running += d;
        cmnd_[tau] = running > 0.0 ? d * tau / running : 1.0;
    }
    int best = -1;
    for (int tau = min_lag; tau < max_lag; ++tau) {
        if (cmnd_[tau] < kThreshold) {
            while (tau + 1 < max_lag && cmnd_[tau + 1] < cmnd_[tau]) ++tau;  // walk down to the dip
            best = tau;
            break;
        }
    }
    if (best < 0) return;  // no dip below the threshold: unvoiced
    // Parabolic interpolation of the dip.
    const double a = cmnd_[best - 1], b = cmnd_[best], c = cmnd_[best + 1];
    const double denominator = a - 2.0 * b + c;
    const double shift = denominator > 0.0 ? std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5) : 0.0;
    f0_hz = sample_rate_ / (best + shift);
    confidence = std::clamp(1.0 - (b - 0.25 * (a - c) * shift), 0.0, 1.0);
}

double correct_octave(const float* magnitude, std::size_t bins, double bin_hz, double f0_hz) {
    if (f0_hz < kSubharmonicMinHz) return f0_hz;
    double odd = 0.0, even = 0.0;  // odd and even multiples of f0/2
    for (int h = 1; h <= kSubharmonicPartials; ++h) {
        const double hz = 0.5 * h * f0_hz;
        const auto k = static_cast<std::size_t>(std::lround(hz / bin_hz));
        if (hz > kSubharmonicMaxHz || k + 2 > bins) break;
        const float peak = std::max({magnitude[k - 1], magnitude[k], magnitude[k + 1]});
        (h % 2 ? odd : even) += std::sqrt(static_cast<double>(peak));
    }
    return even > 0.0 && odd >= kSubharmonicShare * even ? 0.5 * f0_hz : f0_hz;
}

std::string note_name(int midi) {
    static const char* const names[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    const int octave = midi / 12 - 1;
    return std::string(names[((midi % 12) + 12) % 12]) + std::to_string(octave);
}

PitchSummary summarise_pitch(const std::vector<float>& f0_hz, const std::vector<float>& confidence,
                             const std::vector<float>& frame_rms) {
    PitchSummary summary;
    if (f0_hz.empty()) return summary;
    const float loudest = *std::max_element(frame_rms.begin(), frame_rms.end());
    if (!(loudest > 0.0f)) return summary;
    const float floor = loudest * kPitchFloor;
    std::vector<double> voiced, confidences;
    std::size_t loud = 0;
    for (std::size_t i = 0; i < f0_hz.size(); ++i) {
        if (frame_rms[i] < floor) continue;
        ++loud;
        if (f0_hz[i] > 0.0f && confidence[i] >= kMinConfidence) {
            voiced.push_back(f0_hz[i]);
            confidences.push_back(confidence[i]);
        }
    }
    const double share = loud ? static_cast<double>(voiced.size()) / static_cast<double>(loud) : 0.0;
    if (share < kMinVoicedShare || voiced.empty()) return summary;
    auto median = [](std::vector<double> values) {
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
        return values[values.size() / 2];
    };
    const double f0 = median(voiced);
    const auto stable = std::count_if(voiced.begin(), voiced.end(), [&](double f) { return std::abs(12.0 * std::log2(f / f0)) <= 0.5; });
    if (static_cast<double>(stable) < kMinStableShare * static_cast<double>(voiced.size())) return summary;
    summary.pitched = true;
    summary.f0_hz = f0;
    const double midi = 69.0 + 12.0 * std::log2(summary.f0_hz / 440.0);
    const int nearest = static_cast<int>(std::lround(midi));
    summary.note = note_name(nearest);
    summary.cents = 100.0 * (midi - nearest);
    summary.confidence = median(confidences) * share;
    return summary;
}

}  // namespace samplemind::features
