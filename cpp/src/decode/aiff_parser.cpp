#include "decode/aiff_parser.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "decode/header_reader.hpp"
#include "decode/pcm_decoder.hpp"

namespace samplemind::decode {
namespace {

struct CommonChunk {
    long long channels = 0;
    std::uint32_t frames = 0;
    int bits = 0;
    double sample_rate = 0;
    std::string compression = "NONE";
};

CommonChunk parse_comm(const io::ByteSource& source, std::uint64_t body, std::uint32_t size, bool aifc) {
    const std::uint32_t needed = aifc ? 22 : 18;
    if (size < needed) {
        throw Error(ErrorCode::corrupt_data, source.name(),
                    "'COMM' chunk is " + std::to_string(size) + " bytes, needs " + std::to_string(needed));
    }
    const HeaderBytes comm(source, body, needed, "'COMM' chunk");
    CommonChunk common;
    common.channels = static_cast<std::int16_t>(comm.be16(0));
    common.frames = comm.be32(2);
    common.bits = static_cast<std::int16_t>(comm.be16(6));
    common.sample_rate = decode_extended80(comm.data() + 8);
    if (aifc) common.compression = comm.tag(18);
    return common;
}

// PCM container for `bits` significant bits (AIFF left-justifies them in whole bytes).
PcmEncoding pcm_container(const io::ByteSource& source, int bits) {
    if (bits >= 1 && bits <= 8) return PcmEncoding::s8;
    if (bits >= 9 && bits <= 16) return PcmEncoding::s16;
    if (bits >= 17 && bits <= 24) return PcmEncoding::s24;
    if (bits >= 25 && bits <= 32) return PcmEncoding::s32;
    throw Error(ErrorCode::unsupported_format, source.name(),
                "PCM bit depth " + std::to_string(bits) + " is not supported (1 to 32)");
}

// Encoding and byte order for an AIFF-C compression type.
std::pair<PcmEncoding, bool> choose_encoding(const io::ByteSource& source, const CommonChunk& common) {
    const std::string& type = common.compression;
    // Apple's sized PCM types ('in24', '42ni', ...) name the same layouts as
    // 'twos'/'sowt'; libsndfile writes little-endian 24/32-bit as '42n1'/'23n1'.
    if (type == "NONE" || type == "twos" || type == "in24" || type == "in32") {
        return {pcm_container(source, common.bits), true};
    }
    if (type == "sowt" || type == "42ni" || type == "42n1" || type == "23ni" || type == "23n1") {
        return {pcm_container(source, common.bits), false};
    }
    if (type == "fl32" || type == "FL32") return {PcmEncoding::f32, true};
    if (type == "fl64" || type == "FL64") return {PcmEncoding::f64, true};
    throw NotNativeCodec("AIFF-C compression '" + type + "'");
}

}  // namespace

double decode_extended80(const std::uint8_t* bytes) {
    const int sign_exponent = (bytes[0] << 8) | bytes[1];
    std::uint64_t mantissa = 0;
    for (int i = 0; i < 8; ++i) mantissa = (mantissa << 8) | bytes[2 + i];
    const int exponent = sign_exponent & 0x7FFF;
    const double sign = (sign_exponent & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0x7FFF) {
        const bool fraction_zero = (mantissa << 1) == 0;
        return fraction_zero ? sign * std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::quiet_NaN();
    }
    if (mantissa == 0) return 0.0 * sign;
    return sign * std::ldexp(static_cast<double>(mantissa), exponent - 16383 - 63);
}

std::unique_ptr<AudioDecoder> open_aiff(std::unique_ptr<io::ByteSource> source) {
    const io::ByteSource& src = *source;
    const std::uint64_t file_size = src.size();
    const HeaderBytes form(src, 0, 12, "FORM header");
    const bool aifc = form.tag_is(8, "AIFC");

    std::optional<CommonChunk> common;
    std::optional<std::uint64_t> data_offset;
    std::uint64_t data_size = 0;
    std::uint64_t pos = 12;
    for (int chunk = 0; chunk < kMaxChunks && pos + 8 <= file_size; ++chunk) {
        const HeaderBytes head(src, pos, 8, "chunk header");
        const std::uint64_t size = head.be32(4);
        const std::uint64_t body = pos + 8;
        if (head.tag_is(0, "COMM")) {
            common = parse_comm(src, body, head.be32(4), aifc);
        } else if (head.tag_is(0, "SSND")) {
            const HeaderBytes ssnd(src, body, 8, "'SSND' chunk");
            const std::uint64_t start = body + 8 + ssnd.be32(0);  // skip the block-alignment offset
            const std::uint64_t declared = size >= 8 + ssnd.be32(0) ? size - 8 - ssnd.be32(0) : 0;
            const std::uint64_t available = file_size - std::min(file_size, start);
            data_offset = start;
            data_size = std::min(declared, available);  // clamp an overstated size
            if (common || data_size < declared) break;
        }
        pos = body + size + (size & 1);
    }

    if (!common) throw Error(ErrorCode::corrupt_data, src.name(), "no 'COMM' chunk");
    // The codec first: one the native reader leaves to libsndfile is checked there.
    const auto [encoding, big_endian] = choose_encoding(src, *common);
    check_channels_and_rate(src.name(), common->channels, common->sample_rate);
    if (common->frames == 0) throw Error(ErrorCode::corrupt_data, src.name(), "no audio frames ('COMM' says 0)");
    if (!data_offset) throw Error(ErrorCode::corrupt_data, src.name(), "no 'SSND' chunk");
    const std::uint64_t frame_bytes = static_cast<std::uint64_t>(bytes_per_sample(encoding)) * common->channels;
    const std::uint64_t frames = std::min<std::uint64_t>(common->frames, data_size / frame_bytes);
    if (frames == 0) throw Error(ErrorCode::corrupt_data, src.name(), "no audio frames in the 'SSND' chunk");

    const PcmLayout layout{encoding, big_endian, static_cast<int>(common->channels), *data_offset,
                           static_cast<std::int64_t>(frames), frames < common->frames};
    return std::make_unique<PcmDecoder>(std::move(source), layout, common->sample_rate, aifc ? "aifc" : "aiff");
}

}  // namespace samplemind::decode
