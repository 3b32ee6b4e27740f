// Low-level DSP kernels exposed for tests, benchmarks and hosts that want them.
// Raw pointers with caller-owned output, in the style of pocketfft's r2c().
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace samplemind {

/// Real-input forward FFT of `count` rows of n samples each (row stride n), writing
/// n/2 + 1 complex bins per row (row stride n/2 + 1). n is a power of two in
/// [16, 65536] (std::invalid_argument otherwise). Unnormalised, numpy.fft.rfft's sign
/// convention. Plans are cached and shared; thread-safe.
void rfft(const float* input, std::complex<float>* output, std::size_t n, std::size_t count = 1);

/// The Slaney-normalised mel filterbank librosa.filters.mel(sr, n_fft, n_mels, fmin,
/// fmax, htk=False, norm="slaney") builds: n_mels x (n_fft/2 + 1), row-major.
std::vector<float> mel_filterbank(double sample_rate, int n_fft, int n_mels, double fmin,
                                  double fmax);

/// Band-limited resampling of a mono signal from in_rate to out_rate (Hz). The result
/// has ceil(length * out_rate / in_rate) samples.
std::vector<float> resample(const float* input, std::size_t length, double in_rate,
                            double out_rate);

}  // namespace samplemind
