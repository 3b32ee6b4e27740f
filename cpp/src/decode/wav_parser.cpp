#include "decode/wav_parser.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "decode/header_reader.hpp"
#include "decode/pcm_decoder.hpp"

namespace samplemind::decode {
namespace {

constexpr std::uint16_t kTagPcm = 0x0001;
constexpr std::uint16_t kTagFloat = 0x0003;
constexpr std::uint16_t kTagExtensible = 0xFFFE;
constexpr std::uint32_t kSizeInDs64 = 0xFFFFFFFF;  // RF64: the real size is in 'ds64'
// Bytes 4..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs for PCM and IEEE float.
constexpr std::uint8_t kGuidTail[12] = {0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                        0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

struct WavFormat {
    std::uint16_t tag = 0;
    long long channels = 0;
    double sample_rate = 0;
    std::uint16_t bits = 0;
};

// block_align is not kept: the stride is recomputed from the rest (see open_wav).
bool same_format(const WavFormat& a, const WavFormat& b) {
    return a.tag == b.tag && a.channels == b.channels && a.sample_rate == b.sample_rate && a.bits == b.bits;
}

std::string hex_tag(std::uint32_t tag) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%04X", tag);
    return text;
}

WavFormat parse_fmt(const io::ByteSource& source, std::uint64_t body, std::uint32_t size) {
    if (size < 16) {
        throw Error(ErrorCode::corrupt_data, source.name(),
                    "'fmt ' chunk is " + std::to_string(size) + " bytes, needs at least 16");
    }
    const HeaderBytes fmt(source, body, std::min<std::uint32_t>(size, 40), "'fmt ' chunk");
    WavFormat format;
    format.tag = fmt.le16(0);
    format.channels = fmt.le16(2);
    format.sample_rate = fmt.le32(4);
    format.bits = fmt.le16(14);
    if (format.tag == kTagExtensible) {
        if (size < 40) {
            throw Error(ErrorCode::corrupt_data, source.name(),
                        "WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is " + std::to_string(size) +
                            " bytes, needs 40");
        }
        const std::uint32_t sub_tag = fmt.le32(24);
        if (std::memcmp(fmt.data() + 28, kGuidTail, sizeof kGuidTail) != 0) {
            throw NotNativeCodec("WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID");
        }
        format.tag = static_cast<std::uint16_t>(sub_tag);
    }
    return format;
}

PcmEncoding choose_encoding(const io::ByteSource& source, const WavFormat& format) {
    if (format.tag == kTagPcm) {
        // A depth that is not a whole number of bytes sits left-justified in the next
        // whole byte (the RIFF rule; libsndfile reads it so): 7 bits in a byte, 12 in two.
        switch ((format.bits + 7) / 8) {
            case 1: return PcmEncoding::u8;
            case 2: return PcmEncoding::s16;
            case 3: return PcmEncoding::s24;
            case 4: return PcmEncoding::s32;
            default: break;
        }
        throw Error(ErrorCode::unsupported_format, source.name(),
                    "PCM bit depth " + std::to_string(format.bits) + " is not supported (1 to 32)");
    }
    if (format.tag == kTagFloat) {
        if (format.bits == 32) return PcmEncoding::f32;
        if (format.bits == 64) return PcmEncoding::f64;
        throw Error(ErrorCode::unsupported_format, source.name(),
                    "IEEE float bit depth " + std::to_string(format.bits) + " is not supported (32 or 64)");
    }
    throw NotNativeCodec("WAV codec " + hex_tag(format.tag));
}

}  // namespace

std::unique_ptr<AudioDecoder> open_wav(std::unique_ptr<io::ByteSource> source) {
    const io::ByteSource& src = *source;
    const std::uint64_t file_size = src.size();
    const HeaderBytes riff(src, 0, 12, "RIFF header");
    const bool is_rf64 = riff.tag_is(0, "RF64") || riff.tag_is(0, "BW64");

    std::optional<WavFormat> format;
    std::optional<std::uint64_t> data_offset;
    std::uint64_t data_size = 0, declared_size = 0;
    std::uint64_t ds64_data_size = 0;
    std::uint64_t pos = 12;
    for (int chunk = 0; chunk < kMaxChunks && pos + 8 <= file_size; ++chunk) {
        const HeaderBytes head(src, pos, 8, "chunk header");
        const std::uint32_t size32 = head.le32(4);
        const std::uint64_t body = pos + 8;
        std::uint64_t size = size32;
        if (head.tag_is(0, "ds64") && size32 >= 16) {
            const HeaderBytes ds64(src, body, 16, "'ds64' chunk");
            ds64_data_size = ds64.le64(8);
        } else if (head.tag_is(0, "fmt ")) {
            const WavFormat parsed = parse_fmt(src, body, size32);
            if (format && !same_format(*format, parsed)) {
                throw Error(ErrorCode::corrupt_data, src.name(), "two 'fmt ' chunks that disagree");
            }
            format = parsed;
        } else if (head.tag_is(0, "data")) {
            const bool from_ds64 = is_rf64 && size32 == kSizeInDs64;
            const bool to_end = (!is_rf64 && size32 == kSizeInDs64) || (from_ds64 && ds64_data_size == 0);
            size = from_ds64 ? ds64_data_size : size32;
            // Clamp the declared size to the bytes present (libsndfile and FFmpeg do too).
            const std::uint64_t available = file_size - std::min(file_size, body);
            data_offset = body;
            data_size = to_end ? available : std::min(size, available);
            declared_size = to_end ? available : size;
            if (format || data_size < size || to_end) break;  // nothing after it can be read
        }
        pos = body + size + (size & 1);  // chunks are padded to even sizes
        if (pos < body) break;           // a size that wraps the 64-bit offset
    }

    if (!format) throw Error(ErrorCode::corrupt_data, src.name(), "no 'fmt ' chunk");
    check_channels_and_rate(src.name(), format->channels, format->sample_rate);
    const PcmEncoding encoding = choose_encoding(src, *format);
    // The stride comes from the channels and the sample size; a block_align that says
    // otherwise (or 0) is a writer's slip that libsndfile reads past too.
    const std::uint64_t frame_bytes = static_cast<std::uint64_t>(bytes_per_sample(encoding)) * format->channels;
    if (!data_offset) throw Error(ErrorCode::corrupt_data, src.name(), "no 'data' chunk");
    const std::uint64_t frames = data_size / frame_bytes;
    if (frames == 0) throw Error(ErrorCode::corrupt_data, src.name(), "no audio frames in the 'data' chunk");

    const PcmLayout layout{encoding, false, static_cast<int>(format->channels), *data_offset,
                           static_cast<std::int64_t>(frames), declared_size / frame_bytes > frames};
    return std::make_unique<PcmDecoder>(std::move(source), layout, format->sample_rate, is_rf64 ? "rf64" : "wav");
}

}  // namespace samplemind::decode
