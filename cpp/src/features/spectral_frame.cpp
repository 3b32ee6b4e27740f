#include "features/spectral_frame.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <numbers>

#include "dsp/plan_cache.hpp"
#include "dsp/simd4.hpp"
#include "dsp/vector_ops.hpp"
#include "features/tonality.hpp"
#include "stage_timer.hpp"

namespace samplemind::features {
namespace {

using dsp::load4, dsp::store4, dsp::V4, dsp::splat4, dsp::max4, dsp::sqrt4, dsp::hsum4, dsp::log4;

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
      dct_(config.n_mels, config.n_mfcc),
      chroma_weights_(chroma_filterbank(config.sample_rate, config.n_fft)) {
    const double mel_lo = dsp::hz_to_mel_slaney(config.fmin), mel_hi = dsp::hz_to_mel_slaney(config.effective_fmax());
    for (int b = 0; b < config.n_mels; ++b) {
        mel_centres_hz_.push_back(dsp::mel_to_hz_slaney(mel_lo + (mel_hi - mel_lo) * (b + 1) / (config.n_mels + 1)));
    }
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
    scratch.re.resize(bins());
    scratch.im.resize(bins());
    scratch.magnitude.resize(bins());
    scratch.power.resize(bins());
    scratch.previous_norm.assign(bins(), 0.0f);
    scratch.fft.resize(fft_->scratch_size());
    scratch.band.resize(2 * bins());
    return scratch;
}

void SpectralKernels::compute(const float* frame, FrameSpan span, Scratch& scratch, FrameDescriptors& out,
                              float* contrast_db, float* mel_power) const {
    const std::size_t n = static_cast<std::size_t>(n_fft_);
    spectrum(frame, scratch);
    detail::StageTimer timer(Stage::descriptors);
    const float* power = scratch.power.data();
    spectral_shape(scratch, out);
    contrast(scratch, contrast_db);
    mel_.apply(power, mel_power);

    out.rms = std::sqrt(dsp::dot(frame, frame, n) / static_cast<float>(n));
    // Crossings between neighbouring real samples; centring padding repeats the edge
    // samples (librosa pads ZCR frames with edge values), so it adds none.
    const auto begin = static_cast<std::size_t>(std::clamp<std::int64_t>(span.real_begin, 0, n_fft_));
    const auto end = static_cast<std::size_t>(std::clamp<std::int64_t>(span.real_end, 0, n_fft_));
    unsigned crossings = 0;
    for (std::size_t i = begin + 1; i < end; ++i) crossings += negative(frame[i]) != negative(frame[i - 1]);
    out.zcr = static_cast<float>(crossings) / static_cast<float>(n);
}

void SpectralKernels::spectrum(const float* frame, Scratch& scratch) const {
    detail::StageTimer timer(Stage::stft);
    float* re = scratch.re.data();
    float* im = scratch.im.data();
    fft_->forward(frame, re, im, scratch.fft.data(), window_.data());
    float* power = scratch.power.data();
    float* magnitude = scratch.magnitude.data();
    std::size_t k = 0;
    for (; k + 4 <= bins(); k += 4) {
        const V4 r = load4(re + k), i = load4(im + k);
        const V4 p = r * r + i * i;
        store4(power + k, p);
        store4(magnitude + k, sqrt4(p));
    }
    for (; k < bins(); ++k) {
        power[k] = re[k] * re[k] + im[k] * im[k];
        magnitude[k] = std::sqrt(power[k]);
    }
}

void SpectralKernels::spectral_shape(Scratch& scratch, FrameDescriptors& out) const {
    // Two fused passes four bins at a time (dsp::V4), float sums: relative error
    // ~1e-6, as librosa's own float32 spectrogram arithmetic. Bins past the last
    // multiple of four are added one by one.
    const float* mag = scratch.magnitude.data();
    const float* power = scratch.power.data();
    const float* freq = frequencies_.data();
    float* previous = scratch.previous_norm.data();
    const std::size_t nb = bins();
    const std::size_t vector_end = nb & ~std::size_t{3};
    const V4 amin = splat4(kAmin);

    V4 total4 = splat4(0), weighted4 = splat4(0), power4 = splat4(0), log4_sum = splat4(0);
    for (std::size_t k = 0; k < vector_end; k += 4) {
        const V4 m = load4(mag + k);
        const V4 p = max4(load4(power + k), amin);
        total4 = total4 + m;
        weighted4 = weighted4 + load4(freq + k) * m;
        power4 = power4 + p;
        log4_sum = log4_sum + log4(p);
    }
    float total = hsum4(total4), weighted = hsum4(weighted4), power_sum = hsum4(power4), log_sum = hsum4(log4_sum);
    for (std::size_t k = vector_end; k < nb; ++k) {
        const float p = std::max(kAmin, power[k]);
        total += mag[k];
        weighted += freq[k] * mag[k];
        power_sum += p;
        log_sum += dsp::log_positive(p);
    }
    const bool silent = total < FLT_MIN;
    const float centroid = silent ? 0.0f : weighted / total;
    const float inverse = silent ? 0.0f : 1.0f / total;

    V4 spread4 = splat4(0), flux4 = splat4(0);
    const V4 c4 = splat4(centroid), inverse4 = splat4(inverse), zero = splat4(0);
    for (std::size_t k = 0; k < vector_end; k += 4) {
        const V4 m = load4(mag + k);
        const V4 d = load4(freq + k) - c4;
        spread4 = spread4 + m * d * d;
        const V4 p = m * inverse4;
        flux4 = flux4 + max4(zero, p - load4(previous + k));
        store4(previous + k, p);
    }
    float spread = hsum4(spread4), flux = hsum4(flux4);
    for (std::size_t k = vector_end; k < nb; ++k) {
        const float d = freq[k] - centroid;
        spread += mag[k] * d * d;
        const float p = mag[k] * inverse;
        flux += std::max(0.0f, p - previous[k]);
        previous[k] = p;
    }
    out.centroid_hz = centroid;
    out.bandwidth_hz = silent ? 0.0f : std::sqrt(spread * inverse);
    out.flatness = std::exp(log_sum / static_cast<float>(nb)) / (power_sum / static_cast<float>(nb));
    out.flux = scratch.has_previous ? flux : 0.0f;
    scratch.has_previous = true;

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
}

void SpectralKernels::contrast(Scratch& scratch, float* contrast_db) const {
    for (std::size_t b = 0; b < bands_.size(); ++b) {
        const Band& band = bands_[b];
        const Extremes extremes = mean_of_extremes(scratch.magnitude.data() + band.first, band.count, band.quantile,
                                                   scratch.band.data());
        contrast_db[b] = to_db(extremes.high) - to_db(extremes.low);
    }
}

void SpectralKernels::chroma(const float* power, float* out) const {
    float peak = 0.0f;
    for (int c = 0; c < 12; ++c) {
        out[c] = dsp::dot(chroma_weights_.data() + static_cast<std::size_t>(c) * bins(), power, bins());
        peak = std::max(peak, out[c]);
    }
    const float scale = peak > FLT_MIN ? 1.0f / peak : 0.0f;
    for (int c = 0; c < 12; ++c) out[c] *= scale;
}

std::shared_ptr<const SpectralKernels> get_spectral_kernels(const AnalysisConfig& config) {
    static dsp::PlanCache<std::string, SpectralKernels> cache;
    return cache.get(config.fingerprint() + ";n_mfcc=" + std::to_string(config.n_mfcc),
                     [&] { return std::make_shared<const SpectralKernels>(config); });
}

}  // namespace samplemind::features
