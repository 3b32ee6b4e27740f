#include "decode/pcm_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "samplemind/error.hpp"

namespace samplemind::decode {
namespace {

constexpr std::size_t kRawBlockBytes = 1 << 16;

// Assembles an unsigned integer of `bytes` bytes in the given byte order.
inline std::uint64_t load_uint(const std::uint8_t* p, int bytes, bool big_endian) {
    std::uint64_t value = 0;
    if (big_endian) {
        for (int i = 0; i < bytes; ++i) value = (value << 8) | p[i];
    } else {
        for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
    }
    return value;
}

template <PcmEncoding encoding, bool big_endian>
inline float convert_one(const std::uint8_t* p) {
    switch (encoding) {
        case PcmEncoding::u8: return static_cast<float>(static_cast<int>(p[0]) - 128) * (1.0f / 128.0f);
        case PcmEncoding::s8: return static_cast<float>(static_cast<std::int8_t>(p[0])) * (1.0f / 128.0f);
        case PcmEncoding::s16:
            return static_cast<float>(static_cast<std::int16_t>(load_uint(p, 2, big_endian))) * (1.0f / 32768.0f);
        case PcmEncoding::s24: {
            // Sign-extend by placing the 24 bits at the top of a 32-bit word.
            const auto top = static_cast<std::int32_t>(static_cast<std::uint32_t>(load_uint(p, 3, big_endian)) << 8);
            return static_cast<float>(top) * (1.0f / 2147483648.0f);
        }
        case PcmEncoding::s32:
            return static_cast<float>(static_cast<std::int32_t>(load_uint(p, 4, big_endian))) * (1.0f / 2147483648.0f);
        case PcmEncoding::f32: {
            const auto bits = static_cast<std::uint32_t>(load_uint(p, 4, big_endian));
            float value;
            std::memcpy(&value, &bits, sizeof value);
            return value;
        }
        case PcmEncoding::f64: {
            const std::uint64_t bits = load_uint(p, 8, big_endian);
            double value;
            std::memcpy(&value, &bits, sizeof value);
            return static_cast<float>(value);
        }
    }
    return 0.0f;
}

// One pass over a block with the encoding fixed at compile time.
template <PcmEncoding encoding, bool big_endian>
void convert_block(const std::uint8_t* raw, float* out, std::size_t samples) {
    constexpr int kBytes = encoding == PcmEncoding::f64   ? 8
                           : encoding == PcmEncoding::s32 ? 4
                           : encoding == PcmEncoding::f32 ? 4
                           : encoding == PcmEncoding::s24 ? 3
                           : encoding == PcmEncoding::s16 ? 2
                                                          : 1;
    for (std::size_t i = 0; i < samples; ++i) out[i] = convert_one<encoding, big_endian>(raw + i * kBytes);
}

template <bool big_endian>
void convert_block(PcmEncoding encoding, const std::uint8_t* raw, float* out, std::size_t samples) {
    switch (encoding) {
        case PcmEncoding::u8: return convert_block<PcmEncoding::u8, big_endian>(raw, out, samples);
        case PcmEncoding::s8: return convert_block<PcmEncoding::s8, big_endian>(raw, out, samples);
        case PcmEncoding::s16: return convert_block<PcmEncoding::s16, big_endian>(raw, out, samples);
        case PcmEncoding::s24: return convert_block<PcmEncoding::s24, big_endian>(raw, out, samples);
        case PcmEncoding::s32: return convert_block<PcmEncoding::s32, big_endian>(raw, out, samples);
        case PcmEncoding::f32: return convert_block<PcmEncoding::f32, big_endian>(raw, out, samples);
        case PcmEncoding::f64: return convert_block<PcmEncoding::f64, big_endian>(raw, out, samples);
    }
}

}  // namespace

int bytes_per_sample(PcmEncoding encoding) noexcept {
    switch (encoding) {
        case PcmEncoding::u8:
        case PcmEncoding::s8: return 1;
        case PcmEncoding::s16: return 2;
        case PcmEncoding::s24: return 3;
        case PcmEncoding::s32:
        case PcmEncoding::f32: return 4;
        case PcmEncoding::f64: return 8;
    }
    return 0;
}

const char* encoding_name(PcmEncoding encoding) noexcept {
    switch (encoding) {
        case PcmEncoding::u8: return "pcm_u8";
        case PcmEncoding::s8: return "pcm_s8";
        case PcmEncoding::s16: return "pcm_16";
        case PcmEncoding::s24: return "pcm_24";
        case PcmEncoding::s32: return "pcm_32";
        case PcmEncoding::f32: return "float_32";
        case PcmEncoding::f64: return "float_64";
    }
    return "unknown";
}

PcmDecoder::PcmDecoder(std::unique_ptr<io::ByteSource> source, PcmLayout layout, double sample_rate,
                       std::string container)
    : source_(std::move(source)), layout_(layout), raw_(kRawBlockBytes) {
    info_.sample_rate = sample_rate;
    info_.channels = layout_.channels;
    info_.container = std::move(container);
    info_.frames = layout_.frames;
    info_.duration_s = static_cast<double>(layout_.frames) / info_.sample_rate;
    info_.sample_format = encoding_name(layout_.encoding);
    info_.bit_depth = 8 * bytes_per_sample(layout_.encoding);
    info_.decoder = "native";
    info_.truncated = layout_.truncated;
}

std::size_t PcmDecoder::read(std::span<float> out) {
    const int sample_bytes = bytes_per_sample(layout_.encoding);
    const std::size_t frame_bytes = static_cast<std::size_t>(sample_bytes) * layout_.channels;
    const std::size_t channels = static_cast<std::size_t>(layout_.channels);
    std::size_t frames = std::min<std::size_t>(out.size() / channels, raw_.size() / frame_bytes);
    frames = std::min<std::size_t>(frames, static_cast<std::size_t>(layout_.frames - next_frame_));
    if (frames == 0) return 0;

    const std::uint64_t offset = layout_.data_offset + static_cast<std::uint64_t>(next_frame_) * frame_bytes;
    const std::size_t got = source_->read_at(offset, std::span(raw_.data(), frames * frame_bytes));
    frames = got / frame_bytes;  // the file may have shrunk since it was opened
    const std::size_t samples = frames * channels;
    if (layout_.big_endian) {
        convert_block<true>(layout_.encoding, raw_.data(), out.data(), samples);
    } else {
        convert_block<false>(layout_.encoding, raw_.data(), out.data(), samples);
    }
    next_frame_ += static_cast<std::int64_t>(frames);
    if (frames == 0) next_frame_ = layout_.frames;
    return frames;
}

}  // namespace samplemind::decode
