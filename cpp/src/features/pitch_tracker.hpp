// Fundamental frequency per frame (YIN) and its per-file summary.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dsp/fft.hpp"

namespace samplemind::features {

/// YIN (de Cheveigné & Kawahara, JASA 2002) on each STFT frame (unwindowed):
/// the difference function d(tau) = sum_j (x_j - x_{j+tau})^2 over the frame's
/// overlapping part, computed exactly from the autocorrelation (one zero-padded FFT,
/// then a second FFT of the even power spectrum) and prefix sums of x^2; the
/// cumulative-mean-normalised d'(tau); the first dip below kThreshold (else the
/// global minimum, unvoiced); parabolic interpolation of d'. Confidence = 1 - d'.
/// Lags cover f0 in [kMinHz, kMaxHz] within half the frame. Plans are shared; the
/// tracker owns its scratch, so one tracker per thread.
class PitchTracker {
public:
    static constexpr double kMinHz = 30.0;
    static constexpr double kMaxHz = 4000.0;
    static constexpr double kThreshold = 0.15;

    PitchTracker(int frame_length, double sample_rate);
    /// f0 in Hz (0 when no period was found) and confidence in [0, 1].
    void track(const float* frame, double& f0_hz, double& confidence);

private:
    int n_;
    double sample_rate_;
    std::shared_ptr<const dsp::RealFft> fft_;  // size 2n: linear (not circular) correlation
    std::vector<float> padded_, re_, im_, even_, scratch_;
    std::vector<double> energy_prefix_, cmnd_;
};

/// YIN's octave error on sounds whose even harmonics dominate (an oboe, a harp, a
/// bassoon): a near-periodic half period dips under the threshold before the period.
/// The Hann magnitude spectrum tells: partials at the odd multiples of f0/2 (f0/2,
/// 3f0/2, ...) belong to a fundamental an octave lower. Returns f0 / 2 when their
/// summed square-root magnitude reaches kSubharmonicShare of that at f0's own
/// harmonics (the multiples of f0/2 up to kSubharmonicPartials, under
/// kSubharmonicMaxHz), else f0. Below kSubharmonicMinHz, f0/2 lies within a few bins
/// of 0 Hz, where the test cannot resolve it: f0 is kept.
double correct_octave(const float* magnitude, std::size_t bins, double bin_hz, double f0_hz);
/// Tuning split: 0.3-0.4 fixes every octave-high note (their shares 0.47-0.68) and
/// breaks none; the highest of that range, for the fewest false halvings.
inline constexpr double kSubharmonicShare = 0.4;
inline constexpr double kSubharmonicMinHz = 100.0;
inline constexpr double kSubharmonicMaxHz = 5000.0;
inline constexpr int kSubharmonicPartials = 8;

/// The per-file pitch: pitched when at least kMinVoicedShare of the loud frames
/// (above kPitchFloor of the loudest) are voiced with confidence >= kMinConfidence,
/// and at least kMinStableShare of those lie within half a semitone of their median
/// (one note, vibrato included; a melody or a slide has no single pitch); then the
/// median f0, its nearest equal-tempered note (A4 = 440 Hz) and the deviation in cents.
struct PitchSummary {
    bool pitched = false;
    double f0_hz = 0.0;
    std::string note;   ///< "C#3", empty when unpitched
    double cents = 0.0;  ///< deviation from the note, in [-50, 50)
    double confidence = 0.0;
};

inline constexpr double kMinVoicedShare = 0.5;
/// Frames quieter than this fraction of the loudest frame's RMS (-30 dB) are left out.
inline constexpr float kPitchFloor = 0.0316f;
inline constexpr double kMinConfidence = 0.85;
inline constexpr double kMinStableShare = 0.6;

PitchSummary summarise_pitch(const std::vector<float>& f0_hz, const std::vector<float>& confidence,
                             const std::vector<float>& frame_rms);

/// "A4" for MIDI 69. Sharps, not flats: C C# D D# E F F# G G# A A# B.
std::string note_name(int midi);

}  // namespace samplemind::features
