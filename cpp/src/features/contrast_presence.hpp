// How much of each spectral-contrast band sounds, for the model and the embedding.
#pragma once

#include <vector>

#include "samplemind/analysis.hpp"

namespace samplemind::features {

/// One weight in [0, 1] per contrast band of `analysis`: 0 when the band's loudest mel
/// band is 60 dB or more under the loudest of all, 1 within 40 dB, linear between.
/// Contrast (peak over valley) in a band that holds only the noise floor measures the
/// floor (dither, a resampler's filter), so the same sound at two rates would differ;
/// the embedding and the category model weight each band's contrast by this. Assumes
/// the mel bands span 0 Hz to Nyquist (the default configuration) and the contrast
/// bands' default edges (200 Hz, octaves).
std::vector<double> contrast_presence(const Analysis& analysis);

}  // namespace samplemind::features
