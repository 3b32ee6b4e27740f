// Chroma and key.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace samplemind::features {

/// librosa.filters.chroma(sr, n_fft, n_chroma=12, tuning=0, ctroct=5, octwidth=2,
/// norm=2, base_c=True): for each FFT bin, Gaussian bumps around its pitch class
/// (width one semitone), L2-normalised per bin, weighted by a Gaussian over octaves
/// centred on C5 (2 octaves wide); rows start at C. Dense 12 x (n_fft/2 + 1).
std::vector<float> chroma_filterbank(double sample_rate, int n_fft);

/// A key: tonic pitch class (0 = C) and mode.
struct Key {
    int tonic = 0;
    bool minor = false;
    double score = 0.0;        ///< the ranking score (see rank_keys)
    double correlation = 0.0;  ///< Pearson correlation of the profile with the key's, [-1, 1]
    std::string name() const;  ///< "A minor", "F# major"
};

/// Key profiles from the literature, indexed from the tonic.
enum class KeyProfile { krumhansl_kessler, temperley, aarden_essen, bellman_budge };

/// The pitch-class evidence of a key: the whole sound's profile and those of its
/// opening and ending (each the first or last kEdgeShare of the frames), C first.
struct KeyEvidence {
    std::array<double, 12> profile{}, opening{}, ending{};
};

/// How much the phrase's edges count next to the profile's correlation.
struct KeyWeights {
    double opening_tonic = 0.3;  ///< x the tonic's share of the opening (its value over the opening's largest)
    double ending_tonic = 0.15;  ///< x the tonic's share of the ending
    double opening_triad = 0.3;  ///< x the mean share of the tonic triad's three notes in the opening
};

/// The 24 keys ranked, best first, by the Pearson correlation of the profile with
/// each rotated key profile (Krumhansl-Schmuckler) plus the edge cues of `weights`:
/// loops, phrases and progressions open on the tonic chord and resolve to the
/// tonic, which separates a key from its relative or its fifth where pitch-class
/// counts alone cannot, and a single chord names its own root. Key::score is the
/// combined score, Key::correlation the correlation alone.
std::vector<Key> rank_keys(const KeyEvidence& evidence, KeyProfile profile, const KeyWeights& weights);

/// What SampleMind uses. Chosen on the tuning split of the real-recordings corpus
/// (FluidR3 progressions, melodies, basslines, chords and strums; bench.accuracy):
/// Aarden-Essen with the weights above scored MIREX 0.87 on progressions, 0.89 on
/// melodies and 0.92 on single chords, against 0.72 / 0.81 for the best profile
/// without edge cues (Bellman-Budge); Krumhansl-Kessler, Temperley and a bare triad
/// template did worse on chords.
inline constexpr KeyProfile kDefaultKeyProfile = KeyProfile::aarden_essen;
/// The opening and the ending are the first and last quarter of the frames.
inline constexpr double kEdgeShare = 0.25;

/// Abstention: a key is given only for material whose median frame harmonicity
/// (NoteSalience::harmonicity) reaches kTonalHarmonicity, with at least three pitch
/// classes at kPresentClassShare of the strongest in the profile (a melody over a
/// held note keeps its notes near 0.2), and not a single note (a note has a
/// pitch_note, not a key). Cymbals, snares, hats and claps fall under
/// the harmonicity (tuning split: medians 0.5-0.7 against 0.8-0.9 for instruments).
inline constexpr double kTonalHarmonicity = 0.65;
inline constexpr double kPresentClassShare = 0.1;
inline constexpr double kStrongClassShare = 0.3;
/// A pitched sound with at most this many strong pitch classes is a single note
/// (its attack and partials leave a few weak extra classes).
inline constexpr int kSingleNoteClasses = 4;

/// Chords: the median second and third strongest pitch classes of the frames reach
/// these shares of the strongest (tuning split, with the YIN rules: 96 % of chords lose
/// their pitch, 1 in 380 pitched single notes does).
inline constexpr double kChordSecond = 0.55;
inline constexpr double kChordThird = 0.3;

/// How sure the key is, in [0, 1], from the margin of the best score over the
/// runner-up's: 1 - exp(-margin / kKeyMarginScale).
double key_confidence(double best_score, double runner_up_score);
inline constexpr double kKeyMarginScale = 0.1;

}  // namespace samplemind::features
