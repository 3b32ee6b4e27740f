// Tempo: the beat period and its metrical level.
#pragma once

#include <array>
#include <utility>
#include <vector>

#include "features/rhythm_bands.hpp"

namespace samplemind::features {

/// A tempo and its evidence.
struct TempoEstimate {
    double bpm = 0.0;               ///< 0 when there is no pulse to measure
    double confidence = 0.0;        ///< strength of the pulse: the onset envelope's autocorrelation at the beat, [0, 1]
    double runner_up_bpm = 0.0;     ///< the best candidate at another metrical level (half, double, 2/3, ...)
    double beats_in_length = 0.0;   ///< duration x bpm / 60
    bool length_fits = false;       ///< beats_in_length is within 5 % of a beat of a whole number
    std::vector<double> beat_times_s;
};

/// The evidence for one candidate beat period P (tempo T, in frames P = 60 x
/// frame_rate / T). comb(x, P) is the mean normalised autocorrelation of x at P, 2P,
/// 3P, 4P; r(x, lag) one value of it. Registers: see RhythmBands.
enum TempoTerm : int {
    kCombHigh,       ///< comb(high, P): hats and cymbals repeat at the beat
    kCombAll,        ///< comb(all, P)
    kCombMid,        ///< comb(mid, P): snares and claps
    kCombLow,        ///< comb(low, P): kicks and bass
    kBackbeat,       ///< backbeat(low, mid, P), below
    kThirtySeconds,  ///< max(0, r(high, P/8)): hats in 32nd notes mean P is too slow
    kSixteenths,     ///< max(0, r(high, P/4))
    kEighths,        ///< r(all, P/2): a strong off-beat may be the beat
    kTriplets,       ///< r(all, P/3): a pulse at a third of P (a 2/3 or 3/2 confusion)
    kOctave,         ///< log2(T / 120)
    kOctaveSquared,  ///< log2(T / 120)^2: people tap near 120
    kWholeBars,      ///< 1 when a loop's length is a whole number of 4-beat bars at T, else 0
    kTempoTerms
};
inline constexpr const char* kTempoTermNames[kTempoTerms] = {
    "comb_high", "comb_all", "comb_mid", "comb_low", "backbeat", "thirty_seconds",
    "sixteenths", "eighths", "triplets", "octave", "octave_squared", "whole_bars"};
using TempoEvidence = std::array<double, kTempoTerms>;

/// Each candidate's score is kTempoWeights . evidence, and the best wins. The weights
/// are a conditional-logit fit (the candidate nearest the truth, within 4 %, against
/// the others) on the drum loops and the tonal loops (progressions, melodies,
/// basslines) of the tuning split of the real-recordings corpus, the two groups
/// weighed equally, by `python -m bench.train_tempo --write` (which rewrites the
/// line below).
inline constexpr TempoEvidence kTempoWeights = {6.39, 3.31, 6.82, -0.188, 1.39, -9.46, -1.31, 3.08, -3.19, -0.147, -4.12, 5.05};

/// backbeat(low, mid, P) folds the low and mid envelopes onto the 16 sixteenth-note
/// slots of a 4-beat bar and takes, over the 16 downbeat phases, the most of
/// min(mid[4], mid[12]) - max(mid[0], mid[8]) + 0.5 (low[0] - max(low[4], low[12]))
/// on slot means normalised to their mean, times min(1, (1 - the correlation of the
/// two folds) / kDistinctFolds) (a click or a stab in both registers tells nothing):
/// the convention by which producers notate a groove's beat, which autocorrelation
/// alone cannot tell from its half or double (Percival and Tzanetakis 2014 keep
/// within an octave by a similar agreement of onset functions).
inline constexpr double kDistinctFolds = 0.2;
inline constexpr double kPreferredBpm = 120.0;
inline constexpr double kMinBpm = 50.0, kMaxBpm = 230.0;

/// Tempo of material with a pulse, from the onset envelopes of RhythmBands at
/// frame_rate Hz. Candidates: for a loop, the tempos that make its length a whole
/// number of beats (a loop is cut on beat boundaries, which no onset detector
/// knows) and its envelopes taken as circular (the loop repeats); otherwise a grid
/// of 1 % steps. `candidates`, when given, receives every candidate's tempo and
/// evidence (for training the weights).
TempoEstimate estimate_tempo(const RhythmBands& bands, double frame_rate, double duration_s, bool loop,
                             std::vector<std::pair<double, TempoEvidence>>* candidates = nullptr);

}  // namespace samplemind::features
