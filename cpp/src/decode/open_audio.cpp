// Format detection and dispatch: native readers for WAV/RF64 and AIFF/AIFC,
// libsndfile for the rest. The format comes from the first bytes, never the name.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "decode/aiff_parser.hpp"
#include "decode/header_reader.hpp"
#include "decode/sndfile_decoder.hpp"
#include "decode/wav_parser.hpp"
#include "io/byte_source.hpp"
#include "samplemind/decoder.hpp"
#include "samplemind/error.hpp"

namespace samplemind {
namespace {

enum class Sniffed { wav, aiff, other };

struct Head {
    std::uint8_t bytes[12] = {};
    std::size_t size = 0;
    bool starts_with(const char* magic, std::size_t at = 0) const {
        const std::size_t n = std::strlen(magic);
        return at + n <= size && std::memcmp(bytes + at, magic, n) == 0;
    }
};

Head read_head(const io::ByteSource& source) {
    Head head;
    head.size = source.read_at(0, std::span(head.bytes, sizeof head.bytes));
    return head;
}

Sniffed sniff(const Head& head) {
    if ((head.starts_with("RIFF") || head.starts_with("RF64") || head.starts_with("BW64")) &&
        head.starts_with("WAVE", 8)) {
        return Sniffed::wav;
    }
    if (head.starts_with("FORM") && (head.starts_with("AIFF", 8) || head.starts_with("AIFC", 8))) {
        return Sniffed::aiff;
    }
    return Sniffed::other;
}

// A name for formats recognisable by their magic bytes, for error messages; empty
// when the bytes look like nothing known.
std::string describe(const Head& head) {
    if (head.starts_with("fLaC")) return "FLAC";
    if (head.starts_with("OggS")) return "Ogg";
    if (head.starts_with("ID3") || (head.size >= 2 && head.bytes[0] == 0xFF && (head.bytes[1] & 0xE0) == 0xE0)) {
        return "MPEG audio";
    }
    if (head.starts_with("caff")) return "CAF";
    if (head.starts_with("riff")) return "Wave64";
    if (head.starts_with(".snd")) return "AU";
    if (head.starts_with("RIFF") || head.starts_with("RF64")) return "RIFF";
    if (head.starts_with("FORM")) return "IFF";
    return "";
}

std::string hex_prefix(const Head& head) {
    std::string text;
    for (std::size_t i = 0; i < std::min<std::size_t>(head.size, 8); ++i) {
        char byte[4];
        std::snprintf(byte, sizeof byte, "%s%02x", i ? " " : "", head.bytes[i]);
        text += byte;
    }
    return text;
}

std::unique_ptr<AudioDecoder> open_native(std::unique_ptr<io::ByteSource> source, Sniffed kind) {
    return kind == Sniffed::wav ? decode::open_wav(std::move(source)) : decode::open_aiff(std::move(source));
}

}  // namespace

std::unique_ptr<AudioDecoder> open_audio_file(const std::string& path, const DecodeOptions& options) {
    auto source = io::open_file_source(path);
    if (source->size() == 0) throw Error(ErrorCode::corrupt_data, path, "empty file (0 bytes)");
    const Head head = read_head(*source);
    const Sniffed kind = sniff(head);
    std::string codec;  // set when a native container holds a codec libsndfile must decode
    if (kind != Sniffed::other) {
        try {
            return open_native(std::move(source), kind);
        } catch (const decode::NotNativeCodec& not_native) {
            codec = not_native.what();
        }
    }
    std::string why;
    auto library = decode::load_sndfile(options.sndfile_path, why);
    if (!library) {
        const std::string what = !codec.empty() ? codec : !describe(head).empty() ? describe(head) + " audio"
                                                                                : "this format";
        throw Error(ErrorCode::unsupported_format, path, what + " needs libsndfile, and " + why);
    }
    try {
        // With a known codec, a refusal to open means "unsupported", not "corrupt".
        return decode::open_with_sndfile(std::move(library), path, codec.empty() ? describe(head) : "");
    } catch (const Error& error) {
        if (!codec.empty() && error.code() == ErrorCode::unsupported_format) {
            throw Error(ErrorCode::unsupported_format, path, codec + " is not supported (" + error.reason() + ")");
        }
        if (describe(head).empty() && error.code() == ErrorCode::unsupported_format) {
            throw Error(ErrorCode::unsupported_format, path,
                        "not a recognised audio format (first bytes: " + hex_prefix(head) + ")");
        }
        throw;
    }
}

std::unique_ptr<AudioDecoder> open_audio_memory(std::span<const std::uint8_t> bytes, const std::string& name) {
    auto source = io::memory_source(bytes, name);
    if (source->size() == 0) throw Error(ErrorCode::corrupt_data, name, "empty buffer (0 bytes)");
    const Head head = read_head(*source);
    const Sniffed kind = sniff(head);
    if (kind == Sniffed::other) {
        throw Error(ErrorCode::unsupported_format, name,
                    "only WAV and AIFF are decoded from memory (first bytes: " + hex_prefix(head) + ")");
    }
    try {
        return open_native(std::move(source), kind);
    } catch (const decode::NotNativeCodec& not_native) {
        throw Error(ErrorCode::unsupported_format, name, std::string(not_native.what()) + " is not decoded from memory");
    }
}

DecodedAudio decode_file(const std::string& path, const DecodeOptions& options, std::int64_t max_frames) {
    auto decoder = open_audio_file(path, options);
    DecodedAudio decoded;
    decoded.info = decoder->info();
    const auto channels = static_cast<std::size_t>(decoded.info.channels);
    std::vector<float> block(channels * 16384);
    std::int64_t frames = 0;
    while (const std::size_t got = decoder->read(block)) {
        frames += static_cast<std::int64_t>(got);
        if (frames > max_frames) {
            throw Error(ErrorCode::too_large, path, "more than " + std::to_string(max_frames) + " frames");
        }
        decoded.samples.insert(decoded.samples.end(), block.begin(), block.begin() + got * channels);
    }
    if (frames == 0) throw Error(ErrorCode::corrupt_data, path, "no audio frames");
    decoded.info.frames = frames;
    decoded.info.duration_s = static_cast<double>(frames) / decoded.info.sample_rate;
    return decoded;
}

}  // namespace samplemind
