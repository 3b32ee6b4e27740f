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
