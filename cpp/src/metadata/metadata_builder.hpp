// Shared by the container readers: bounded byte access, text cleaning and the one
// place where a tag's name decides which Metadata field it also fills.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_source.hpp"
#include "samplemind/metadata.hpp"

namespace samplemind::metadata {

/// Bytes read from a file whose every accessor is bounds-checked: a read past the
/// end yields 0, so a parser checks has() once and cannot overrun on a short chunk.
class Bytes {
public:
    Bytes() = default;
    explicit Bytes(std::vector<std::uint8_t> data) : data_(std::move(data)) {}
    std::size_t size() const noexcept { return data_.size(); }
    bool has(std::size_t at, std::size_t count) const noexcept { return at <= size() && count <= size() - at; }
    std::span<const std::uint8_t> span(std::size_t at, std::size_t count) const noexcept;
    bool tag_is(std::size_t at, std::string_view tag) const noexcept;
    std::uint8_t u8(std::size_t at) const noexcept { return at < size() ? data_[at] : 0; }
    std::uint16_t le16(std::size_t at) const noexcept { return static_cast<std::uint16_t>(u8(at) | (u8(at + 1) << 8)); }
    std::uint32_t le32(std::size_t at) const noexcept { return le16(at) | (std::uint32_t{le16(at + 2)} << 16); }
    std::uint16_t be16(std::size_t at) const noexcept { return static_cast<std::uint16_t>((u8(at) << 8) | u8(at + 1)); }
    std::uint32_t be32(std::size_t at) const noexcept { return (std::uint32_t{be16(at)} << 16) | be16(at + 2); }
    float le_float(std::size_t at) const noexcept;

private:
    std::vector<std::uint8_t> data_;
};

/// Bytes a file may make us read for its metadata, whatever its chunks claim.
inline constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxTotalBytes = std::size_t{4} << 20;
/// Chunks, blocks or pages looked at before giving up.
inline constexpr int kMaxChunks = 4096;

/// Reads up to min(count, kMaxChunkBytes, what the file holds) bytes at offset,
/// charging them to a per-file budget; an I/O error or a spent budget reads nothing.
class Reader {
public:
    explicit Reader(const io::ByteSource& source) : source_(source) {}
    std::uint64_t size() const noexcept { return source_.size(); }
    Bytes read(std::uint64_t offset, std::uint64_t count);

private:
    const io::ByteSource& source_;
    std::size_t spent_ = 0;
};

/// Valid UTF-8 text from a tag's bytes: cut at the first NUL, control characters
/// replaced by spaces, trimmed; bytes that are not UTF-8 are read as Latin-1 (what
/// RIFF INFO and ID3v1 writers mostly meant); at most Metadata::kMaxTagBytes.
std::string clean_text(std::span<const std::uint8_t> bytes);
/// The same for text already decoded to UTF-8 (from UTF-16, say).
std::string clean_text(std::string_view text);

/// Fills a Metadata, keeping the first value of each field and range-checking them.
class Builder {
public:
    /// Adds tag `name` (lower case, from the documented vocabulary); "bpm" and "key"
    /// also fill tempo_bpm and key. Empty values are ignored.
    void tag(const std::string& name, std::string value);
    void tempo(double bpm);
    void root_note(int midi_note);
    void loop(bool is_loop);
    void beats(double count);
    void key(std::string text);
    void loop_points(std::int64_t start_frame, std::int64_t end_frame);
    /// Records that a chunk or block of this name was read.
    void source(std::string name);
    Metadata take() { return std::move(metadata_); }
    const Metadata& peek() const noexcept { return metadata_; }

private:
    Metadata metadata_;
};

/// Calls visit(tag bytes, size, body offset) for each chunk of a RIFF or IFF file (its
/// sizes little- or big-endian) from offset 12, skipping the pad byte after an odd
/// size, until the file ends, kMaxChunks were seen, or visit returns false.
template <typename Visit>
void for_each_chunk(Reader& reader, bool big_endian, Visit visit) {
    std::uint64_t pos = 12;
    for (int chunk = 0; chunk < kMaxChunks && pos + 8 <= reader.size(); ++chunk) {
        const Bytes head = reader.read(pos, 8);
        if (!head.has(0, 8)) return;
        const std::uint32_t size = big_endian ? head.be32(4) : head.le32(4);
        if (!visit(head, size, pos + 8)) return;
        pos += 8 + std::uint64_t{size} + (size & 1);
    }
}

/// Container readers: each walks its format's structure and fills the builder.
void read_riff(Reader& reader, Builder& out);
void read_aiff(Reader& reader, Builder& out);
void read_flac(Reader& reader, std::uint64_t offset, Builder& out);
void read_ogg(Reader& reader, Builder& out);
/// An ID3v2 tag at offset (in an MP3, or a WAV 'id3 ' / AIFF 'ID3 ' chunk);
/// returns its total size in bytes (0 when there is none).
std::uint64_t read_id3v2(Reader& reader, std::uint64_t offset, Builder& out);
/// The 128-byte ID3v1 tag at the end of an MP3, if any.
void read_id3v1(Reader& reader, Builder& out);
/// A Vorbis comment block (FLAC, Ogg Vorbis/Opus/FLAC): vendor, then NAME=value.
void read_vorbis_comment(const Bytes& bytes, std::size_t at, Builder& out);

}  // namespace samplemind::metadata
