// Reading audio files: native WAV/RF64 and AIFF/AIFC readers, everything else
// through libsndfile loaded at run time.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "samplemind/audio_info.hpp"

namespace samplemind {

/// How files are opened and read.
struct DecodeOptions {
    /// Path of the libsndfile shared library used for formats the native readers do
    /// not handle (FLAC, Ogg, Opus, MP3, CAF, W64, ...). Empty: let the dynamic loader
    /// find "libsndfile.so.1". When no library loads, those formats fail with
    /// ErrorCode::unsupported_format.
    std::string sndfile_path;
    /// analyze_file() overlaps its stages on extra threads for inputs longer than
    /// kParallelMinSeconds: compressed formats (those libsndfile reads) decode ahead,
    /// and STFT frames run beside resampling. Results are identical either way. Turn
    /// off where every core is busy already (a batch with one worker per core).
    bool parallel_stages = true;
    /// When set and true, analyze_file() stops at its next block of audio with
    /// ErrorCode::cancelled. Owned by the caller; read with relaxed ordering.
    const std::atomic<bool>* cancel = nullptr;
};

/// Inputs shorter than this (seconds) are analysed on one thread whatever
/// DecodeOptions::parallel_stages says: starting threads would cost more than it saves.
inline constexpr double kParallelMinSeconds = 1.0;

/// A source of decoded samples, read front to back in blocks. Not thread-safe:
/// one decoder belongs to one thread at a time.
class AudioDecoder {
public:
    virtual ~AudioDecoder() = default;
    /// Metadata; info().frames is the header's count, clamped to the bytes present
    /// (compressed formats may report an estimate until the end is reached).
    virtual const AudioInfo& info() const noexcept = 0;
    /// Reads up to out.size() / channels frames of interleaved float samples, nominally
    /// in [-1, 1] (float files may exceed it or hold NaN). Returns frames read; 0 at
    /// the end. Throws samplemind::Error on a read or decode failure.
    virtual std::size_t read(std::span<float> out) = 0;
};

/// Opens a file, detecting its format from its first bytes (never from its name).
/// Throws samplemind::Error (not_found, unsupported_format, corrupt_data, io_error).
std::unique_ptr<AudioDecoder> open_audio_file(const std::string& path,
                                              const DecodeOptions& options = {});

/// Opens audio held in memory. Only the native WAV/AIFF readers are used. The
/// bytes must outlive the decoder. `name` is used in error messages.
std::unique_ptr<AudioDecoder> open_audio_memory(std::span<const std::uint8_t> bytes,
                                                const std::string& name = "<memory>");

/// Decoded audio: interleaved float samples plus metadata.
struct DecodedAudio {
    AudioInfo info;
    std::vector<float> samples;  ///< frames x channels, interleaved
};

/// Decodes a whole file into memory (convenience for tests and small files; analysis
/// itself streams). max_frames bounds memory; a longer file fails with too_large.
DecodedAudio decode_file(const std::string& path, const DecodeOptions& options = {},
                         std::int64_t max_frames = std::int64_t{1} << 31);

}  // namespace samplemind
