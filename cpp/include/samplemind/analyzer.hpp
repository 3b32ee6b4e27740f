// Analysing audio: a streaming analyser that takes blocks of samples, and the
// whole-file and whole-buffer entry points built on it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "samplemind/analysis.hpp"
#include "samplemind/config.hpp"
#include "samplemind/decoder.hpp"

namespace samplemind {

/// Descriptors of the audio pushed so far, cheap to read at any time.
struct RunningDescriptors {
    std::int64_t frames_pushed = 0;  ///< source sample frames received
    double seconds_pushed = 0.0;     ///< frames_pushed / source sample rate
    double peak_dbfs = kSilenceDb;   ///< sample peak so far
    double rms_dbfs = kSilenceDb;    ///< RMS so far
    std::int64_t stft_frames = 0;    ///< STFT frames computed so far
    double last_centroid_hz = 0.0;   ///< spectral centroid of the latest STFT frame
    double last_rms = 0.0;           ///< RMS of the latest STFT frame (analysis rate)
    double momentary_lufs = kSilenceDb;  ///< loudness of the last 400 ms (ungated, LUFS)
    double pitch_hz = 0.0;           ///< latest pitch estimate; 0 when unvoiced or unsure
    double pitch_confidence = 0.0;   ///< YIN confidence of that estimate, [0, 1]
    std::int64_t onset_count = 0;    ///< onsets so far, decided online (energy rise; see
                                     ///< features/running_onsets.hpp): finish() re-detects them
    double last_onset_s = -1.0;      ///< time of the latest onset, seconds (-1: none yet)
};

/// Incremental analysis: push blocks of interleaved samples at the source rate, read
/// running descriptors, then finish() once for the full result. Memory stays bounded
/// by the configuration, not by how much audio is pushed (except with keep_frames).
/// Not thread-safe: one analyser belongs to one thread at a time; separate analysers
/// run in parallel freely.
class StreamingAnalyzer {
public:
    /// Throws std::invalid_argument for an invalid config, sample rate (must be in
    /// [1, 1e7] Hz) or channel count (must be in [1, 256]). With frame_thread, STFT
    /// frames are computed on a second thread, overlapping resampling: faster for one
    /// long input on an idle machine, but push() may then wait, so not for real-time use.
    StreamingAnalyzer(const AnalysisConfig& config, double sample_rate, int channels, bool frame_thread = false);
    ~StreamingAnalyzer();
    StreamingAnalyzer(StreamingAnalyzer&&) noexcept;
    StreamingAnalyzer& operator=(StreamingAnalyzer&&) noexcept;

    /// Allocates everything push() can need for up to max_seconds of audio, so that
    /// afterwards push() performs no allocation, takes no lock and does no I/O: it may
    /// run on an audio thread. (The small per-frame tracks behind tempo, pitch and
    /// envelope grow with the stream; past max_seconds they grow geometrically again.)
    /// max_block_frames (> 0) is the largest block the host will push; any size works,
    /// large blocks are processed in internal steps. Throws std::logic_error with
    /// frame_thread or AnalysisConfig::keep_frames, which lock or grow by design.
    void prepare(std::size_t max_block_frames, double max_seconds = 600.0);
    /// Adds interleaved samples (size must be a multiple of channels). NaN and
    /// infinite samples are counted and replaced by 0. Throws std::logic_error after
    /// finish(), std::invalid_argument for a ragged block.
    void push(std::span<const float> interleaved);
    /// Descriptors of what was pushed so far.
    RunningDescriptors running() const;
    /// Flushes the tail and returns the analysis. Call once; info.container is
    /// "buffer" unless the caller fills it in.
    Analysis finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Analyses a file, streaming it through a decoder and a StreamingAnalyzer.
/// Throws samplemind::Error for a bad file, std::invalid_argument for a bad config.
Analysis analyze_file(const std::string& path, const AnalysisConfig& config = {},
                      const DecodeOptions& options = {});

/// Analyses interleaved samples held in memory (frames x channels).
Analysis analyze_buffer(std::span<const float> interleaved, double sample_rate, int channels,
                        const AnalysisConfig& config = {});

}  // namespace samplemind
