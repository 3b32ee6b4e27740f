// Instrument categories: the fixed vocabulary and the model's input.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "samplemind/analysis.hpp"

namespace samplemind {

/// One category and the family it belongs to.
struct CategoryName {
    std::string_view name;
    std::string_view family;  ///< "drums", "tonal", "fx" or "loops"
};

/// The vocabulary, in the model's class order:
///  - drums: kick, snare, clap, rim, hihat_closed, hihat_open, cymbal_crash, cymbal_ride, tom,
///    percussion (shakers, congas, bells, cowbells, wood blocks, ...);
///  - tonal: bass, synth_lead, pad, keys (piano, organ, electric piano), guitar, strings, brass,
///    woodwind, mallet (vibraphone, marimba, glockenspiel, bells), vocal;
///  - fx: effects and noises;
///  - loops: drum_loop, bass_loop, melodic_loop.
/// A loop (EnvelopeStats::is_loop) gets a loop category, a one-shot one of the others.
/// Below kUnknownBelow the category is "unknown" (family empty).
const std::array<CategoryName, 24>& category_vocabulary();
inline constexpr double kUnknownBelow = 0.4;
inline constexpr std::string_view kUnknownCategory = "unknown";

/// Changes whenever the shipped category model or its input changes.
inline constexpr int kCategoryModelVersion = 1;

/// The category model's input for an analysis: MFCC, band statistics and the attack
/// (SoundProfile), spectral shape, envelope, tonal and rhythmic evidence, each mapped
/// with fixed constants (the model standardises them). The training script
/// (python -m bench.train_category) reads the same function through the binding, so
/// training and inference see the same numbers.
std::vector<float> model_features(const Analysis& analysis);
/// How many values model_features() returns.
inline constexpr std::size_t kModelFeatureCount = 182;

}  // namespace samplemind
