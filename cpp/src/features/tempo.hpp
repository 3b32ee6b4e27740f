// Tempo: the beat period and its metrical level.
#pragma once

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

/// Tempo of material with a pulse, from the onset envelopes of RhythmBands at
/// frame_rate Hz. Candidates: for a loop, the tempos that make its length a whole
/// number of beats (a loop is cut on beat boundaries, which no onset detector
/// knows) and its envelopes taken as circular (the loop repeats); otherwise a grid
/// of 1 % steps. Each candidate beat period P is scored, and the best wins:
///
///   score = kHighPulseWeight x comb(high, P) + kAllPulseWeight x comb(all, P)
///                                                periodicity, hats and all
///         + kBackbeatWeight x backbeat(low, mid, P)    snare on 2 and 4, kick on 1
///         - kSubdivisionWeight x max(0, r_high(P/8))   hats in 32nd notes: too slow
///         - kPriorWeight x log2(T / kPreferredBpm)^2   people tap near 120
///
/// comb(x, P) is the mean normalised autocorrelation of x at P, 2P, 3P, 4P.
/// backbeat folds the low and mid envelopes onto the 16 sixteenth-note slots of a
/// 4-beat bar and takes, over the 16 downbeat phases, the most of
/// min(mid[4], mid[12]) - max(mid[0], mid[8]) + 0.5 (low[0] - max(low[4], low[12]))
/// on slot means normalised to their mean, times min(1, (1 - the correlation of the
/// two folds) / kDistinctFolds) (a click or a stab in both registers tells nothing):
/// the convention by which producers notate a groove's beat, which autocorrelation
/// alone cannot tell from its half or double (Percival and Tzanetakis 2014 keep
/// within an octave by a similar agreement of onset functions). The weights are a
/// conditional-logit fit (the candidate within 4 % of the truth against the others)
/// on the tuning split of the real-recordings corpus (bench.accuracy), rounded.
TempoEstimate estimate_tempo(const RhythmBands& bands, double frame_rate, double duration_s, bool loop);

inline constexpr double kHighPulseWeight = 0.52;
inline constexpr double kAllPulseWeight = 0.43;
inline constexpr double kBackbeatWeight = 0.067;
inline constexpr double kDistinctFolds = 0.2;
inline constexpr double kSubdivisionWeight = 0.67;
inline constexpr double kPriorWeight = 0.15;
inline constexpr double kPreferredBpm = 120.0;
inline constexpr double kMinBpm = 50.0, kMaxBpm = 230.0;

}  // namespace samplemind::features
