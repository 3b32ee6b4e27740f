// A 4-float vector for the FFT kernels: SSE on x86-64 (part of the baseline ABI,
// so no runtime dispatch is needed), plain loops elsewhere.
#pragma once

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
