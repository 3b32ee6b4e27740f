#include "samplemind/config.hpp"

#include <cmath>
#include <stdexcept>

#include "number_text.hpp"

namespace samplemind {
namespace {

// Throws unless lo <= value <= hi (a NaN fails too).
void require_range(const char* name, double value, double lo, double hi, const char* hint = "") {
    if (!(value >= lo && value <= hi)) {
        throw std::invalid_argument(std::string(name) + " must be in [" + number_text(lo) + ", " +
                                    number_text(hi) + "], got " + number_text(value) + hint);
    }
}

void require_open_unit(const char* name, double value) {
    if (!(value > 0.0 && value < 1.0)) {
        throw std::invalid_argument(std::string(name) + " must be in (0, 1), got " +
                                    number_text(value));
    }
}

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

void AnalysisConfig::validate() const {
    require_range("sample_rate", sample_rate, 1000.0, 192000.0);
    if (!is_power_of_two(n_fft) || n_fft < 16 || n_fft > 65536) {
        throw std::invalid_argument("n_fft must be a power of two in [16, 65536], got " +
                                    std::to_string(n_fft));
    }
    require_range("hop_length", hop_length, 1, n_fft, " (at most n_fft)");
    require_range("n_mels", n_mels, 1, 512);
    require_range("n_mfcc", n_mfcc, 1, n_mels, " (at most n_mels)");
    require_range("fmax", effective_fmax(), 1e-6, sample_rate / 2.0,
                  " (0 means sample_rate / 2)");
    require_range("fmin", fmin, 0.0, effective_fmax() - 1e-6, " (below fmax)");
    require_range("top_db", top_db, 1e-6, 1000.0);
    require_open_unit("rolloff_percent", rolloff_percent);
    require_range("contrast_bands", contrast_bands, 1, 10);
    require_open_unit("contrast_quantile", contrast_quantile);
    const double top_edge = contrast_fmin * std::pow(2.0, contrast_bands - 1);
    if (!(contrast_fmin > 0.0) || !(top_edge < sample_rate / 2.0)) {
        throw std::invalid_argument(
            "contrast_fmin * 2**(contrast_bands - 1) must be below sample_rate / 2 (" +
            number_text(sample_rate / 2.0) + " Hz), got contrast_fmin=" + number_text(contrast_fmin) +
            " and contrast_bands=" + std::to_string(contrast_bands) +
            "; lower either, or raise sample_rate");
    }
    require_range("silence_threshold_db", silence_threshold_db, -200.0, 0.0);
    require_range("max_duration_s", max_duration_s, 1e-3, 1e6);
}

std::string AnalysisConfig::fingerprint() const {
    return "sr=" + number_text(sample_rate) + ";n_fft=" + std::to_string(n_fft) +
           ";hop=" + std::to_string(hop_length) + ";n_mels=" + std::to_string(n_mels) +
           ";n_mfcc=" + std::to_string(n_mfcc) + ";fmin=" + number_text(fmin) + ";fmax=" + number_text(effective_fmax()) +
           ";top_db=" + number_text(top_db) + ";rolloff=" + number_text(rolloff_percent) +
           ";contrast=" + number_text(contrast_fmin) + "/" + std::to_string(contrast_bands) + "/" +
           number_text(contrast_quantile) + ";silence=" + number_text(silence_threshold_db);
}

}  // namespace samplemind
