// Bounded reads of container headers: every field comes from bytes that were
// really read, and a short read is a corrupt_data error naming what was missing.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "io/byte_source.hpp"
#include "samplemind/error.hpp"

namespace samplemind::decode {

/// Up to 64 header bytes read from a fixed offset.
class HeaderBytes {
public:
    /// Reads exactly `count` bytes (count <= 64) at `offset`, or throws corrupt_data
    /// saying `what` was cut short.
    HeaderBytes(const io::ByteSource& source, std::uint64_t offset, std::size_t count, const char* what)
        : count_(count) {
        const std::size_t got = source.read_at(offset, std::span(bytes_.data(), count));
        if (got < count) {
            throw Error(ErrorCode::corrupt_data, source.name(),
                        std::string("truncated ") + what + " at byte " + std::to_string(offset));
        }
    }
    const std::uint8_t* data() const noexcept { return bytes_.data(); }
    std::size_t size() const noexcept { return count_; }
    bool tag_is(std::size_t at, const char* tag) const { return std::memcmp(bytes_.data() + at, tag, 4) == 0; }
    std::string tag(std::size_t at) const { return std::string(reinterpret_cast<const char*>(bytes_.data() + at), 4); }
    std::uint16_t le16(std::size_t at) const { return static_cast<std::uint16_t>(b(at) | (b(at + 1) << 8)); }
    std::uint32_t le32(std::size_t at) const { return le16(at) | (static_cast<std::uint32_t>(le16(at + 2)) << 16); }
    std::uint64_t le64(std::size_t at) const { return le32(at) | (static_cast<std::uint64_t>(le32(at + 4)) << 32); }
    std::uint16_t be16(std::size_t at) const { return static_cast<std::uint16_t>((b(at) << 8) | b(at + 1)); }
    std::uint32_t be32(std::size_t at) const { return (static_cast<std::uint32_t>(be16(at)) << 16) | be16(at + 2); }
    std::uint64_t be64(std::size_t at) const { return (static_cast<std::uint64_t>(be32(at)) << 32) | be32(at + 4); }

private:
    std::uint32_t b(std::size_t at) const { return bytes_[at]; }
    std::array<std::uint8_t, 64> bytes_{};
    std::size_t count_;
};

/// Thrown by a native parser for a valid container whose codec it does not decode
/// (ADPCM, mu-law, ...): the caller hands the file to libsndfile instead.
struct NotNativeCodec : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Limits that make a header "impossible" rather than merely unusual.
inline constexpr int kMaxChannels = 256;
inline constexpr double kMinSampleRate = 1000.0;
inline constexpr double kMaxSampleRate = 1536000.0;
/// Chunks scanned before giving up on a container (each is at least 8 bytes, so the
/// scan ends anyway; this bounds the work on a file of millions of empty chunks).
inline constexpr int kMaxChunks = 100000;

/// Throws corrupt_data unless channels and sample rate are within the limits above.
void check_channels_and_rate(const std::string& name, long long channels, double sample_rate);

}  // namespace samplemind::decode
