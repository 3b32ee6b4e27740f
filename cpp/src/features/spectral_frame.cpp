#include "features/spectral_frame.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <numbers>

#include "dsp/plan_cache.hpp"
#include "dsp/vector_ops.hpp"

namespace samplemind::features {
namespace {

constexpr float kAmin = 1e-10f;           // librosa's floor for powers before a log
constexpr float kZeroThreshold = 1e-10f;  // librosa.zero_crossings' default threshold

// Sign bit after librosa's thresholding: |x| <= threshold counts as +0, so only
// values below -threshold are negative.
inline std::uint8_t negative(float x) { return x < -kZeroThreshold; }

float to_db(double value) { return static_cast<float>(10.0 * std::log10(std::max<double>(kAmin, value))); }

struct Extremes {
    double low, high;  // means of the q smallest and the q largest values
};

// One pass with two heaps of q entries (a max-heap of the smallest values, a
// min-heap of the largest): O(n log q) even on sorted spectra. heaps: 2q floats.
Extremes mean_of_extremes(const float* values, std::size_t n, std::size_t q, float* heaps) {
    float* low = heaps;
    float* high = heaps + q;
    std::copy_n(values, q, low);
    std::copy_n(values, q, high);
    std::make_heap(low, low + q);
    std::make_heap(high, high + q, std::greater<>());
    for (std::size_t i = q; i < n; ++i) {
        const float v = values[i];
        if (v < low[0]) {
            std::pop_heap(low, low + q);
            low[q - 1] = v;
            std::push_heap(low, low + q);
        }
        if (v > high[0]) {
            std::pop_heap(high, high + q, std::greater<>());
            high[q - 1] = v;
            std::push_heap(high, high + q, std::greater<>());
        }
    }
    return {dsp::sum(low, q) / static_cast<double>(q), dsp::sum(high, q) / static_cast<double>(q)};
}

}  // namespace

SpectralKernels::SpectralKernels(const AnalysisConfig& config)
    : n_fft_(config.n_fft),
      rolloff_percent_(config.rolloff_percent),
      fft_(dsp::get_real_fft(static_cast<std::size_t>(config.n_fft))),
      window_(static_cast<std::size_t>(config.n_fft)),
      frequencies_(bins()),
      mel_(config.sample_rate, config.n_fft, config.n_mels, config.fmin, config.effective_fmax()),
      dct_(config.n_mels, config.n_mfcc) {
    // Periodic Hann, as scipy.signal.get_window("hann", n, fftbins=True).
    for (int i = 0; i < n_fft_; ++i) {
        window_[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n_fft_));
    }
    for (std::size_t k = 0; k < bins(); ++k) {
        frequencies_[k] = static_cast<float>(config.sample_rate * static_cast<double>(k) / n_fft_);
    }
    // Octave bands as librosa.feature.spectral_contrast draws them: [0, fmin], then
    // [fmin 2^(k-1), fmin 2^k], each widened by one bin below, the last one running to
    // Nyquist; every band but the last drops its top bin.
    const int n_bands = config.contrast_bands;
    const std::size_t last_bin = bins() - 1;
    auto bin_hz = [&](std::size_t k) { return config.sample_rate * static_cast<double>(k) / n_fft_; };
    for (int k = 0; k <= n_bands; ++k) {
        const double f_low = k == 0 ? 0.0 : config.contrast_fmin * std::pow(2.0, k - 1);
        const double f_high = config.contrast_fmin * std::pow(2.0, k);
        std::size_t lo = 0;
        while (lo < last_bin && bin_hz(lo) < f_low) ++lo;
        std::size_t hi = lo;
        while (hi < last_bin && bin_hz(hi + 1) <= f_high) ++hi;
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
    scratch.band.resize(2 * bins());
    scratch.sign.resize(n);
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
    std::uint8_t* sign = scratch.sign.data();
    for (std::size_t i = begin; i < end; ++i) sign[i] = negative(frame[i]);
    std::size_t crossings = 0;
    for (std::size_t i = begin + 1; i < end; ++i) crossings += sign[i] != sign[i - 1];
    out.zcr = static_cast<float>(crossings) / static_cast<float>(n);
}

void SpectralKernels::spectral_shape(Scratch& scratch, FrameDescriptors& out) const {
    // Float sums with eight lanes (dsp::accumulate8): relative error ~1e-6, as
    // librosa's own float32 spectrogram arithmetic.
    const float* mag = scratch.magnitude.data();
    const float* freq = frequencies_.data();
    const std::size_t nb = bins();
    const float total = dsp::sum(mag, nb);
    const bool silent = total < FLT_MIN;
    const float centroid = silent ? 0.0f : dsp::dot(freq, mag, nb) / total;
    const float spread = silent ? 0.0f : dsp::accumulate8(nb, [=](std::size_t k) {
        const float d = freq[k] - centroid;
        return mag[k] * d * d;
    }) / total;
    out.centroid_hz = centroid;
    out.bandwidth_hz = std::sqrt(spread);

    // Rolloff: running sum in float, like numpy's cumsum over a float32 spectrogram.
    const float threshold = static_cast<float>(rolloff_percent_) * total;
    float running = 0.0f;
    std::size_t k_roll = nb - 1;
    for (std::size_t k = 0; k < nb; ++k) {
        running += mag[k];
        if (running >= threshold) {
            k_roll = k;
            break;
        }
    }
    out.rolloff_hz = freq[k_roll];

    const float* power = scratch.power.data();
    const float log_sum = dsp::accumulate8(nb, [=](std::size_t k) { return dsp::log_positive(std::max(kAmin, power[k])); });
    const float power_sum = dsp::accumulate8(nb, [=](std::size_t k) { return std::max(kAmin, power[k]); });
    out.flatness = std::exp(log_sum / static_cast<float>(nb)) / (power_sum / static_cast<float>(nb));

    float* previous = scratch.previous_norm.data();
    const float inverse = silent ? 0.0f : 1.0f / total;
    const float flux = dsp::accumulate8(nb, [=](std::size_t k) {
        const float p = mag[k] * inverse;
        const float rise = std::max(0.0f, p - previous[k]);
        previous[k] = p;
        return rise;
    });
    out.flux = scratch.has_previous ? flux : 0.0f;
    scratch.has_previous = true;
}

void SpectralKernels::contrast(Scratch& scratch, float* contrast_db) const {
    for (std::size_t b = 0; b < bands_.size(); ++b) {
        const Band& band = bands_[b];
        const Extremes extremes = mean_of_extremes(scratch.magnitude.data() + band.first, band.count, band.quantile,
                                                   scratch.band.data());
        contrast_db[b] = to_db(extremes.high) - to_db(extremes.low);
    }
}

std::shared_ptr<const SpectralKernels> get_spectral_kernels(const AnalysisConfig& config) {
    static dsp::PlanCache<std::string, SpectralKernels> cache;
    return cache.get(config.fingerprint() + ";n_mfcc=" + std::to_string(config.n_mfcc),
                     [&] { return std::make_shared<const SpectralKernels>(config); });
}

}  // namespace samplemind::features
