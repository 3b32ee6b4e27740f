#include "samplemind/embedding.hpp"

#include "features/contrast_presence.hpp"
#include "model/category_model.hpp"
#include "samplemind/category.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind {
namespace {

constexpr std::size_t kTimbre = kLearnedTimbreSize, kSpectrum = 13, kPitch = 14, kEnvelope = 7, kRhythm = 5;

double log2_ratio(double value, double reference) { return std::log2(std::max(value, 1e-3) / reference); }

// Appends `values` as one aspect: unit length times sqrt(weight) (zero stays zero).
void append_aspect(std::vector<float>& out, std::vector<double> values, double weight) {
    double norm = 0.0;
    for (const double v : values) norm += v * v;
    norm = std::sqrt(norm);
    const double scale = norm > 1e-12 ? std::sqrt(weight) / norm : 0.0;
    for (const double v : values) out.push_back(static_cast<float>(v * scale));
}

}  // namespace

const std::array<EmbeddingAspect, 5>& embedding_aspects() {
    static const std::array<EmbeddingAspect, 5> aspects = {{
        {"timbre", 0, kTimbre, 0.35},
        {"spectrum", kTimbre, kSpectrum, 0.25},
        {"pitch", kTimbre + kSpectrum, kPitch, 0.15},
        {"envelope", kTimbre + kSpectrum + kPitch, kEnvelope, 0.15},
        {"rhythm", kTimbre + kSpectrum + kPitch + kEnvelope, kRhythm, 0.10},
    }};
    return aspects;
}

std::size_t embedding_size() { return kTimbre + kSpectrum + kPitch + kEnvelope + kRhythm; }

std::vector<float> compute_embedding(const Analysis& a) {
    const auto& aspects = embedding_aspects();
    std::vector<float> out;
    out.reserve(embedding_size());

    // Timbre: the category model's learned projection of the sound's statistics, in
    // which neighbours share a category across kits (zeros when no model shipped).
    std::vector<double> timbre = model::shipped_category_model().project(model_features(a));
    timbre.resize(kTimbre, 0.0);
    append_aspect(out, timbre, aspects[0].weight);

    const SpectralStats& s = a.spectral;
    std::vector<double> spectrum = {
        log2_ratio(s.centroid_hz.mean, 1000.0) / 3.0, log2_ratio(s.bandwidth_hz.mean, 1000.0) / 3.0,
        log2_ratio(s.rolloff_hz.mean, 1000.0) / 3.0,  2.0 * s.flatness.mean,
        10.0 * s.flux.mean,                            5.0 * s.zcr.mean,
    };
    const std::vector<double> presence = features::contrast_presence(a);
    for (std::size_t b = 0; b < 7; ++b) spectrum.push_back(b < s.contrast_db.size() ? presence[b] * s.contrast_db[b].mean / 30.0 : 0.0);
    append_aspect(out, spectrum, aspects[1].weight);

    std::vector<double> pitch;
    double chroma_norm = 0.0;
    for (const float c : a.tonality.chroma_mean) chroma_norm += static_cast<double>(c) * c;
    chroma_norm = std::sqrt(chroma_norm);
    for (std::size_t i = 0; i < 12; ++i) {
        const double c = i < a.tonality.chroma_mean.size() ? a.tonality.chroma_mean[i] : 0.0;
        pitch.push_back(chroma_norm > 0 ? 0.5 * c / chroma_norm : 0.0);
    }
    pitch.push_back(a.pitch.pitched ? 0.5 : 0.0);
    pitch.push_back(a.pitch.pitched ? log2_ratio(a.pitch.f0_hz, 261.63) / 3.0 : 0.0);
    append_aspect(out, pitch, aspects[2].weight);

    const EnvelopeStats& e = a.envelope;
    const double duration = std::max(a.info.duration_s, 1e-3);
    const std::vector<double> envelope = {
        (e.log_attack_time + 1.5) / 1.5,
        std::log10(e.decay_time_s + 0.01) / 2.0,
        e.temporal_centroid_s / duration,
        e.effective_duration_s / duration,
        std::log10(duration) / 2.0,
        (a.level.peak_dbfs - a.level.rms_dbfs) / 30.0,
        e.is_loop ? e.is_loop_confidence : 1.0 - e.is_loop_confidence,
    };
    append_aspect(out, envelope, aspects[3].weight);

    const RhythmStats& r = a.rhythm;
    const std::vector<double> rhythm = {
        e.is_loop ? 1.0 : 0.0,
        r.tempo_bpm > 0 ? log2_ratio(r.tempo_bpm, 120.0) * r.tempo_confidence : 0.0,
        r.tempo_confidence,
        std::log2(1.0 + static_cast<double>(e.onset_times_s.size()) / duration) / 4.0,
        r.loop_fits_tempo ? 0.5 : 0.0,
    };
    append_aspect(out, rhythm, aspects[4].weight);

    double norm = 0.0;
    for (const float v : out) norm += static_cast<double>(v) * v;
    norm = std::sqrt(norm);
    if (norm > 0) {
        for (float& v : out) v = static_cast<float>(v / norm);
    }
    return out;
}

}  // namespace samplemind
