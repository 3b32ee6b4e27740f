// Which reader a file's metadata needs, from its first bytes (never its name).
#include "io/byte_source.hpp"
#include "metadata/metadata_builder.hpp"
#include "samplemind/metadata.hpp"

namespace samplemind {
namespace {

Metadata read_from(const io::ByteSource& source) {
    metadata::Reader reader(source);
    metadata::Builder out;
    const metadata::Bytes head = reader.read(0, 12);
    const bool riff = head.tag_is(0, "RIFF") || head.tag_is(0, "RF64") || head.tag_is(0, "BW64");
    if (riff && head.tag_is(8, "WAVE")) {
        metadata::read_riff(reader, out);
    } else if (head.tag_is(0, "FORM") && (head.tag_is(8, "AIFF") || head.tag_is(8, "AIFC"))) {
        metadata::read_aiff(reader, out);
    } else if (head.tag_is(0, "fLaC")) {
        metadata::read_flac(reader, 0, out);
    } else if (head.tag_is(0, "OggS")) {
        metadata::read_ogg(reader, out);
    } else if (head.tag_is(0, "ID3")) {
        // An MP3, or a FLAC some tagger put an ID3 tag in front of.
        const std::uint64_t tag_size = metadata::read_id3v2(reader, 0, out);
        metadata::read_flac(reader, tag_size, out);
        metadata::read_id3v1(reader, out);
    } else if (head.size() >= 2 && head.u8(0) == 0xFF && (head.u8(1) & 0xE0) == 0xE0) {
        metadata::read_id3v1(reader, out);  // an MP3 without a leading tag
    }
    return out.take();
}

}  // namespace

Metadata read_metadata(const std::string& path) {
    const auto source = io::open_file_source(path);
    return read_from(*source);
}

Metadata read_metadata(std::span<const std::uint8_t> bytes) {
    const auto source = io::memory_source(bytes, "<memory>");
    return read_from(*source);
}

}  // namespace samplemind
