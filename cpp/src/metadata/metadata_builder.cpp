#include "metadata/metadata_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "samplemind/error.hpp"

namespace samplemind {

const std::string* Metadata::tag(const std::string& name) const {
    for (const auto& [tag_name, value] : tags) {
        if (tag_name == name) return &value;
    }
    return nullptr;
}

namespace metadata {
namespace {

constexpr double kMinTempo = 20.0, kMaxTempo = 999.0;

// Length of the UTF-8 sequence at `at`, or 0 when it is not valid UTF-8 (overlong
// forms and surrogates included).
std::size_t utf8_length(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    std::uint32_t code = 0;
    if ((lead & 0xE0) == 0xC0) length = 2, code = lead & 0x1F;
    else if ((lead & 0xF0) == 0xE0) length = 3, code = lead & 0x0F;
    else if ((lead & 0xF8) == 0xF0) length = 4, code = lead & 0x07;
    else return 0;
    if (at + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(at + i) & 0x3F);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

bool is_utf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = utf8_length(text, at);
        if (length == 0) return false;
        at += length;
    }
    return true;
}

std::string latin1_to_utf8(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
    return out;
}

}  // namespace

std::span<const std::uint8_t> Bytes::span(std::size_t at, std::size_t count) const noexcept {
    if (at > size()) return {};
    return std::span(data_).subspan(at, std::min(count, size() - at));
}

bool Bytes::tag_is(std::size_t at, std::string_view tag) const noexcept {
    return has(at, tag.size()) && std::memcmp(data_.data() + at, tag.data(), tag.size()) == 0;
}

float Bytes::le_float(std::size_t at) const noexcept {
    const std::uint32_t bits = le32(at);
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

Bytes Reader::read(std::uint64_t offset, std::uint64_t count) {
    if (offset >= source_.size() || spent_ >= kMaxTotalBytes) return {};
    const auto wanted = static_cast<std::size_t>(
        std::min<std::uint64_t>({count, kMaxChunkBytes, kMaxTotalBytes - spent_, source_.size() - offset}));
    if (wanted == 0) return {};
    std::vector<std::uint8_t> data(wanted);
    try {
        data.resize(source_.read_at(offset, data));
    } catch (const Error&) {
        return {};  // the decoder reports an unreadable file; metadata just stops
    }
    spent_ += data.size();
    return Bytes(std::move(data));
}

std::string clean_text(std::string_view text) {
    text = text.substr(0, text.find('\0'));
    std::string out = is_utf8(text) ? std::string(text) : latin1_to_utf8(text);
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    }
    const auto first = out.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    out = out.substr(first, out.find_last_not_of(' ') - first + 1);
    if (out.size() > Metadata::kMaxTagBytes) {
        std::size_t cut = Metadata::kMaxTagBytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
        out.resize(cut);
    }
    return out;
}

std::string clean_text(std::span<const std::uint8_t> bytes) {
    return clean_text(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void Builder::tag(const std::string& name, std::string value) {
    if (value.empty() || metadata_.tag(name) || metadata_.tags.size() >= Metadata::kMaxTags) return;
    if (name == "bpm") {
        char* end = nullptr;
        const double bpm = std::strtod(value.c_str(), &end);
        if (end != value.c_str()) tempo(bpm);
    } else if (name == "key") {
        key(value);
    }
    metadata_.tags.emplace_back(name, std::move(value));
}

void Builder::tempo(double bpm) {
    if (!metadata_.tempo_bpm && std::isfinite(bpm) && bpm >= kMinTempo && bpm <= kMaxTempo) metadata_.tempo_bpm = bpm;
}

void Builder::root_note(int midi_note) {
    if (!metadata_.root_note && midi_note >= 0 && midi_note <= 127) metadata_.root_note = midi_note;
}

void Builder::loop(bool is_loop) {
    if (!metadata_.is_loop) metadata_.is_loop = is_loop;
}

void Builder::beats(double count) {
    if (!metadata_.beats && std::isfinite(count) && count > 0 && count <= 100000) metadata_.beats = count;
}

void Builder::key(std::string text) {
    text = clean_text(text);
    if (!metadata_.key && !text.empty()) metadata_.key = std::move(text);
}

void Builder::loop_points(std::int64_t start_frame, std::int64_t end_frame) {
    if (start_frame >= 0 && end_frame > start_frame && metadata_.loops.size() < Metadata::kMaxLoops) {
        metadata_.loops.push_back({start_frame, end_frame});
    }
}

void Builder::source(std::string name) {
    if (std::find(metadata_.sources.begin(), metadata_.sources.end(), name) == metadata_.sources.end()) {
        metadata_.sources.push_back(std::move(name));
    }
}

}  // namespace metadata
}  // namespace samplemind
