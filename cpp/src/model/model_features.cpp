#include <algorithm>
#include <cassert>
#include <cmath>

#include "features/contrast_presence.hpp"
#include "samplemind/category.hpp"

namespace samplemind {
namespace {

double log10_of(double seconds) { return std::log10(std::max(seconds, 0.0) + 0.01); }
double log2_of(double hz, double reference) { return std::log2(std::max(hz, 1.0) / reference); }

}  // namespace

std::vector<float> model_features(const Analysis& a) {
    std::vector<double> f;
    // Timbre: MFCC 1-19 means and deviations (MFCC 0 is the level).
    for (std::size_t i = 1; i < 20; ++i) f.push_back(i < a.mfcc_mean.size() ? a.mfcc_mean[i] / 50.0 : 0.0);
    for (std::size_t i = 1; i < 20; ++i) f.push_back(i < a.mfcc_std.size() ? a.mfcc_std[i] / 20.0 : 0.0);
    // Bands over the whole sound and over its attack, relative to the loudest band.
    const SoundProfile& p = a.profile;
    for (const float v : p.band_mean_db) f.push_back(v / 30.0);
    for (const float v : p.band_std_db) f.push_back(v / 10.0);
    for (const float v : p.band_rise_db) f.push_back(v / 3.0);
    for (const float v : p.attack_db) f.push_back(std::max(v, -100.0f) / 30.0);
    // Spectral shape.
    const SpectralStats& s = a.spectral;
    f.push_back(log2_of(s.centroid_hz.mean, 1000.0));
    f.push_back(log2_of(s.bandwidth_hz.mean, 1000.0));
    f.push_back(log2_of(s.rolloff_hz.mean, 1000.0));
    f.push_back(s.flatness.mean * 4.0);
    f.push_back(s.flatness.std * 4.0);
    f.push_back(s.flux.mean * 10.0);
    f.push_back(s.zcr.mean * 5.0);
    const std::vector<double> presence = features::contrast_presence(a);
    for (std::size_t b = 0; b < 7; ++b) f.push_back(b < s.contrast_db.size() ? presence[b] * s.contrast_db[b].mean / 20.0 : 0.0);
    // Envelope.
    const EnvelopeStats& e = a.envelope;
    f.push_back(e.log_attack_time);
    f.push_back(log10_of(e.decay_time_s));
    f.push_back(log10_of(e.temporal_centroid_s));
    f.push_back(log10_of(e.effective_duration_s));
    f.push_back(log10_of(a.info.duration_s));
    f.push_back((a.level.peak_dbfs - a.level.rms_dbfs) / 20.0);
    // Tonal evidence.
    f.push_back(a.pitch.pitched ? 1.0 : 0.0);
    f.push_back(a.pitch.confidence);
    f.push_back(a.pitch.pitched ? log2_of(a.pitch.f0_hz, 261.63) : 0.0);
    f.push_back(p.harmonicity);
    f.push_back(p.second_pitch_class);
    f.push_back(p.third_pitch_class);
    // How many pitch classes sound (not whether a key came out: the key is dropped
    // after classifying, for drums, so the model must not read it).
    const auto& pcp = a.tonality.pitch_class_profile;
    f.push_back(static_cast<double>(std::count_if(pcp.begin(), pcp.end(), [](float v) { return v >= 0.1f; })) / 12.0);
    // Rhythm.
    f.push_back(e.is_loop ? 1.0 : 0.0);
    f.push_back(std::log1p(static_cast<double>(p.re_attacks)));
    f.push_back(std::log1p(static_cast<double>(p.harmony_changes)));
    f.push_back(a.rhythm.tempo_confidence);
    f.push_back(std::log1p(static_cast<double>(e.onset_times_s.size()) / std::max(a.info.duration_s, 0.05)));
    assert(f.size() == kModelFeatureCount);
    std::vector<float> out;
    out.reserve(f.size());
    for (const double v : f) out.push_back(std::isfinite(v) ? static_cast<float>(v) : 0.0f);
    return out;
}

}  // namespace samplemind
