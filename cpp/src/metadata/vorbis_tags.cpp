// Vorbis comments ("NAME=value" pairs), as FLAC keeps them in a metadata block and
// Ogg streams (Vorbis, Opus, FLAC-in-Ogg) in their second packet.
#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "metadata/metadata_builder.hpp"

namespace samplemind::metadata {
namespace {

constexpr std::uint8_t kFlacLastBlock = 0x80, kFlacVorbisComment = 4;
constexpr std::size_t kOggPageHeader = 27;

// Comment names (upper case, as the spec compares them) and the tag names they map to.
constexpr std::pair<std::string_view, const char*> kCommentTags[] = {
    {"TITLE", "title"},     {"ARTIST", "artist"},   {"ALBUM", "album"},          {"GENRE", "genre"},
    {"COMMENT", "comment"}, {"DESCRIPTION", "description"}, {"DATE", "date"},   {"COPYRIGHT", "copyright"},
    {"ENCODER", "software"}, {"BPM", "bpm"},        {"TEMPO", "bpm"},            {"TBPM", "bpm"},
    {"KEY", "key"},         {"INITIALKEY", "key"},  {"INITIAL KEY", "key"},
};

// The second packet of the first logical stream, reassembled from its pages' segments.
Bytes second_ogg_packet(Reader& reader) {
    std::vector<std::uint8_t> packet;
    int packets_done = 0;
    std::uint64_t pos = 0;
    std::uint32_t serial = 0;
    for (int page = 0; page < kMaxChunks && pos + kOggPageHeader <= reader.size(); ++page) {
        const Bytes head = reader.read(pos, kOggPageHeader + 255);
        if (!head.tag_is(0, "OggS") || !head.has(0, kOggPageHeader + head.u8(26))) break;
        const std::size_t segments = head.u8(26);
        const std::uint32_t page_serial = head.le32(14);
        if (page == 0) serial = page_serial;
        std::uint64_t body = pos + kOggPageHeader + segments, length = 0;
        for (std::size_t i = 0; i < segments; ++i) length += head.u8(kOggPageHeader + i);
        if (page_serial == serial) {
            const Bytes data = reader.read(body, length);
            std::size_t at = 0;
            for (std::size_t i = 0; i < segments && at <= data.size(); ++i) {
                const std::size_t lace = head.u8(kOggPageHeader + i);
                if (packets_done == 1) {
                    const auto piece = data.span(at, lace);
                    packet.insert(packet.end(), piece.begin(), piece.end());
                    if (packet.size() > kMaxChunkBytes) return Bytes(std::move(packet));  // enough for the tags
                }
                at += lace;
                if (lace < 255 && ++packets_done == 2) return Bytes(std::move(packet));
            }
        }
        pos = body + length;
    }
    return Bytes(std::move(packet));
}

}  // namespace

void read_vorbis_comment(const Bytes& bytes, std::size_t at, Builder& out) {
    const std::uint32_t vendor = bytes.le32(at);
    if (!bytes.has(at + 4, std::size_t{vendor} + 4)) return;
    at += 4 + std::size_t{vendor};
    const std::uint32_t count = bytes.le32(at);
    at += 4;
    for (std::uint32_t i = 0; i < count && i < kMaxChunks && bytes.has(at, 4); ++i) {
        const std::uint32_t length = bytes.le32(at);
        const auto field = bytes.span(at + 4, length);
        at += 4 + std::size_t{length};
        const auto equals = std::find(field.begin(), field.end(), '=');
        if (equals == field.end()) continue;
        std::string name(field.begin(), equals);
        for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (const auto& [comment, tag] : kCommentTags) {
            if (name == comment) out.tag(tag, clean_text(field.subspan(equals - field.begin() + 1)));
        }
    }
    out.source("vorbis_comment");
}

void read_flac(Reader& reader, std::uint64_t offset, Builder& out) {
    if (!reader.read(offset, 4).tag_is(0, "fLaC")) return;
    std::uint64_t pos = offset + 4;
    for (int block = 0; block < kMaxChunks && pos + 4 <= reader.size(); ++block) {
        const Bytes head = reader.read(pos, 4);
        const std::uint8_t type = head.u8(0) & 0x7F;
        const std::uint32_t length = head.be32(0) & 0xFFFFFF;
        if (type == kFlacVorbisComment) read_vorbis_comment(reader.read(pos + 4, length), 0, out);
        if (head.u8(0) & kFlacLastBlock) break;
        pos += 4 + std::uint64_t{length};
    }
}

void read_ogg(Reader& reader, Builder& out) {
    const Bytes packet = second_ogg_packet(reader);
    if (packet.tag_is(0, "\x03vorbis")) read_vorbis_comment(packet, 7, out);
    else if (packet.tag_is(0, "OpusTags")) read_vorbis_comment(packet, 8, out);
    else if ((packet.u8(0) & 0x7F) == kFlacVorbisComment) read_vorbis_comment(packet, 4, out);  // FLAC in Ogg
}

}  // namespace samplemind::metadata
