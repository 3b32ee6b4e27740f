// AIFF metadata: 'INST' (base note, sustain loop) with the 'MARK' positions it
// refers to, Apple Loops 'basc' (beats, root, scale, loop or one-shot), the text
// chunks NAME, AUTH, '(c) ' and ANNO, and an 'ID3 ' tag.
#include <map>
#include <optional>

#include "decode/aiff_parser.hpp"
#include "metadata/metadata_builder.hpp"
#include "samplemind/decoder.hpp"

namespace samplemind::metadata {
namespace {

constexpr std::uint16_t kScaleMinor = 1, kScaleMajor = 2, kLoopTypeOneShot = 1;
constexpr const char* kNotes[] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

struct Chunks {
    std::optional<Bytes> comm, inst, mark, basc;
};

// numMarkers(2), then id(2) position(4) and a Pascal-string name padded to even.
std::map<std::uint16_t, std::int64_t> read_markers(const Bytes& mark) {
    std::map<std::uint16_t, std::int64_t> positions;
    const std::uint16_t count = mark.be16(0);
    std::size_t at = 2;
    for (std::uint16_t i = 0; i < count && mark.has(at, 7); ++i) {
        positions.emplace(mark.be16(at), mark.be32(at + 2));
        const std::size_t name = 1 + std::size_t{mark.u8(at + 6)};
        at += 6 + name + (name & 1);
    }
    return positions;
}

// baseNote(1) detune(1) low/high note, low/high velocity, gain(2), then the sustain
// loop: playMode(2) beginLoop(2) endLoop(2), marker ids.
void read_inst(const Bytes& inst, const std::optional<Bytes>& mark, Builder& out) {
    if (!inst.has(0, 20)) return;
    out.root_note(inst.u8(0));
    if (inst.be16(8) != 0 && mark) {
        const auto markers = read_markers(*mark);
        const auto begin = markers.find(inst.be16(10)), end = markers.find(inst.be16(12));
        if (begin != markers.end() && end != markers.end()) out.loop_points(begin->second, end->second);
        out.source("MARK");
    }
    out.source("INST");
}

// version(4) numBeats(4) rootNote(2) scaleType(2) sigNumerator(2) sigDenominator(2)
// loopType(2). The tempo is the beats (of 1/sigDenominator notes) over the length.
void read_basc(const Bytes& basc, const std::optional<Bytes>& comm, Builder& out) {
    if (!basc.has(0, 18)) return;
    const std::uint32_t beats = basc.be32(4);
    const int root = basc.be16(8);
    const std::uint16_t scale = basc.be16(10), denominator = basc.be16(14);
    out.loop(basc.be16(16) != kLoopTypeOneShot);
    out.beats(beats);
    out.root_note(root);
    if ((scale == kScaleMinor || scale == kScaleMajor) && root >= 0 && root <= 127) {
        out.key(std::string(kNotes[root % 12]) + (scale == kScaleMinor ? " minor" : " major"));
    }
    if (comm && comm->has(0, 18) && denominator > 0) {
        const double frames = comm->be32(2), rate = decode::decode_extended80(comm->span(8, 10).data());
        if (frames > 0) out.tempo(rate / frames * (beats * 4.0 / denominator) * 60.0);
    }
    out.source("basc");
}

}  // namespace

void read_aiff(Reader& reader, Builder& out) {
    Chunks chunks;
    for_each_chunk(reader, true, [&](const Bytes& head, std::uint32_t size, std::uint64_t body) {
        const auto text = [&](const char* name) { out.tag(name, clean_text(reader.read(body, size).span(0, size))); };
        if (head.tag_is(0, "COMM")) chunks.comm = reader.read(body, 18);
        else if (head.tag_is(0, "INST")) chunks.inst = reader.read(body, size);
        else if (head.tag_is(0, "MARK")) chunks.mark = reader.read(body, size);
        else if (head.tag_is(0, "basc")) chunks.basc = reader.read(body, size);
        else if (head.tag_is(0, "NAME")) text("title");
        else if (head.tag_is(0, "AUTH")) text("artist");
        else if (head.tag_is(0, "(c) ")) text("copyright");
        else if (head.tag_is(0, "ANNO")) text("comment");
        else if (head.tag_is(0, "ID3 ") || head.tag_is(0, "id3 ")) read_id3v2(reader, body, out);
        return true;
    });
    // Chunks may come in any order; 'INST' needs 'MARK' and 'basc' needs 'COMM'.
    if (chunks.inst) read_inst(*chunks.inst, chunks.mark, out);
    if (chunks.basc) read_basc(*chunks.basc, chunks.comm, out);
}

}  // namespace samplemind::metadata
