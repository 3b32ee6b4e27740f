// Streaming band-limited resampler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace samplemind::dsp {

/// Converts a mono stream from in_rate to out_rate with a windowed-sinc polyphase
/// filter.
///
/// Output sample n sits at input time t = n * in_rate / out_rate and is
/// y[n] = sum_k x[k] h(t - k), with h(u) = fc sinc(fc u) kaiser(u / H), fc = cutoff *
/// min(1, out_rate / in_rate) (a low-pass below both Nyquist frequencies), H = zero
/// crossings / fc input samples each side, Kaiser beta 9 (about 90 dB stopband).
/// Rates are reduced to a ratio of integers L/M (to 1 mHz); t's fractional part is
/// then one of L phases. When L <= kMaxPhases each phase has its own table row;
/// otherwise kMaxPhases rows are linearly interpolated (Smith, "Digital Audio
/// Resampling Home Page", bandlimited interpolation). The filter is centred (zero
/// phase), so output and input are time-aligned; the stream's tail is flushed with
/// zeros by finish(), giving ceil(length * out_rate / in_rate) samples in total.
///
/// Not thread-safe; one resampler per stream (the immutable filter table is shared
/// between resamplers of the same rate pair). process() allocates nothing once
/// reserve() has been called for the largest block.
class Resampler {
public:
    Resampler(double in_rate, double out_rate);

    /// True when the rates are equal and samples pass through unchanged.
    bool is_identity() const noexcept { return identity_; }
    /// Upper bound on the outputs of one process() call with `inputs` samples.
    std::size_t max_output(std::size_t inputs) const noexcept;
    /// Pre-allocates history for blocks of up to `inputs` samples.
    void reserve(std::size_t inputs);
    /// Consumes `count` inputs; appends outputs to `out` (which must have room for
    /// max_output(count)) and returns how many were written.
    std::size_t process(const float* input, std::size_t count, float* out);
    /// Flushes the remaining outputs (at most max_output(0) + filter length).
    std::size_t finish(float* out);
    /// Outputs finish() can still produce, at most.
    std::size_t max_tail() const noexcept;

private:
    std::size_t produce(float* out, std::int64_t available_end);
    float filter_at(std::size_t start, std::uint64_t phase_num) const;

    bool identity_ = false;
    std::uint64_t up_ = 1, down_ = 1;  // L and M: out_rate / in_rate = L / M
    std::int64_t step_whole_ = 0;      // floor(M / L): input samples per output
    std::uint64_t step_fraction_ = 0;  // M mod L
    std::size_t half_ = 0;             // H, taps each side
    std::size_t phases_ = 1;           // table rows - 1
    std::shared_ptr<const std::vector<float>> table_;  // (phases_ + 1) x (2 H), shared per rate pair
    std::vector<float> history_;       // input samples from history_start_
    std::int64_t history_start_ = 0;   // absolute index of history_[0]
    std::int64_t inputs_ = 0;          // inputs received
    std::int64_t next_index_ = 0;      // floor(t) of the next output
    std::uint64_t next_phase_ = 0;     // L * frac(t) of the next output
    std::int64_t outputs_ = 0;         // outputs produced
};

}  // namespace samplemind::dsp
