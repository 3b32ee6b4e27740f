#include "features/tonality.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind::features {
namespace {

using Profile = std::array<double, 12>;

struct ProfilePair {
    Profile major, minor;
};

// Values as published, tonic first.
ProfilePair profile_values(KeyProfile profile) {
    switch (profile) {
        case KeyProfile::krumhansl_kessler:  // Krumhansl & Kessler 1982, probe-tone ratings
            return {{6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88},
                    {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17}};
        case KeyProfile::temperley:  // Temperley 1999 (CBMS)
            return {{5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0},
                    {5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0}};
        case KeyProfile::aarden_essen:  // Aarden 2003, Essen folksong collection
            return {{17.7661, 0.145624, 14.9265, 0.160186, 19.8049, 11.3587, 0.291248, 22.062, 0.145624, 8.15494,
                     0.232998, 4.95122},
                    {18.2648, 0.737619, 14.0499, 16.8599, 0.702494, 14.4362, 0.702494, 18.6161, 4.56621, 1.93186,
                     7.37619, 1.75623}};
        case KeyProfile::bellman_budge:  // Bellman 2005, Budge 1943 chord counts
            return {{16.80, 0.86, 12.95, 1.41, 13.49, 11.93, 1.25, 20.28, 1.80, 8.04, 0.62, 10.57},
                    {18.16, 0.69, 12.99, 13.34, 1.07, 11.15, 1.38, 21.07, 7.49, 1.53, 0.92, 10.21}};
    }
    return {};
}

double pearson(const std::array<double, 12>& x, const Profile& y, int shift) {
    double mx = 0, my = 0;
    for (int i = 0; i < 12; ++i) mx += x[i], my += y[i];
    mx /= 12, my /= 12;
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < 12; ++i) {
        const double a = x[(i + shift) % 12] - mx, b = y[i] - my;
        sxy += a * b, sxx += a * a, syy += b * b;
    }
    return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace

std::vector<float> chroma_filterbank(double sample_rate, int n_fft) {
    const int n_chroma = 12;
    const std::size_t bins = static_cast<std::size_t>(n_fft) / 2 + 1;
    // Pitch (in chroma bins from A0/16... as librosa: 12 log2(f / (440 / 16))) of bins 1..n_fft-1.
    std::vector<double> frqbins(static_cast<std::size_t>(n_fft));
    for (int k = 1; k < n_fft; ++k) {
        frqbins[k] = n_chroma * std::log2(sample_rate * k / n_fft / (440.0 / 16.0));
    }
    frqbins[0] = frqbins[1] - 1.5 * n_chroma;  // a pseudo-pitch for DC
    std::vector<double> width(static_cast<std::size_t>(n_fft));
    for (int k = 0; k + 1 < n_fft; ++k) width[k] = std::max(frqbins[k + 1] - frqbins[k], 1.0);
    width[n_fft - 1] = 1.0;

    std::vector<double> dense(static_cast<std::size_t>(n_chroma) * n_fft);
    for (int k = 0; k < n_fft; ++k) {
        double norm = 0.0;
        for (int c = 0; c < n_chroma; ++c) {
            double d = std::fmod(frqbins[k] - c + n_chroma / 2.0 + 10.0 * n_chroma, static_cast<double>(n_chroma));
            if (d < 0) d += n_chroma;
            d -= n_chroma / 2.0;
            const double w = std::exp(-0.5 * std::pow(2.0 * d / width[k], 2.0));
            dense[static_cast<std::size_t>(c) * n_fft + k] = w;
            norm += w * w;
        }
        norm = std::sqrt(norm);
        const double octave_weight = std::exp(-0.5 * std::pow((frqbins[k] / n_chroma - 5.0) / 2.0, 2.0));
        for (int c = 0; c < n_chroma; ++c) {
            double& w = dense[static_cast<std::size_t>(c) * n_fft + k];
            w = (norm > 0 ? w / norm : w) * octave_weight;
        }
    }
    // Rows start at A in the construction above; roll by -3 so they start at C.
    std::vector<float> weights(static_cast<std::size_t>(n_chroma) * bins);
    for (int c = 0; c < n_chroma; ++c) {
        const int source = (c + 3) % n_chroma;
        for (std::size_t k = 0; k < bins; ++k) {
            weights[static_cast<std::size_t>(c) * bins + k] =
                static_cast<float>(dense[static_cast<std::size_t>(source) * n_fft + k]);
        }
    }
    return weights;
}

std::string Key::name() const {
    static const char* const names[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    return std::string(names[tonic]) + (minor ? " minor" : " major");
}

std::vector<Key> rank_keys(const KeyEvidence& evidence, KeyProfile profile, const KeyWeights& weights) {
    const ProfilePair profiles = profile_values(profile);
    auto shares = [](const std::array<double, 12>& v) {
        const double peak = *std::max_element(v.begin(), v.end());
        std::array<double, 12> out{};
        for (int c = 0; c < 12; ++c) out[c] = peak > 0 ? v[c] / peak : 0.0;
        return out;
    };
    const std::array<double, 12> opening = shares(evidence.opening), ending = shares(evidence.ending);
    std::vector<Key> keys;
    for (int tonic = 0; tonic < 12; ++tonic) {
        for (const bool minor : {false, true}) {
            const double triad = (opening[tonic] + opening[(tonic + (minor ? 3 : 4)) % 12] + opening[(tonic + 7) % 12]) / 3;
            const double r = pearson(evidence.profile, minor ? profiles.minor : profiles.major, tonic);
            const double score = r + weights.opening_tonic * opening[tonic] + weights.ending_tonic * ending[tonic] +
                                 weights.opening_triad * triad;
            keys.push_back(Key{tonic, minor, score, r});
        }
    }
    std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.score > b.score; });
    return keys;
}

double key_confidence(double best_score, double runner_up_score) {
    return std::clamp(1.0 - std::exp(-(best_score - runner_up_score) / kKeyMarginScale), 0.0, 1.0);
}

}  // namespace samplemind::features
