// Small vector kernels shared by the DSP code.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace samplemind::dsp {

/// Natural log of a positive, normal float, vectorisable (no calls, no branches).
/// x = 2^k z with z in [sqrt(1/2), sqrt(2)) found by integer arithmetic on the bits
/// (the reduction of ARM's optimized-routines logf), then Cephes' degree-9
/// polynomial for log(z) (S. Moshier). Error about 1 ulp over the normal range.
inline float log_positive(float x) {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    const std::uint32_t offset = bits - 0x3F3504F3u;  // bits of sqrt(1/2)
    const auto k = static_cast<float>(static_cast<std::int32_t>(offset) >> 23);
    const float f = std::bit_cast<float>(bits - (offset & 0xFF800000u)) - 1.0f;
    const float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    y += -2.12194440e-4f * k;
    y += -0.5f * z;
    return f + y + 0.693359375f * k;
}

/// Eight-lane accumulation of body(i) over [0, n), for reductions the compiler may
/// vectorise only when the lanes are explicit.
template <typename Body>
inline float accumulate8(std::size_t n, Body body) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (std::size_t j = 0; j < 8; ++j) acc[j] += body(i + j);
    }
    float tail = 0.0f;
    for (; i < n; ++i) tail += body(i);
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
}

/// sum_i a[i] * b[i] in float. Dispatched once at load time (dot.cpp): AVX2 + FMA
/// where available, else eight independent partial sums the compiler vectorises
/// without -ffast-math. Results differ between the two by float rounding only.
float dot(const float* a, const float* b, std::size_t n);

/// sum_i a[i], with the same eight partial sums as dot().
inline float sum(const float* __restrict a, std::size_t n) {
    return accumulate8(n, [=](std::size_t i) { return a[i]; });
}

}  // namespace samplemind::dsp
