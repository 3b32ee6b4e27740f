// ID3 tags: version 2.2, 2.3 and 2.4 frames (at the start of an MP3, or in a WAV or
// AIFF chunk) and the 128-byte version 1 tag at the end of an MP3.
#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "metadata/metadata_builder.hpp"

namespace samplemind::metadata {
namespace {

constexpr std::uint8_t kUnsynchronised = 0x80, kExtendedHeader = 0x40;

// Text frames (v2.3/2.4 ids, then v2.2's three-letter ones) and their tag names.
constexpr std::pair<std::string_view, const char*> kFrameTags[] = {
    {"TIT2", "title"}, {"TPE1", "artist"}, {"TALB", "album"}, {"TCON", "genre"}, {"TBPM", "bpm"},
    {"TKEY", "key"},   {"TDRC", "date"},   {"TYER", "date"},  {"TCOP", "copyright"}, {"TSSE", "software"},
    {"TT2", "title"},  {"TP1", "artist"},  {"TAL", "album"},  {"TCO", "genre"}, {"TBP", "bpm"},
    {"TKE", "key"},    {"TYE", "date"},    {"TCR", "copyright"}, {"TSS", "software"},
};
// TXXX descriptions that name a field of ours.
constexpr std::pair<std::string_view, const char*> kUserTags[] = {
    {"BPM", "bpm"}, {"TEMPO", "bpm"}, {"KEY", "key"}, {"INITIALKEY", "key"}, {"INITIAL KEY", "key"},
};

std::uint32_t syncsafe(const Bytes& bytes, std::size_t at) {
    return (std::uint32_t{bytes.u8(at)} & 0x7F) << 21 | (std::uint32_t{bytes.u8(at + 1)} & 0x7F) << 14 |
           (std::uint32_t{bytes.u8(at + 2)} & 0x7F) << 7 | (std::uint32_t{bytes.u8(at + 3)} & 0x7F);
}

// Undoes ID3 unsynchronisation: every 0xFF 0x00 was written for 0xFF.
Bytes resynchronised(std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out;
    out.reserve(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        out.push_back(data[i]);
        if (data[i] == 0xFF && i + 1 < data.size() && data[i + 1] == 0x00) ++i;
    }
    return Bytes(std::move(out));
}

void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// UTF-16 (with a byte-order mark, or big-endian without) to UTF-8, up to a NUL;
// unpaired surrogates become U+FFFD. Sets `used` to the bytes consumed.
std::string utf16_text(std::span<const std::uint8_t> data, bool big_endian, std::size_t& used) {
    std::size_t at = 0;
    if (data.size() >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
        big_endian = data[0] == 0xFE;
        at = 2;
    }
    const auto unit = [&](std::size_t i) -> std::uint32_t {
        return big_endian ? (data[i] << 8) | data[i + 1] : data[i] | (data[i + 1] << 8);
    };
    std::string out;
    for (; at + 1 < data.size(); at += 2) {
        std::uint32_t code = unit(at);
        if (code == 0) { at += 2; break; }
        if (code >= 0xD800 && code < 0xDC00 && at + 3 < data.size() && unit(at + 2) >= 0xDC00 && unit(at + 2) < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + (unit(at + 2) - 0xDC00);
            at += 2;
        } else if (code >= 0xD800 && code < 0xE000) {
            code = 0xFFFD;
        }
        append_utf8(out, code);
    }
    used = at;
    return out;
}

// One string of a frame in its encoding byte's encoding (0 Latin-1, 1 UTF-16 with a
// BOM, 2 UTF-16BE, 3 UTF-8); `used` is set to the bytes it took, NUL included.
std::string frame_text(std::uint8_t encoding, std::span<const std::uint8_t> data, std::size_t& used) {
    if (encoding == 1 || encoding == 2) return clean_text(utf16_text(data, encoding == 2, used));
    std::size_t end = 0;
    while (end < data.size() && data[end] != 0) ++end;
    used = std::min(end + 1, data.size());
    const auto text = data.first(end);
    // Latin-1 is declared, but taggers write UTF-8 there too; clean_text keeps valid UTF-8.
    return clean_text(text);
}

void read_frame(std::string_view id, const Bytes& frame, Builder& out) {
    if (frame.size() < 2) return;
    const std::uint8_t encoding = frame.u8(0);
    std::size_t used = 0;
    if (id == "COMM" || id == "COM") {  // encoding, language(3), short description, text
        const auto rest = frame.span(4, frame.size());
        frame_text(encoding, rest, used);
        out.tag("comment", frame_text(encoding, rest.subspan(std::min(used, rest.size())), used));
        return;
    }
    if (id == "TXXX" || id == "TXX") {  // encoding, description, value
        const auto rest = frame.span(1, frame.size());
        std::string description = frame_text(encoding, rest, used);
        for (char& c : description) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (const auto& [name, tag] : kUserTags) {
            if (description == name) out.tag(tag, frame_text(encoding, rest.subspan(std::min(used, rest.size())), used));
        }
        return;
    }
    for (const auto& [frame_id, tag] : kFrameTags) {
        if (id == frame_id) out.tag(tag, frame_text(encoding, frame.span(1, frame.size()), used));
    }
}

}  // namespace

std::uint64_t read_id3v2(Reader& reader, std::uint64_t offset, Builder& out) {
    const Bytes header = reader.read(offset, 10);
    const std::uint8_t version = header.u8(3), flags = header.u8(5);
    if (!header.tag_is(0, "ID3") || version < 2 || version > 4) return 0;
    const std::uint32_t size = syncsafe(header, 6);
    Bytes tag = reader.read(offset + 10, size);
    if (flags & kUnsynchronised && version < 4) tag = resynchronised(tag.span(0, tag.size()));
    std::size_t at = 0;
    if (flags & kExtendedHeader && version == 3) at = 4 + tag.be32(0);
    if (flags & kExtendedHeader && version == 4) at = syncsafe(tag, 0);
    const std::size_t id_size = version == 2 ? 3 : 4, head_size = version == 2 ? 6 : 10;
    for (int frame = 0; frame < kMaxChunks && tag.has(at, head_size) && tag.u8(at) != 0; ++frame) {
        const std::string_view id(reinterpret_cast<const char*>(tag.span(at, id_size).data()), id_size);
        const std::uint32_t frame_size = version == 2 ? (tag.be32(at + 2) >> 8)
                                         : version == 3 ? tag.be32(at + 4) : syncsafe(tag, at + 4);
        const std::uint16_t frame_flags = version == 2 ? 0 : tag.be16(at + 8);
        // Compressed or encrypted frames (2.3: 0x80/0x40, 2.4: 0x08/0x04) are skipped.
        const bool opaque = (version == 3 && (frame_flags & 0xC0)) || (version == 4 && (frame_flags & 0x0C));
        const bool frame_unsynchronised = version == 4 && ((frame_flags & 0x02) || (flags & kUnsynchronised));
        if (!opaque && (id[0] == 'T' || id.substr(0, 3) == "COM")) {
            const auto data = tag.span(at + head_size, frame_size);
            read_frame(id, frame_unsynchronised ? resynchronised(data) : Bytes({data.begin(), data.end()}), out);
        }
        at += head_size + frame_size;
    }
    out.source("id3");
    return 10 + std::uint64_t{size} + ((flags & 0x10) ? 10 : 0);  // 0x10: a footer follows
}

// "TAG", title(30) artist(30) album(30) year(4) comment(30) genre(1).
void read_id3v1(Reader& reader, Builder& out) {
    if (reader.size() < 128) return;
    const Bytes tag = reader.read(reader.size() - 128, 128);
    if (!tag.tag_is(0, "TAG")) return;
    out.tag("title", clean_text(tag.span(3, 30)));
    out.tag("artist", clean_text(tag.span(33, 30)));
    out.tag("album", clean_text(tag.span(63, 30)));
    out.tag("date", clean_text(tag.span(93, 4)));
    out.tag("comment", clean_text(tag.span(97, 30)));
    out.source("id3v1");
}

}  // namespace samplemind::metadata
