#include "dsp/fft.hpp"

#include "dsp/plan_cache.hpp"
#include "dsp/simd4.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace samplemind::dsp {
namespace {

bool is_power_of_two(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }

constexpr float kHalves[4] = {0.5f, 0.5f, 0.5f, 0.5f};

// One radix-4 butterfly on values of type T (float or V4): inputs a0..a3 with the
// twiddles already applied, outputs y[r] = sum_q a_q (-i)^(r q).
template <typename T>
struct Butterfly4 {
    T y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i;
    Butterfly4(T a0r, T a0i, T a1r, T a1i, T a2r, T a2i, T a3r, T a3i) {
        const T t0r = a0r + a2r, t0i = a0i + a2i;
        const T t1r = a0r - a2r, t1i = a0i - a2i;
        const T t2r = a1r + a3r, t2i = a1i + a3i;
        const T t3r = a1r - a3r, t3i = a1i - a3i;
        y0r = t0r + t2r;
        y0i = t0i + t2i;
        y1r = t1r + t3i;
        y1i = t1i - t3r;
        y2r = t0r - t2r;
        y2i = t0i - t2i;
        y3r = t1r - t3i;
        y3i = t1i + t3r;
    }
};

// (br + i bi) (wr + i wi), in place.
template <typename T>
inline void twiddle(T& br, T& bi, T wr, T wi) {
    const T r = br * wr - bi * wi;
    bi = br * wi + bi * wr;
    br = r;
}

// Radix-4 Stockham stage, scalar: any span. w holds three rows of `span` twiddles,
// exp(-2 pi i r k / (4 span)) for r = 1, 2, 3.
void radix4_scalar(const float* xr, const float* xi, float* yr, float* yi, std::size_t m, std::size_t span,
                   const float* wr, const float* wi) {
    const std::size_t q = m / 4;
    for (std::size_t block = 0; block < q / span; ++block) {
        for (std::size_t k = 0; k < span; ++k) {
            const std::size_t j = block * span + k;
            float a1r = xr[j + q], a1i = xi[j + q], a2r = xr[j + 2 * q], a2i = xi[j + 2 * q];
            float a3r = xr[j + 3 * q], a3i = xi[j + 3 * q];
            twiddle(a1r, a1i, wr[k], wi[k]);
            twiddle(a2r, a2i, wr[span + k], wi[span + k]);
            twiddle(a3r, a3i, wr[2 * span + k], wi[2 * span + k]);
            const Butterfly4<float> b(xr[j], xi[j], a1r, a1i, a2r, a2i, a3r, a3i);
            const std::size_t o = block * span * 4 + k;
            yr[o] = b.y0r, yi[o] = b.y0i;
            yr[o + span] = b.y1r, yi[o + span] = b.y1i;
            yr[o + 2 * span] = b.y2r, yi[o + 2 * span] = b.y2i;
            yr[o + 3 * span] = b.y3r, yi[o + 3 * span] = b.y3i;
        }
    }
}

// Radix-4 stage with span a multiple of 4: four k at a time.
void radix4_vector(const float* xr, const float* xi, float* yr, float* yi, std::size_t m, std::size_t span,
                   const float* wr, const float* wi) {
    const std::size_t q = m / 4;
    for (std::size_t block = 0; block < q / span; ++block) {
        for (std::size_t k = 0; k < span; k += 4) {
            const std::size_t j = block * span + k;
            V4 a1r = load4(xr + j + q), a1i = load4(xi + j + q);
            V4 a2r = load4(xr + j + 2 * q), a2i = load4(xi + j + 2 * q);
            V4 a3r = load4(xr + j + 3 * q), a3i = load4(xi + j + 3 * q);
            twiddle(a1r, a1i, load4(wr + k), load4(wi + k));
            twiddle(a2r, a2i, load4(wr + span + k), load4(wi + span + k));
            twiddle(a3r, a3i, load4(wr + 2 * span + k), load4(wi + 2 * span + k));
            const Butterfly4<V4> b(load4(xr + j), load4(xi + j), a1r, a1i, a2r, a2i, a3r, a3i);
            const std::size_t o = block * span * 4 + k;
            store4(yr + o, b.y0r), store4(yi + o, b.y0i);
            store4(yr + o + span, b.y1r), store4(yi + o + span, b.y1i);
            store4(yr + o + 2 * span, b.y2r), store4(yi + o + 2 * span, b.y2i);
            store4(yr + o + 3 * span, b.y3r), store4(yi + o + 3 * span, b.y3i);
        }
    }
}

// The first radix-4 stage (span 1, no twiddles) for m >= 16: four butterflies at a
// time, whose outputs y[4j + r] are a 4x4 transpose away from the vector layout.
void radix4_first_vector(const float* xr, const float* xi, float* yr, float* yi, std::size_t m) {
    const std::size_t q = m / 4;
    for (std::size_t j = 0; j < q; j += 4) {
        Butterfly4<V4> b(load4(xr + j), load4(xi + j), load4(xr + j + q), load4(xi + j + q), load4(xr + j + 2 * q),
                         load4(xi + j + 2 * q), load4(xr + j + 3 * q), load4(xi + j + 3 * q));
        transpose4(b.y0r, b.y1r, b.y2r, b.y3r);
        transpose4(b.y0i, b.y1i, b.y2i, b.y3i);
        float* out_r = yr + 4 * j;
        float* out_i = yi + 4 * j;
        store4(out_r, b.y0r), store4(out_r + 4, b.y1r), store4(out_r + 8, b.y2r), store4(out_r + 12, b.y3r);
        store4(out_i, b.y0i), store4(out_i + 4, b.y1i), store4(out_i + 8, b.y2i), store4(out_i + 12, b.y3i);
    }
}

// The last stage when log2(m) is odd: radix 2 with span m/2 (a multiple of 4).
void radix2_last_vector(const float* xr, const float* xi, float* yr, float* yi, std::size_t m, const float* wr,
                        const float* wi) {
    const std::size_t half = m / 2;
    for (std::size_t k = 0; k < half; k += 4) {
        V4 br = load4(xr + k + half), bi = load4(xi + k + half);
        twiddle(br, bi, load4(wr + k), load4(wi + k));
        const V4 ar = load4(xr + k), ai = load4(xi + k);
        store4(yr + k, ar + br), store4(yi + k, ai + bi);
        store4(yr + k + half, ar - br), store4(yi + k + half, ai - bi);
    }
}

void radix2_last_scalar(const float* xr, const float* xi, float* yr, float* yi, std::size_t m, const float* wr,
                        const float* wi) {
    const std::size_t half = m / 2;
    for (std::size_t k = 0; k < half; ++k) {
        float br = xr[k + half], bi = xi[k + half];
        twiddle(br, bi, wr[k], wi[k]);
        yr[k] = xr[k] + br, yi[k] = xi[k] + bi;
        yr[k + half] = xr[k] - br, yi[k + half] = xi[k] - bi;
    }
}

}  // namespace

RealFft::RealFft(std::size_t n) : n_(n), m_(n / 2) {
    if (!is_power_of_two(n) || n < 16 || n > 65536) {
        throw std::invalid_argument("n_fft must be a power of two in [16, 65536], got " +
                                    std::to_string(n));
    }
    // Stage plan: radix-4 stages, then one radix-2 stage when log2(m) is odd, so
    // every stage after the first has a span that is a multiple of 4 (one vector).
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
    for (std::size_t s = 0; s + 2 <= log2m; s += 2) add_stage(4);
    if (log2m % 2 == 1) add_stage(2);

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
        const bool vector = stage.span % 4 == 0;
        if (stage.radix == 2) {
            (vector ? radix2_last_vector : radix2_last_scalar)(re, im, re2, im2, m_, wr, wi);
        } else if (stage.span == 1 && m_ >= 16) {
            radix4_first_vector(re, im, re2, im2, m_);
        } else if (vector) {
            radix4_vector(re, im, re2, im2, m_, stage.span, wr, wi);
        } else {
            radix4_scalar(re, im, re2, im2, m_, stage.span, wr, wi);
        }
        std::swap(re, re2);
        std::swap(im, im2);
    }
    *out_re = re;
    *out_im = im;
}

void RealFft::forward(const float* x, float* re, float* im, float* scratch, const float* window) const {
    float* zr = scratch;
    float* zi = scratch + m_;
    float* wr = scratch + 2 * m_;
    float* wi = scratch + 3 * m_;
    for (std::size_t j = 0; j < m_; j += 4) {  // m_ >= 8, a multiple of 4
        V4 even, odd;
        deinterleave4(x + 2 * j, even, odd);
        if (window) {
            V4 w_even, w_odd;
            deinterleave4(window + 2 * j, w_even, w_odd);
            even = even * w_even;
            odd = odd * w_odd;
        }
        store4(zr + j, even);
        store4(zi + j, odd);
    }
    float* fr = nullptr;
    float* fi = nullptr;
    complex_forward(zr, zi, wr, wi, &fr, &fi);
    unpack(fr, fi, re, im);
}

// X[k] = E[k] + W^k O[k] (see the class comment), Z[m] being Z[0]. k = 0 and m are
// done alone; k in [1, m) four at a time, reading Z[m - k] backwards.
void RealFft::unpack(const float* fr, const float* fi, float* re, float* im) const {
    auto one = [&](std::size_t k) {
        const std::size_t a = (k == m_) ? 0 : k;
        const std::size_t b = (k == 0) ? 0 : m_ - k;
        const float er = 0.5f * (fr[a] + fr[b]), ei = 0.5f * (fi[a] - fi[b]);
        const float orr = 0.5f * (fi[a] + fi[b]), oi = -0.5f * (fr[a] - fr[b]);
        const float c = unpack_cos_[k], s = unpack_sin_[k];
        re[k] = er + c * orr - s * oi;
        im[k] = ei + c * oi + s * orr;
    };
    one(0);
    std::size_t k = 1;
    const V4 half = load4(kHalves);
    for (; k + 4 <= m_; k += 4) {
        const V4 ar = load4(fr + k), ai = load4(fi + k);
        const V4 br = reverse4(load4(fr + m_ - k - 3)), bi = reverse4(load4(fi + m_ - k - 3));
        const V4 er = half * (ar + br), ei = half * (ai - bi);
        const V4 orr = half * (ai + bi), oi = half * (br - ar);
        const V4 c = load4(unpack_cos_.data() + k), s = load4(unpack_sin_.data() + k);
        store4(re + k, er + c * orr - s * oi);
        store4(im + k, ei + c * oi + s * orr);
    }
    for (; k <= m_; ++k) one(k);
}

std::shared_ptr<const RealFft> get_real_fft(std::size_t n) {
    static PlanCache<std::size_t, RealFft> cache;
    return cache.get(n, [n] { return std::make_shared<const RealFft>(n); });
}

}  // namespace samplemind::dsp
