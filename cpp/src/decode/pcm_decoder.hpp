// Streams uncompressed sample data (PCM or IEEE float) out of a byte source.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "io/byte_source.hpp"
#include "samplemind/decoder.hpp"

namespace samplemind::decode {

/// How samples are stored in the data chunk.
enum class PcmEncoding { u8, s8, s16, s24, s32, f32, f64 };

/// Bytes per sample of an encoding.
int bytes_per_sample(PcmEncoding encoding) noexcept;
/// "pcm_16", "float_32", ... as reported in AudioInfo::sample_format.
const char* encoding_name(PcmEncoding encoding) noexcept;

/// Where the samples are: produced by a container parser, already validated and
/// clamped so that data_offset + frames * frame_bytes <= source size.
struct PcmLayout {
    PcmEncoding encoding = PcmEncoding::s16;
    bool big_endian = false;
    int channels = 0;
    std::uint64_t data_offset = 0;
    std::int64_t frames = 0;
    bool truncated = false;  ///< the header declared more frames than the file holds
};

/// Converts stored samples to float exactly as libsndfile's sf_readf_float does
/// (integers scaled by 2^-(bits-1), unsigned 8-bit offset by 128, doubles rounded),
/// so native and libsndfile decoding agree sample for sample.
class PcmDecoder final : public AudioDecoder {
public:
    /// container: the AudioInfo::container name ("wav", "aiff", ...).
    PcmDecoder(std::unique_ptr<io::ByteSource> source, PcmLayout layout, double sample_rate, std::string container);
    const AudioInfo& info() const noexcept override { return info_; }
    std::size_t read(std::span<float> out) override;

private:
    std::unique_ptr<io::ByteSource> source_;
    PcmLayout layout_;
    AudioInfo info_;
    std::int64_t next_frame_ = 0;
    std::vector<std::uint8_t> raw_;  // one block of stored bytes
};

}  // namespace samplemind::decode
