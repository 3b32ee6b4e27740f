// Waveform overviews: the peaks a sample browser draws on every row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "samplemind/decoder.hpp"

namespace samplemind {

/// The waveform of a file in `width` columns: for each, the lowest and highest sample
/// over every channel in its stretch of time, clamped to [-1, 1] (NaN counts as 0).
/// Columns of a file shorter than `width` frames repeat its frames.
struct Waveform {
    std::vector<float> min;  ///< width values
    std::vector<float> max;  ///< width values
    double duration_s = 0.0;
    int sample_rate = 0;
};

inline constexpr int kMaxWaveformWidth = 8192;

/// Reads the whole file once, streaming (memory stays within a few MB however long it
/// is, up to max_frames). Throws samplemind::Error as open_audio_file() does, and
/// std::invalid_argument when width is not in [1, kMaxWaveformWidth].
Waveform compute_waveform(const std::string& path, int width, const DecodeOptions& options = {},
                          std::int64_t max_frames = std::int64_t{1} << 33);

}  // namespace samplemind
