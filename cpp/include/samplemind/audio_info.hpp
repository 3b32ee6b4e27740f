// What a decoder learned about a file before and while reading it.
#pragma once

#include <cstdint>
#include <string>

namespace samplemind {

/// Metadata of decoded audio. For a buffer analysed from memory, container and
/// sample_format are "buffer" and "float_32".
struct AudioInfo {
    /// Sample rate of the source in Hz (> 0).
    double sample_rate = 0.0;
    /// Number of interleaved channels in the source (>= 1).
    int channels = 0;
    /// Number of sample frames actually decoded (a frame holds one sample per channel).
    std::int64_t frames = 0;
    /// frames / sample_rate, in seconds.
    double duration_s = 0.0;
    /// Container, detected from the bytes: "wav", "rf64", "aiff", "aifc", "flac", "ogg", "mp3", ...
    std::string container;
    /// Encoding of the samples: "pcm_u8", "pcm_s8", "pcm_16", "pcm_24", "pcm_32", "float_32",
    /// "float_64", or the codec name reported by libsndfile ("vorbis", "opus", "mp3", ...).
    std::string sample_format;
    /// Bits per sample for PCM and float encodings; 0 for compressed codecs.
    int bit_depth = 0;
    /// "native" for the built-in WAV/AIFF readers, "libsndfile" otherwise.
    std::string decoder;
    /// The file holds less audio than its header declares (cut short, or a data size
    /// that overstates it): the analysis covers what is there.
    bool truncated = false;
};

}  // namespace samplemind
