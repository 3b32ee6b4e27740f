// What a file says about itself: the tempo, root note, loop points and tags that
// sample editors, DAWs and taggers write into WAV, AIFF, FLAC, Ogg and MP3 files.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace samplemind {

/// A loop region, in sample frames from the start of the audio.
struct LoopPoints {
    std::int64_t start_frame = 0;
    /// The frame after the loop's last (exclusive, as libsndfile reports it: WAV
    /// 'smpl' stores the last frame, an AIFF marker the position after it).
    std::int64_t end_frame = 0;
};

/// Metadata embedded in a file. Every field is optional: absent when the file says
/// nothing about it. Values are as the file states them, range-checked (a tempo
/// outside [20, 999] BPM or a MIDI note outside [0, 127] is dropped), never guessed.
///
/// Where each comes from:
/// - tempo_bpm: WAV 'acid' tempo; AIFF Apple Loops 'basc' beats over the length
///   the 'COMM' chunk declares; a BPM tag (Vorbis comment
///   BPM, ID3 TBPM or TXXX BPM).
/// - key: a key tag as written ("Am", "A minor", "8A"; Vorbis KEY/INITIALKEY, ID3
///   TKEY or TXXX KEY), or Apple Loops' root note and scale ("A minor").
/// - root_note: MIDI note (60 = C4): 'acid' root note, 'smpl' unity note, 'inst' /
///   AIFF 'INST' base note, Apple Loops root.
/// - is_loop: 'acid' one-shot flag, Apple Loops loop type. (A sampler's sustain loop
///   in 'smpl' or AIFF 'INST' is in `loops` but does not make the file a loop.)
/// - beats: 'acid' or Apple Loops beat count.
struct Metadata {
    std::optional<double> tempo_bpm;
    std::optional<std::string> key;
    std::optional<int> root_note;
    std::optional<bool> is_loop;
    std::optional<double> beats;
    /// 'smpl' loops, or the AIFF 'INST' sustain loop resolved through 'MARK'.
    std::vector<LoopPoints> loops;
    /// Text tags, valid UTF-8, by lower-case name, first occurrence kept, in file order:
    /// "title", "artist", "album", "genre", "comment", "date", "copyright", "software",
    /// "keywords", "description", "originator", "bpm", "key". At most kMaxTags.
    std::vector<std::pair<std::string, std::string>> tags;
    /// The chunks or blocks the values came from, in file order: "acid", "smpl",
    /// "inst", "bext", "LIST/INFO", "id3", "INST", "MARK", "basc", "vorbis_comment", ...
    std::vector<std::string> sources;

    static constexpr std::size_t kMaxTags = 64;
    static constexpr std::size_t kMaxLoops = 16;
    /// Longer tag values are cut (at a character boundary) to this many bytes.
    static constexpr std::size_t kMaxTagBytes = 1024;

    /// The value of tag `name`, or nullptr.
    const std::string* tag(const std::string& name) const;
};

/// Reads the metadata of a file, detecting the format from its first bytes. Never
/// throws on what the file holds: a malformed, oversized or hostile chunk is skipped
/// and the rest is still read (reading the audio reports a broken file). Reads at
/// most a few MB whatever the file claims. Throws samplemind::Error(not_found) only
/// when the file cannot be opened.
Metadata read_metadata(const std::string& path);

/// The same for a file held in memory.
Metadata read_metadata(std::span<const std::uint8_t> bytes);

}  // namespace samplemind
