// Where analysis time goes: per-stage clocks summed over every thread, for profiling
// and the benchmark report. Off by default: when on, each timed section costs two
// steady_clock reads (a few per STFT frame, well under 1 % of a frame's work).
#pragma once

#include <array>
#include <string_view>

namespace samplemind {

enum class Stage : int {
    decode,       ///< reading and decoding the file into float samples
    resample,     ///< converting to the analysis rate (and the mono mix)
    stft,         ///< windowing, FFT, power and magnitude spectra
    descriptors,  ///< level, loudness, spectral shape, contrast, mel, MFCC, onset envelopes
    musical,      ///< pitch (YIN), chroma and key, tempo, envelope shape
    embedding,    ///< the similarity embedding
};
inline constexpr int kStageCount = 6;

/// "decode", "resample", "stft", "descriptors", "musical", "embedding".
std::string_view stage_name(Stage stage);

/// Turns the clocks on or off for every thread (takes effect for sections started later).
void set_stage_timing(bool enabled);
bool stage_timing_enabled();
/// Seconds per stage since the last reset, summed over threads (indexed by Stage).
std::array<double, kStageCount> stage_seconds();
void reset_stage_timing();

}  // namespace samplemind
