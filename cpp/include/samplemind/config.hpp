// Analysis parameters. Defaults follow librosa so every shared quantity can be
// checked against it (n_fft 2048, hop 512, Hann, centred frames, 128 Slaney mel
// bands, 20 MFCC, top_db 80).
#pragma once

#include <string>

namespace samplemind {

/// Parameters of one analysis. Plain data; call validate() before use (every
/// entry point does). Thread-safety: immutable once handed to an analyser.
struct AnalysisConfig {
    /// Rate the audio is resampled to before framing, in Hz. Range [1000, 192000].
    double sample_rate = 22050.0;
    /// FFT size in samples at the analysis rate; a power of two in [16, 65536].
    int n_fft = 2048;
    /// Hop between frames in samples; range [1, n_fft].
    int hop_length = 512;
    /// Number of Slaney mel bands; range [1, 512].
    int n_mels = 128;
    /// Number of MFCC coefficients (DCT-II, ortho); range [1, n_mels].
    int n_mfcc = 20;
    /// Lowest mel band edge in Hz; range [0, fmax).
    double fmin = 0.0;
    /// Highest mel band edge in Hz; 0 means sample_rate / 2. Range (fmin, sample_rate / 2].
    double fmax = 0.0;
    /// Dynamic range kept by power_to_db for mel dB and MFCC, in dB; > 0.
    double top_db = 80.0;
    /// Fraction of spectral magnitude below the rolloff frequency; range (0, 1).
    double rolloff_percent = 0.85;
    /// Lower edge of the first spectral-contrast octave band in Hz; > 0.
    double contrast_fmin = 200.0;
    /// Number of spectral-contrast octave bands (the result has one more); range [1, 10].
    int contrast_bands = 6;
    /// Quantile taken as peak and valley in each contrast band; range (0, 1).
    double contrast_quantile = 0.02;
    /// A sample quieter than this (dBFS, absolute value) counts as silence for the
    /// leading/trailing silence measures; range [-200, 0].
    double silence_threshold_db = -60.0;
    /// Longest audio accepted, in seconds; longer files fail with ErrorCode::too_large.
    /// Range (0, 1e6].
    double max_duration_s = 4.0 * 3600.0;
    /// Keep the per-frame tracks (memory grows with file length); off by default.
    bool keep_frames = false;

    /// Throws std::invalid_argument naming the field, its value and what is allowed.
    void validate() const;
    /// The upper mel edge actually used: fmax, or sample_rate / 2 when fmax is 0.
    double effective_fmax() const noexcept { return fmax > 0.0 ? fmax : sample_rate / 2.0; }
    /// A canonical text of every field that changes results (for cache keys).
    std::string fingerprint() const;
};

}  // namespace samplemind
