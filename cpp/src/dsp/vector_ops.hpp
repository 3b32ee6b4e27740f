// Small vector kernels shared by the DSP code.
#pragma once

#include <cstddef>

namespace samplemind::dsp {

/// sum_i a[i] * b[i] in float with eight independent partial sums, so the compiler
/// can vectorise it without -ffast-math (which would allow reassociating any sum).
inline float dot(const float* __restrict a, const float* __restrict b, std::size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (std::size_t j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
    }
    float tail = 0.0f;
    for (; i < n; ++i) tail += a[i] * b[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
}

/// sum_i a[i], with the same eight partial sums as dot().
inline float sum(const float* __restrict a, std::size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (std::size_t j = 0; j < 8; ++j) acc[j] += a[i + j];
    }
    float tail = 0.0f;
    for (; i < n; ++i) tail += a[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
}

}  // namespace samplemind::dsp
