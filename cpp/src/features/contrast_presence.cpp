#include "features/contrast_presence.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/mel.hpp"

namespace samplemind::features {
namespace {
constexpr double kContrastFmin = 200.0;  // AnalysisConfig's default contrast_fmin
constexpr double kSilentBelowDb = 60.0, kFullWithinDb = 40.0;
}  // namespace

std::vector<double> contrast_presence(const Analysis& analysis) {
    const std::size_t bands = analysis.spectral.contrast_db.size();
    const std::vector<float>& mel_db = analysis.mel_mean_db;
    const double nyquist = analysis.analysis_sample_rate / 2.0;
    std::vector<double> loudest(bands, -1e300);
    if (mel_db.empty() || nyquist <= 0.0) return std::vector<double>(bands, 0.0);
    const double mel_top = dsp::hz_to_mel_slaney(nyquist);
    for (std::size_t m = 0; m < mel_db.size(); ++m) {
        const double centre = dsp::mel_to_hz_slaney(mel_top * static_cast<double>(m + 1) / static_cast<double>(mel_db.size() + 1));
        // Band k holds [200 2^(k-1), 200 2^k) (band 0 everything under 200 Hz); the last runs to Nyquist.
        const double octave = centre < kContrastFmin ? 0.0 : std::floor(std::log2(centre / kContrastFmin)) + 1.0;
        const std::size_t band = std::min(static_cast<std::size_t>(octave), bands - 1);
        loudest[band] = std::max(loudest[band], static_cast<double>(mel_db[m]));
    }
    const double peak = *std::max_element(mel_db.begin(), mel_db.end());
    std::vector<double> presence(bands);
    for (std::size_t b = 0; b < bands; ++b) {
        const double below = peak - loudest[b];
        presence[b] = std::clamp((kSilentBelowDb - below) / (kSilentBelowDb - kFullWithinDb), 0.0, 1.0);
    }
    return presence;
}

}  // namespace samplemind::features
