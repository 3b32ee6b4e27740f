// Descriptors of one STFT frame.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dsp/fft.hpp"
#include "dsp/mel.hpp"
#include "samplemind/config.hpp"

namespace samplemind::features {

/// The descriptors of one frame. Definitions follow librosa 0.11 on the magnitude
/// spectrum S[k] of the Hann-windowed, centred frame, with bin frequencies
/// f[k] = k sr / n_fft:
///   centroid  = sum f S / sum S                  (0 for a silent frame)
///   bandwidth = sqrt(sum (S / sum S) (f - centroid)^2)
///   rolloff   = smallest f[k] with cumsum(S)[k] >= rolloff_percent * sum S
///   flatness  = geometric mean / arithmetic mean of max(1e-10, S^2)
///   contrast  = 10 log10 peak - 10 log10 valley per octave band, where peak and
///               valley are the means of the top and bottom quantile of S in the
///               band (librosa's band edges; no top_db clamp, values floored at 1e-10)
///   flux      = sum max(0, p_t - p_{t-1}), p = S / sum S (0 for the first frame):
///               level-independent, in [0, 1]
///   rms       = sqrt(mean x^2) over the zero-padded frame (librosa.feature.rms)
///   zcr       = sign changes between neighbouring samples / n_fft, with |x| <= 1e-10
///               taken as +0 and edge-value padding (librosa.feature.zero_crossing_rate)
struct FrameDescriptors {
    float centroid_hz = 0, bandwidth_hz = 0, rolloff_hz = 0, flatness = 0, flux = 0, zcr = 0, rms = 0;
};

/// Which samples of a frame are real signal rather than centring padding.
struct FrameSpan {
    std::int64_t real_begin = 0;  ///< first real sample's index within the frame
    std::int64_t real_end = 0;    ///< one past the last real sample's index within the frame
};

/// Everything fixed by the configuration, built once: FFT plan, window, bin
/// frequencies, mel filterbank, contrast band ranges. Immutable and shareable.
class SpectralKernels {
public:
    explicit SpectralKernels(const AnalysisConfig& config);

    int n_fft() const noexcept { return n_fft_; }
    std::size_t bins() const noexcept { return static_cast<std::size_t>(n_fft_) / 2 + 1; }
    int n_mels() const noexcept { return mel_.n_mels(); }
    int contrast_bands() const noexcept { return static_cast<int>(bands_.size()); }
    /// The DCT-II (ortho) from mel dB to MFCC.
    const dsp::OrthoDct& mfcc_dct() const noexcept { return dct_; }
    /// Chroma of a power spectrum (librosa chroma_stft, tuning 0): 12 values, C first,
    /// max-normalised (all zero for silence).
    void chroma(const float* power, float* out) const;
    /// Centre frequency of each mel band, Hz.
    const std::vector<double>& mel_centres_hz() const noexcept { return mel_centres_hz_; }

    /// Per-frame scratch; one per analysing thread.
    struct Scratch {
        std::vector<float> re, im, magnitude, power, previous_norm, fft, band;
        bool has_previous = false;
    };
    Scratch make_scratch() const;

    /// Computes one frame. frame: n_fft time samples (zero-padded at the edges of the
    /// signal). Writes the descriptors, contrast_bands() contrast values and n_mels()
    /// mel powers. Allocates nothing.
    void compute(const float* frame, FrameSpan span, Scratch& scratch, FrameDescriptors& out,
                 float* contrast_db, float* mel_power) const;

private:
    struct Band {
        std::size_t first, count, quantile;  // bins [first, first + count), bins averaged
    };
    /// Windowed FFT of the frame into scratch: power and magnitude spectra.
    void spectrum(const float* frame, Scratch& scratch) const;
    void spectral_shape(Scratch& scratch, FrameDescriptors& out) const;
    void contrast(Scratch& scratch, float* contrast_db) const;

    int n_fft_;
    double rolloff_percent_;
    std::shared_ptr<const dsp::RealFft> fft_;
    std::vector<float> window_;
    std::vector<float> frequencies_;
    dsp::MelFilterbank mel_;
    dsp::OrthoDct dct_;
    std::vector<Band> bands_;
    std::vector<float> chroma_weights_;  // 12 x bins
    std::vector<double> mel_centres_hz_;
};

/// The shared kernels for a configuration, built once per distinct configuration
/// (see dsp::PlanCache); thread-safe.
std::shared_ptr<const SpectralKernels> get_spectral_kernels(const AnalysisConfig& config);

}  // namespace samplemind::features
