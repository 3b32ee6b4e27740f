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
    double score = 0.0;  ///< Pearson correlation with the key's profile, in [-1, 1]
    std::string name() const;  ///< "A minor", "F# major"
};

/// Key profiles from the literature, indexed from the tonic.
enum class KeyProfile { krumhansl_kessler, temperley, aarden_essen, bellman_budge };

/// The 24 keys ranked by correlating a 12-bin pitch-class profile (chroma, C first)
/// with each rotated profile (Krumhansl-Schmuckler), best first.
std::vector<Key> rank_keys(const std::array<double, 12>& chroma, KeyProfile profile);

/// The profile SampleMind uses (see the tests' comparison for why).
inline constexpr KeyProfile kDefaultKeyProfile = KeyProfile::aarden_essen;

}  // namespace samplemind::features
