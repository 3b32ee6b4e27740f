// The similarity embedding: a fixed-length vector built from an Analysis.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "samplemind/analysis.hpp"

namespace samplemind {

/// Changes whenever the embedding's layout or scaling changes; an index built with
/// another version must be rebuilt.
inline constexpr int kEmbeddingVersion = 2;
/// Size of the timbre aspect: the category model's learned projection.
inline constexpr std::size_t kLearnedTimbreSize = 32;

/// One named slice of the embedding.
struct EmbeddingAspect {
    const char* name;
    std::size_t offset;
    std::size_t size;
    double weight;  ///< share of the embedding's squared length, the aspects' summing to 1
};

/// timbre (the category model's learned projection of MFCC, band, attack, envelope
/// and tonal statistics: trained so that neighbours share a category across kits),
/// spectrum (brightness, flatness, flux,
/// zero crossings, contrast), pitch (chroma, pitched, register), envelope (attack,
/// decay, shape, duration, crest factor) and rhythm (loop, tempo, onset rate).
const std::array<EmbeddingAspect, 5>& embedding_aspects();
/// Total length of the embedding.
std::size_t embedding_size();

/// The embedding of an analysis: every descriptor mapped with fixed constants and the
/// shipped model (never the library's own statistics, so adding files never changes
/// another file's vector), each
/// aspect scaled to unit length times sqrt(weight), the whole L2-normalised. Level-
/// and rate-independent: MFCC 0 and absolute levels are left out, and everything is
/// measured at the analysis rate.
std::vector<float> compute_embedding(const Analysis& analysis);

}  // namespace samplemind
