// A 4-float vector for the FFT kernels: SSE on x86-64 (part of the baseline ABI,
// so no runtime dispatch is needed), plain loops elsewhere.
#pragma once

#include <algorithm>
#include <cmath>

#include "dsp/vector_ops.hpp"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace samplemind::dsp {

#if defined(__SSE2__)
struct V4 {
    __m128 v;
};
inline V4 load4(const float* p) { return {_mm_loadu_ps(p)}; }
inline void store4(float* p, V4 a) { _mm_storeu_ps(p, a.v); }
inline V4 operator+(V4 a, V4 b) { return {_mm_add_ps(a.v, b.v)}; }
inline V4 operator-(V4 a, V4 b) { return {_mm_sub_ps(a.v, b.v)}; }
inline V4 operator*(V4 a, V4 b) { return {_mm_mul_ps(a.v, b.v)}; }
inline V4 splat4(float x) { return {_mm_set1_ps(x)}; }
inline V4 max4(V4 a, V4 b) { return {_mm_max_ps(a.v, b.v)}; }
inline V4 sqrt4(V4 a) { return {_mm_sqrt_ps(a.v)}; }
inline V4 abs4(V4 a) { return {_mm_andnot_ps(_mm_set1_ps(-0.0f), a.v)}; }
/// 1.0f in each lane where a >= b, else 0.0f.
inline V4 ge_one4(V4 a, V4 b) { return {_mm_and_ps(_mm_cmpge_ps(a.v, b.v), _mm_set1_ps(1.0f))}; }
inline float hsum4(V4 a) {
    alignas(16) float lanes[4];
    _mm_store_ps(lanes, a.v);
    return (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
}
inline float hmax4(V4 a) {
    alignas(16) float lanes[4];
    _mm_store_ps(lanes, a.v);
    return std::max(std::max(lanes[0], lanes[1]), std::max(lanes[2], lanes[3]));
}
/// log_positive() on four lanes: the same bit-level reduction and polynomial.
inline V4 log4(V4 x) {
    const __m128i bits = _mm_castps_si128(x.v);
    const __m128i offset = _mm_sub_epi32(bits, _mm_set1_epi32(0x3F3504F3));
    const __m128 k = _mm_cvtepi32_ps(_mm_srai_epi32(offset, 23));
    const __m128i reduced = _mm_sub_epi32(bits, _mm_and_si128(offset, _mm_set1_epi32(static_cast<int>(0xFF800000u))));
    const V4 f = V4{_mm_castsi128_ps(reduced)} - splat4(1.0f);
    const V4 z = f * f;
    V4 y = splat4(7.0376836292e-2f);
    y = y * f - splat4(1.1514610310e-1f);
    y = y * f + splat4(1.1676998740e-1f);
    y = y * f - splat4(1.2420140846e-1f);
    y = y * f + splat4(1.4249322787e-1f);
    y = y * f - splat4(1.6668057665e-1f);
    y = y * f + splat4(2.0000714765e-1f);
    y = y * f - splat4(2.4999993993e-1f);
    y = y * f + splat4(3.3333331174e-1f);
    y = y * f * z;
    y = y + splat4(-2.12194440e-4f) * V4{k};
    y = y + splat4(-0.5f) * z;
    return f + y + splat4(0.693359375f) * V4{k};
}
/// Rows a, b, c, d become columns.
inline void transpose4(V4& a, V4& b, V4& c, V4& d) { _MM_TRANSPOSE4_PS(a.v, b.v, c.v, d.v); }
/// (a0, a1, a2, a3) -> (a3, a2, a1, a0).
inline V4 reverse4(V4 a) { return {_mm_shuffle_ps(a.v, a.v, _MM_SHUFFLE(0, 1, 2, 3))}; }
/// p[0..8) -> even = p[0], p[2], p[4], p[6] and odd = p[1], p[3], p[5], p[7].
inline void deinterleave4(const float* p, V4& even, V4& odd) {
    const __m128 lo = _mm_loadu_ps(p), hi = _mm_loadu_ps(p + 4);
    even.v = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    odd.v = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
}
/// out[0..8) = a0, b0, a1, b1, a2, b2, a3, b3.
inline void interleave4(V4 a, V4 b, float* out) {
    _mm_storeu_ps(out, _mm_unpacklo_ps(a.v, b.v));
    _mm_storeu_ps(out + 4, _mm_unpackhi_ps(a.v, b.v));
}
#else
struct V4 {
    float v[4];
};
inline V4 load4(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
inline void store4(float* p, V4 a) {
    for (int i = 0; i < 4; ++i) p[i] = a.v[i];
}
inline V4 operator+(V4 a, V4 b) {
    for (int i = 0; i < 4; ++i) a.v[i] += b.v[i];
    return a;
}
inline V4 operator-(V4 a, V4 b) {
    for (int i = 0; i < 4; ++i) a.v[i] -= b.v[i];
    return a;
}
inline V4 operator*(V4 a, V4 b) {
    for (int i = 0; i < 4; ++i) a.v[i] *= b.v[i];
    return a;
}
inline V4 splat4(float x) { return {{x, x, x, x}}; }
inline V4 max4(V4 a, V4 b) {
    for (int i = 0; i < 4; ++i) a.v[i] = std::max(a.v[i], b.v[i]);
    return a;
}
inline V4 sqrt4(V4 a) {
    for (int i = 0; i < 4; ++i) a.v[i] = std::sqrt(a.v[i]);
    return a;
}
inline float hsum4(V4 a) { return (a.v[0] + a.v[2]) + (a.v[1] + a.v[3]); }
inline V4 abs4(V4 a) {
    for (int i = 0; i < 4; ++i) a.v[i] = std::abs(a.v[i]);
    return a;
}
inline float hmax4(V4 a) { return std::max(std::max(a.v[0], a.v[1]), std::max(a.v[2], a.v[3])); }
inline V4 ge_one4(V4 a, V4 b) {
    for (int i = 0; i < 4; ++i) a.v[i] = a.v[i] >= b.v[i] ? 1.0f : 0.0f;
    return a;
}
inline V4 log4(V4 x) {
    for (int i = 0; i < 4; ++i) x.v[i] = log_positive(x.v[i]);
    return x;
}
inline void transpose4(V4& a, V4& b, V4& c, V4& d) {
    V4* rows[4] = {&a, &b, &c, &d};
    float m[4][4];
    for (int r = 0; r < 4; ++r)
        for (int c2 = 0; c2 < 4; ++c2) m[r][c2] = rows[r]->v[c2];
    for (int r = 0; r < 4; ++r)
        for (int c2 = 0; c2 < 4; ++c2) rows[r]->v[c2] = m[c2][r];
}
inline V4 reverse4(V4 a) { return {{a.v[3], a.v[2], a.v[1], a.v[0]}}; }
inline void deinterleave4(const float* p, V4& even, V4& odd) {
    for (int i = 0; i < 4; ++i) even.v[i] = p[2 * i], odd.v[i] = p[2 * i + 1];
}
inline void interleave4(V4 a, V4 b, float* out) {
    for (int i = 0; i < 4; ++i) out[2 * i] = a.v[i], out[2 * i + 1] = b.v[i];
}
#endif

}  // namespace samplemind::dsp
