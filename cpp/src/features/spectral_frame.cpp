#include "features/spectral_frame.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numbers>

#include "dsp/vector_ops.hpp"

namespace samplemind::features {
namespace {

constexpr float kAmin = 1e-10f;           // librosa's floor for powers before a log
constexpr float kZeroThreshold = 1e-10f;  // librosa.zero_crossings' default threshold

// Sign bit after librosa's thresholding: |x| <= threshold counts as +0.
inline bool negative(float x) { return !(std::abs(x) <= kZeroThreshold) && std::signbit(x); }

float to_db(double value) { return static_cast<float>(10.0 * std::log10(std::max<double>(kAmin, value))); }

}  // namespace

SpectralKernels::SpectralKernels(const AnalysisConfig& config)
    : n_fft_(config.n_fft),
      rolloff_percent_(config.rolloff_percent),
      fft_(dsp::get_real_fft(static_cast<std::size_t>(config.n_fft))),
      window_(static_cast<std::size_t>(config.n_fft)),
      frequencies_(bins()),
      mel_(config.sample_rate, config.n_fft, config.n_mels, config.fmin, config.effective_fmax()) {
    // Periodic Hann, as scipy.signal.get_window("hann", n, fftbins=True).
    for (int i = 0; i < n_fft_; ++i) {
        window_[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n_fft_));
    }
    for (std::size_t k = 0; k < bins(); ++k) {
        frequencies_[k] = config.sample_rate * static_cast<double>(k) / n_fft_;
    }
    // Octave bands as librosa.feature.spectral_contrast draws them: [0, fmin], then
    // [fmin 2^(k-1), fmin 2^k], each widened by one bin below, the last one running to
    // Nyquist; every band but the last drops its top bin.
    const int n_bands = config.contrast_bands;
    const std::size_t last_bin = bins() - 1;
    for (int k = 0; k <= n_bands; ++k) {
        const double f_low = k == 0 ? 0.0 : config.contrast_fmin * std::pow(2.0, k - 1);
        const double f_high = config.contrast_fmin * std::pow(2.0, k);
        std::size_t lo = 0;
        while (lo < last_bin && frequencies_[lo] < f_low) ++lo;
        std::size_t hi = lo;
        while (hi < last_bin && frequencies_[hi + 1] <= f_high) ++hi;
        if (k > 0 && lo > 0) --lo;
        if (k == n_bands) hi = last_bin;
        const std::size_t in_band = hi - lo + 1;
        const std::size_t count = (k < n_bands && in_band > 1) ? in_band - 1 : in_band;
        const auto quantile = static_cast<std::size_t>(std::nearbyint(config.contrast_quantile * in_band));
        bands_.push_back({lo, count, std::clamp<std::size_t>(quantile, 1, count)});
    }
}

SpectralKernels::Scratch SpectralKernels::make_scratch() const {
    Scratch scratch;
    const std::size_t n = static_cast<std::size_t>(n_fft_);
    scratch.windowed.resize(n);
    scratch.re.resize(bins());
    scratch.im.resize(bins());
    scratch.magnitude.resize(bins());
    scratch.power.resize(bins());
    scratch.previous_norm.assign(bins(), 0.0f);
    scratch.fft.resize(fft_->scratch_size());
    scratch.band.resize(bins());
    return scratch;
}

void SpectralKernels::compute(const float* frame, FrameSpan span, Scratch& scratch, FrameDescriptors& out,
                              float* contrast_db, float* mel_power) const {
    const std::size_t n = static_cast<std::size_t>(n_fft_);
    for (std::size_t i = 0; i < n; ++i) scratch.windowed[i] = frame[i] * window_[i];
    fft_->forward(scratch.windowed.data(), scratch.re.data(), scratch.im.data(), scratch.fft.data());
    for (std::size_t k = 0; k < bins(); ++k) {
        const float p = scratch.re[k] * scratch.re[k] + scratch.im[k] * scratch.im[k];
        scratch.power[k] = p;
        scratch.magnitude[k] = std::sqrt(p);
    }
    spectral_shape(scratch, out);
    contrast(scratch, contrast_db);
    mel_.apply(scratch.power.data(), mel_power);

    out.rms = std::sqrt(dsp::dot(frame, frame, n) / static_cast<float>(n));
    const auto begin = static_cast<std::size_t>(std::clamp<std::int64_t>(span.real_begin, 0, n_fft_));
    const auto end = static_cast<std::size_t>(std::clamp<std::int64_t>(span.real_end, 0, n_fft_));
    std::size_t crossings = 0;
    for (std::size_t i = begin + 1; i < end; ++i) crossings += negative(frame[i]) != negative(frame[i - 1]);
    out.zcr = static_cast<float>(crossings) / static_cast<float>(n);
}

void SpectralKernels::spectral_shape(Scratch& scratch, FrameDescriptors& out) const {
    const float* mag = scratch.magnitude.data();
    const std::size_t nb = bins();
    double total = 0.0, weighted = 0.0;
    for (std::size_t k = 0; k < nb; ++k) {
        total += mag[k];
        weighted += frequencies_[k] * mag[k];
    }
    const bool silent = total < FLT_MIN;
    const double centroid = silent ? 0.0 : weighted / total;
    double spread = 0.0;
    if (!silent) {
        for (std::size_t k = 0; k < nb; ++k) {
            const double d = frequencies_[k] - centroid;
            spread += mag[k] * d * d;
        }
        spread /= total;
    }
    out.centroid_hz = static_cast<float>(centroid);
    out.bandwidth_hz = static_cast<float>(std::sqrt(spread));

    // Rolloff: running sum in float, like numpy's cumsum over a float32 spectrogram.
    const float threshold = static_cast<float>(rolloff_percent_) * static_cast<float>(total);
    float running = 0.0f;
    std::size_t k_roll = nb - 1;
    for (std::size_t k = 0; k < nb; ++k) {
        running += mag[k];
        if (running >= threshold) {
            k_roll = k;
            break;
        }
    }
    out.rolloff_hz = static_cast<float>(frequencies_[k_roll]);

    double log_sum = 0.0, power_sum = 0.0;
    for (std::size_t k = 0; k < nb; ++k) {
        const float p = std::max(kAmin, mag[k] * mag[k]);
        log_sum += std::log(p);
        power_sum += p;
    }
    out.flatness = static_cast<float>(std::exp(log_sum / nb) / (power_sum / nb));

    double flux = 0.0;
    float* previous = scratch.previous_norm.data();
    const float inverse = silent ? 0.0f : static_cast<float>(1.0 / total);
    for (std::size_t k = 0; k < nb; ++k) {
        const float p = mag[k] * inverse;
        flux += std::max(0.0f, p - previous[k]);
        previous[k] = p;
    }
    out.flux = scratch.has_previous ? static_cast<float>(flux) : 0.0f;
    scratch.has_previous = true;
}

void SpectralKernels::contrast(Scratch& scratch, float* contrast_db) const {
    for (std::size_t b = 0; b < bands_.size(); ++b) {
        const Band& band = bands_[b];
        float* values = scratch.band.data();
        std::copy_n(scratch.magnitude.data() + band.first, band.count, values);
        float* end = values + band.count;
        std::nth_element(values, values + band.quantile - 1, end);
        const double valley = dsp::sum(values, band.quantile) / static_cast<double>(band.quantile);
        std::nth_element(values, end - band.quantile, end);
        const double peak = dsp::sum(end - band.quantile, band.quantile) / static_cast<double>(band.quantile);
        contrast_db[b] = to_db(peak) - to_db(valley);
    }
}

}  // namespace samplemind::features
