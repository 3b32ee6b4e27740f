// dsp::dot with one runtime dispatch: AVX2 + FMA where the CPU has them (chosen once,
// at load time), the portable eight-lane loop elsewhere. Wheels stay baseline x86-64;
// the AVX2 code is only compiled for this one function (GCC/Clang target attribute).
#include "dsp/vector_ops.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SAMPLEMIND_HAVE_AVX2_DOT 1
#endif

namespace samplemind::dsp {
namespace {

float dot_portable(const float* a, const float* b, std::size_t n) {
    return accumulate8(n, [=](std::size_t i) { return a[i] * b[i]; });
}

#ifdef SAMPLEMIND_HAVE_AVX2_DOT
__attribute__((target("avx2,fma"))) float dot_avx2(const float* a, const float* b, std::size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    if (i + 8 <= n) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        i += 8;
    }
    const __m256 acc = _mm256_add_ps(acc0, acc1);
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
    float total = _mm_cvtss_f32(half);
    for (; i < n; ++i) total += a[i] * b[i];
    return total;
}
#endif

using DotFunction = float (*)(const float*, const float*, std::size_t);

DotFunction choose_dot() {
#ifdef SAMPLEMIND_HAVE_AVX2_DOT
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return dot_avx2;
#endif
    return dot_portable;
}

const DotFunction selected_dot = choose_dot();

}  // namespace

float dot(const float* a, const float* b, std::size_t n) { return selected_dot(a, b, n); }

}  // namespace samplemind::dsp
