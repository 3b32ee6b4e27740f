#include "dsp/fft.hpp"

#include <algorithm>
#include <cmath>
#include <list>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <string>

namespace samplemind::dsp {
namespace {

bool is_power_of_two(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Radix-2 stage of a Stockham FFT over m complex values (split arrays).
void stage_radix2(const float* __restrict xr, const float* __restrict xi, float* __restrict yr,
                  float* __restrict yi, std::size_t m, std::size_t span,
                  const float* __restrict wr, const float* __restrict wi) {
    const std::size_t quarter = m / 2;  // distance between the two inputs
    for (std::size_t block = 0; block < m / (2 * span); ++block) {
        const std::size_t in = block * span;
        const std::size_t out = block * span * 2;
        for (std::size_t k = 0; k < span; ++k) {
            const float ar = xr[in + k], ai = xi[in + k];
            const float br0 = xr[in + k + quarter], bi0 = xi[in + k + quarter];
            const float br = br0 * wr[k] - bi0 * wi[k];
            const float bi = br0 * wi[k] + bi0 * wr[k];
            yr[out + k] = ar + br;
            yi[out + k] = ai + bi;
            yr[out + k + span] = ar - br;
            yi[out + k + span] = ai - bi;
        }
    }
}

// Radix-4 stage of a Stockham FFT over m complex values (split arrays). w holds three
// rows of `span` twiddles: exp(-2 pi i r k / (4 span)) for r = 1, 2, 3.
void stage_radix4(const float* __restrict xr, const float* __restrict xi, float* __restrict yr,
                  float* __restrict yi, std::size_t m, std::size_t span,
                  const float* __restrict wr, const float* __restrict wi) {
    const std::size_t q = m / 4;
    const float* w1r = wr;
    const float* w1i = wi;
    const float* w2r = wr + span;
    const float* w2i = wi + span;
    const float* w3r = wr + 2 * span;
    const float* w3i = wi + 2 * span;
    for (std::size_t block = 0; block < q / span; ++block) {
        const std::size_t in = block * span;
        const std::size_t out = block * span * 4;
        for (std::size_t k = 0; k < span; ++k) {
            const std::size_t j = in + k;
            const float a0r = xr[j], a0i = xi[j];
            const float b1r = xr[j + q], b1i = xi[j + q];
            const float b2r = xr[j + 2 * q], b2i = xi[j + 2 * q];
            const float b3r = xr[j + 3 * q], b3i = xi[j + 3 * q];
            const float a1r = b1r * w1r[k] - b1i * w1i[k], a1i = b1r * w1i[k] + b1i * w1r[k];
            const float a2r = b2r * w2r[k] - b2i * w2i[k], a2i = b2r * w2i[k] + b2i * w2r[k];
            const float a3r = b3r * w3r[k] - b3i * w3i[k], a3i = b3r * w3i[k] + b3i * w3r[k];
            const float t0r = a0r + a2r, t0i = a0i + a2i;
            const float t1r = a0r - a2r, t1i = a0i - a2i;
            const float t2r = a1r + a3r, t2i = a1i + a3i;
            const float t3r = a1r - a3r, t3i = a1i - a3i;
            const std::size_t o = out + k;
            yr[o] = t0r + t2r;
            yi[o] = t0i + t2i;
            yr[o + span] = t1r + t3i;
            yi[o + span] = t1i - t3r;
            yr[o + 2 * span] = t0r - t2r;
            yi[o + 2 * span] = t0i - t2i;
            yr[o + 3 * span] = t1r - t3i;
            yi[o + 3 * span] = t1i + t3r;
        }
    }
}

}  // namespace

RealFft::RealFft(std::size_t n) : n_(n), m_(n / 2) {
    if (!is_power_of_two(n) || n < 16 || n > 65536) {
        throw std::invalid_argument("n_fft must be a power of two in [16, 65536], got " +
                                    std::to_string(n));
    }
    // Stage plan: a radix-2 stage first when log2(m) is odd, then radix-4 stages.
    std::size_t log2m = 0;
    while ((std::size_t{1} << log2m) < m_) ++log2m;
    std::size_t span = 1;
    auto add_stage = [&](std::size_t radix) {
        stages_.push_back({radix, span, twiddle_re_.size()});
        const double base = -2.0 * std::numbers::pi / static_cast<double>(span * radix);
        for (std::size_t r = 1; r < radix; ++r) {
            for (std::size_t k = 0; k < span; ++k) {
                const double angle = base * static_cast<double>(r * k);
                twiddle_re_.push_back(static_cast<float>(std::cos(angle)));
                twiddle_im_.push_back(static_cast<float>(std::sin(angle)));
            }
        }
        span *= radix;
    };
    if (log2m % 2 == 1) add_stage(2);
    while (span < m_) add_stage(4);

    unpack_cos_.resize(m_ + 1);
    unpack_sin_.resize(m_ + 1);
    for (std::size_t k = 0; k <= m_; ++k) {
        const double angle = 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n_);
        unpack_cos_[k] = static_cast<float>(std::cos(angle));
        unpack_sin_[k] = static_cast<float>(-std::sin(angle));
    }
}

void RealFft::complex_forward(float* re, float* im, float* re2, float* im2, float** out_re,
                              float** out_im) const {
    for (const Stage& stage : stages_) {
        const float* wr = twiddle_re_.data() + stage.twiddle_at;
        const float* wi = twiddle_im_.data() + stage.twiddle_at;
        if (stage.radix == 4) {
            stage_radix4(re, im, re2, im2, m_, stage.span, wr, wi);
        } else {
            stage_radix2(re, im, re2, im2, m_, stage.span, wr, wi);
        }
        std::swap(re, re2);
        std::swap(im, im2);
    }
    *out_re = re;
    *out_im = im;
}

void RealFft::forward(const float* x, float* re, float* im, float* scratch) const {
    float* zr = scratch;
    float* zi = scratch + m_;
    float* wr = scratch + 2 * m_;
    float* wi = scratch + 3 * m_;
    for (std::size_t j = 0; j < m_; ++j) {
        zr[j] = x[2 * j];
        zi[j] = x[2 * j + 1];
    }
    float* fr = nullptr;
    float* fi = nullptr;
    complex_forward(zr, zi, wr, wi, &fr, &fi);

    // Unpack: X[k] = E[k] + W^k O[k] (see the class comment); Z[m] is Z[0].
    for (std::size_t k = 0; k <= m_; ++k) {
        const std::size_t a = (k == m_) ? 0 : k;
        const std::size_t b = (k == 0) ? 0 : m_ - k;
        const float ar = fr[a], ai = fi[a];
        const float br = fr[b], bi = fi[b];
        const float er = 0.5f * (ar + br), ei = 0.5f * (ai - bi);
        const float orr = 0.5f * (ai + bi), oi = -0.5f * (ar - br);
        const float c = unpack_cos_[k], s = unpack_sin_[k];
        re[k] = er + c * orr - s * oi;
        im[k] = ei + c * oi + s * orr;
    }
}

std::shared_ptr<const RealFft> get_real_fft(std::size_t n) {
    constexpr std::size_t kCapacity = 16;
    static std::mutex mutex;
    static std::list<std::shared_ptr<const RealFft>> cache;  // most recent first

    auto lookup = [&]() -> std::shared_ptr<const RealFft> {
        for (auto it = cache.begin(); it != cache.end(); ++it) {
            if ((*it)->size() == n) {
                cache.splice(cache.begin(), cache, it);
                return cache.front();
            }
        }
        return nullptr;
    };
    {
        std::lock_guard lock(mutex);
        if (auto plan = lookup()) return plan;
    }
    auto plan = std::make_shared<const RealFft>(n);  // built outside the lock
    std::lock_guard lock(mutex);
    if (auto existing = lookup()) return existing;
    cache.push_front(plan);
    if (cache.size() > kCapacity) cache.pop_back();
    return plan;
}

}  // namespace samplemind::dsp
