// Loudness after ITU-R BS.1770-4 and EBU Tech 3342, and true peak.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace samplemind::features {

/// A second-order IIR section in transposed direct form II, state per channel.
struct Biquad {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

/// BS.1770-4 K-weighting for any sample rate: the high shelf (+4 dB above ~1.7 kHz)
/// and the RLB high-pass (~38 Hz), designed from their analog prototypes by the
/// bilinear transform (B. De Man's derivation, which reproduces the standard's
/// 48 kHz coefficients exactly).
std::array<Biquad, 2> k_weighting(double sample_rate);

/// Integrated loudness (LUFS), loudness range (LU) and the 100 ms sub-block energies
/// they are made of. Mean squares of K-weighted channels are kept per 100 ms sub-block
/// (ten numbers per second per file: a small track), so 400 ms gating blocks with 75 %
/// overlap and 3 s short-term windows are assembled at the end, exactly as BS.1770-4
/// and EBU Tech 3342 define them. Channel weights: 1.0, except 1.41 for the surround
/// pair and 0 for LFE in 6-channel (5.1: L R C LFE Ls Rs) files.
class LoudnessMeter {
public:
    LoudnessMeter(int channels, double sample_rate);
    /// interleaved: frames x channels, finite values.
    void add(const float* interleaved, std::int64_t frames);
    /// Room for `seconds` of sub-blocks, so add() does not allocate.
    void reserve(double seconds) {
        const auto count = static_cast<std::size_t>(seconds * 10.0) + 2;
        sub_blocks_.reserve(count);
        sub_block_samples_.reserve(count);
    }

    /// Gated integrated loudness. A file shorter than one 400 ms block is measured as
    /// one block over all its samples (its mean square over its own length). Silence,
    /// or audio entirely below the -70 LUFS gate, gives kSilenceDb.
    double integrated_lufs() const;
    /// EBU Tech 3342 loudness range: the spread (10th to 95th percentile) of gated 3 s
    /// short-term loudness. Empty for audio shorter than 3 s.
    std::optional<double> loudness_range_lu() const;
    /// Momentary loudness (BS.1770, EBU 3341): ungated, over the last 400 ms of closed
    /// sub-blocks (fewer at the start). kSilenceDb before the first sub-block closes.
    double momentary_lufs() const;

private:
    void filter_pair(const float* interleaved, std::int64_t frames, int first);
    void filter_one(const float* interleaved, std::int64_t frames, int channel);
    void close_sub_block();
    double block_loudness(std::size_t first, std::size_t count) const;

    int channels_;
    double sample_rate_;
    std::array<Biquad, 2> filters_;
    std::vector<double> state_;      // 2 sections x 2 state values x channels
    std::vector<double> weights_;    // per channel
    std::vector<double> sub_blocks_; // weighted sum over channels of the sub-block's energy
    std::vector<std::int64_t> sub_block_samples_;
    double current_energy_ = 0.0;
    std::int64_t current_samples_ = 0;
    std::int64_t total_samples_ = 0;
    std::int64_t next_boundary_;     // sample index where the current sub-block ends
};

/// True peak after BS.1770-4 Annex 2: each channel 4x oversampled with a 48-tap
/// windowed-sinc interpolator (12 taps per phase). Interpolation is evaluated only
/// between samples of which one is at least 70 % (-3 dB) of the largest sample seen
/// so far: for band-limited audio an inter-sample peak above the running maximum sits
/// there (3 dB is the overshoot of a quarter-rate sine at 45 degrees), and this keeps
/// the cost a fraction of a full oversampler.
class TruePeakMeter {
public:
    /// max_block: the most frames one add() call will pass (scratch is sized for it).
    TruePeakMeter(int channels, std::size_t max_block);
    /// sample_peak: the largest |sample| so far over all channels (the level meter's).
    void add(const float* interleaved, std::int64_t frames, float sample_peak);
    /// Flushes the last samples (the interpolator looks 6 samples ahead).
    void finish();
    /// Largest magnitude of the oversampled signal, linear.
    double peak() const noexcept { return peak_; }

private:
    void scan();

    int channels_;
    std::vector<float> history_;  // per channel: kTaps - 1 earlier samples, then the new block
    std::vector<float> scratch_;
    double peak_ = 0.0;
    float sample_peak_ = 0.0f;
};

}  // namespace samplemind::features
