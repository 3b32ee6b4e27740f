// WAV metadata: the chunks sample editors write (Sony ACID 'acid', the sampler
// chunk 'smpl', 'inst', Broadcast Wave 'bext', RIFF 'LIST'/'INFO', an 'id3 ' tag).
#include <string_view>
#include <utility>

#include "metadata/metadata_builder.hpp"

namespace samplemind::metadata {
namespace {

constexpr std::uint32_t kAcidOneShot = 0x01, kAcidRootNoteSet = 0x02;
constexpr std::size_t kSmplHeader = 36, kSmplLoop = 24;

// RIFF INFO list ids and the tag names they map to.
constexpr std::pair<std::string_view, const char*> kInfoTags[] = {
    {"INAM", "title"},   {"IART", "artist"},    {"IPRD", "album"},    {"IGNR", "genre"},
    {"ICMT", "comment"}, {"ICRD", "date"},      {"ICOP", "copyright"}, {"ISFT", "software"},
    {"IKEY", "keywords"}, {"ISBJ", "description"},
};

// flags(4) root_note(2) unknown(2) unknown(4) beats(4) meter_denominator(2)
// meter_numerator(2) tempo(float 4), as libsndfile and the ACID writers lay it out.
void read_acid(const Bytes& acid, Builder& out) {
    if (!acid.has(0, 24)) return;
    const std::uint32_t flags = acid.le32(0);
    out.loop((flags & kAcidOneShot) == 0);
    if (flags & kAcidRootNoteSet) out.root_note(acid.le16(4));
    out.beats(acid.le32(12));
    out.tempo(acid.le_float(20));
    out.source("acid");
}

// manufacturer, product, sample_period, midi_unity_note, pitch_fraction, smpte
// format and offset, loop count, sampler data size; then 24-byte loops.
void read_smpl(const Bytes& smpl, Builder& out) {
    if (!smpl.has(0, kSmplHeader)) return;
    out.root_note(static_cast<int>(smpl.le32(12)));
    const std::uint32_t loops = smpl.le32(28);
    // A sampler's sustain loop makes a held note last; it does not make the file a
    // loop in the producer's sense, so is_loop is left to 'acid'.
    for (std::uint32_t i = 0; i < loops && smpl.has(kSmplHeader + std::size_t{i} * kSmplLoop, kSmplLoop); ++i) {
        const std::size_t at = kSmplHeader + std::size_t{i} * kSmplLoop;
        out.loop_points(smpl.le32(at + 8), std::int64_t{smpl.le32(at + 12)} + 1);
    }
    out.source("smpl");
}

// unshifted_note(1) fine_tune(1) gain(1) low/high note, low/high velocity.
void read_inst(const Bytes& inst, Builder& out) {
    if (!inst.has(0, 7)) return;
    out.root_note(inst.u8(0));
    out.source("inst");
}

// description(256) originator(32) originator_reference(32) origination_date(10) ...
void read_bext(const Bytes& bext, Builder& out) {
    if (!bext.has(0, 330)) return;
    out.tag("description", clean_text(bext.span(0, 256)));
    out.tag("originator", clean_text(bext.span(256, 32)));
    out.tag("date", clean_text(bext.span(320, 10)));
    out.source("bext");
}

void read_info_list(const Bytes& list, Builder& out) {
    if (!list.tag_is(0, "INFO")) return;
    std::size_t at = 4;
    for (int item = 0; item < kMaxChunks && list.has(at, 8); ++item) {
        const std::uint32_t size = list.le32(at + 4);
        for (const auto& [id, name] : kInfoTags) {
            if (list.tag_is(at, id)) out.tag(name, clean_text(list.span(at + 8, size)));
        }
        at += 8 + std::size_t{size} + (size & 1);
    }
    out.source("LIST/INFO");
}

}  // namespace

void read_riff(Reader& reader, Builder& out) {
    const Bytes riff = reader.read(0, 4);
    const bool rf64 = riff.tag_is(0, "RF64") || riff.tag_is(0, "BW64");
    for_each_chunk(reader, false, [&](const Bytes& head, std::uint32_t size, std::uint64_t body) {
        if (head.tag_is(0, "data") && rf64 && size == 0xFFFFFFFF) return false;  // its size is in 'ds64': stop here
        if (head.tag_is(0, "acid")) read_acid(reader.read(body, size), out);
        else if (head.tag_is(0, "smpl")) read_smpl(reader.read(body, size), out);
        else if (head.tag_is(0, "inst")) read_inst(reader.read(body, size), out);
        else if (head.tag_is(0, "bext")) read_bext(reader.read(body, size), out);
        else if (head.tag_is(0, "LIST")) read_info_list(reader.read(body, size), out);
        else if (head.tag_is(0, "id3 ") || head.tag_is(0, "ID3 ")) read_id3v2(reader, body, out);
        return true;
    });
}

}  // namespace samplemind::metadata
