// Slaney mel filterbank and its sparse application to a power spectrum.
#pragma once

#include <cstddef>
#include <vector>

namespace samplemind::dsp {

/// Hz to mel on the Slaney (Auditory Toolbox) scale: mel = f / (200/3) below 1 kHz,
/// logarithmic above it with a step of ln(6.4) / 27 per mel.
double hz_to_mel_slaney(double hz);
double mel_to_hz_slaney(double mel);

/// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney"):
/// triangles between n_mels + 2 points equally spaced in mel, each scaled by
/// 2 / (upper edge - lower edge) so every band has unit area in Hz. Computed in
/// double, stored as float32 like librosa's default dtype. Dense, row-major
/// n_mels x (n_fft/2 + 1).
std::vector<float> slaney_mel_matrix(double sample_rate, int n_fft, int n_mels, double fmin,
                                     double fmax);

/// The filterbank stored as one contiguous run of non-zero weights per band, so
/// applying it costs the non-zeros only. Immutable; apply() is thread-safe.
class MelFilterbank {
public:
    MelFilterbank(double sample_rate, int n_fft, int n_mels, double fmin, double fmax);
    int n_mels() const noexcept { return static_cast<int>(first_bin_.size()); }
    /// mel[b] = sum_k weight[b][k] * power[k].
    void apply(const float* power, float* mel) const;

private:
    std::vector<std::size_t> first_bin_, length_, weight_at_;
    std::vector<float> weights_;
};

/// DCT-II with orthonormal scaling (scipy.fft.dct(type=2, norm="ortho")), first
/// n_out coefficients of an n_in-point input, as a precomputed n_out x n_in matrix.
class OrthoDct {
public:
    OrthoDct(int n_in, int n_out);
    void apply(const float* input, float* output) const;

private:
    int n_in_, n_out_;
    std::vector<float> matrix_;
};

}  // namespace samplemind::dsp
