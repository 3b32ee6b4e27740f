// The project's real-input FFT.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace samplemind::dsp {

/// A plan for the forward real FFT of one power-of-two size n >= 16.
///
/// Method: the n real samples are packed into m = n/2 complex values
/// z[j] = x[2j] + i x[2j+1], transformed by an iterative Stockham autosort FFT
/// (radix 4, with one radix-2 stage when log2(m) is odd; no bit reversal), and
/// unpacked with X[k] = E[k] + W^k O[k], where E[k] = (Z[k] + conj Z[m-k]) / 2,
/// O[k] = (Z[k] - conj Z[m-k]) / 2i and W = exp(-2 pi i / n) (see e.g. Press et al.,
/// Numerical Recipes, 12.3 "FFT of real functions"). Complex data are kept as split
/// real/imaginary arrays so every stage's inner loop runs over contiguous memory and
/// the compiler vectorises it. Stockham: Van Loan, "Computational Frameworks for the
/// FFT", 1.7; the stage indexing follows Govindaraju et al., SC 2008.
///
/// Twiddles are computed in double precision once, in the constructor. forward() is
/// const and thread-safe: all mutable state lives in the caller's scratch.
class RealFft {
public:
    explicit RealFft(std::size_t n);

    std::size_t size() const noexcept { return n_; }
    std::size_t bins() const noexcept { return n_ / 2 + 1; }
    /// Floats of scratch forward() needs.
    std::size_t scratch_size() const noexcept { return 2 * n_; }

    /// x: n samples. re, im: bins() values each. scratch: scratch_size() floats.
    /// window: n weights applied to x on the way in, or nullptr for none.
    void forward(const float* x, float* re, float* im, float* scratch, const float* window = nullptr) const;

private:
    struct Stage {
        std::size_t radix;       // 2 or 4
        std::size_t span;        // Ns: size of the sub-transforms already done
        std::size_t twiddle_at;  // offset of this stage's twiddles in twiddle_re_/im_
    };
    void complex_forward(float* re, float* im, float* re2, float* im2, float** out_re,
                         float** out_im) const;
    void unpack(const float* fr, const float* fi, float* re, float* im) const;

    std::size_t n_;
    std::size_t m_;
    std::vector<Stage> stages_;
    std::vector<float> twiddle_re_, twiddle_im_;  // per stage: (radix - 1) rows of span values
    std::vector<float> unpack_cos_, unpack_sin_;  // cos, -sin of 2 pi k / n, k = 0..m
};

/// The shared plan for size n, from a small mutex-guarded LRU cache (built outside
/// the lock, rechecked before insertion, as pocketfft's get_plan does).
std::shared_ptr<const RealFft> get_real_fft(std::size_t n);

}  // namespace samplemind::dsp
