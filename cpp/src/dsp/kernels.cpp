// The public kernel entry points (samplemind/kernels.hpp).
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsp/fft.hpp"
#include "dsp/mel.hpp"
#include "dsp/resampler.hpp"
#include "dsp/simd4.hpp"
#include "samplemind/kernels.hpp"

namespace samplemind {

void rfft(const float* input, std::complex<float>* output, std::size_t n, std::size_t count) {
    const auto plan = dsp::get_real_fft(n);
    const std::size_t bins = plan->bins();
    std::vector<float> re(bins), im(bins), scratch(plan->scratch_size());
    for (std::size_t row = 0; row < count; ++row) {
        plan->forward(input + row * n, re.data(), im.data(), scratch.data());
        auto* out = reinterpret_cast<float*>(output + row * bins);  // std::complex is {re, im}
        std::size_t k = 0;
        for (; k + 4 <= bins; k += 4) dsp::interleave4(dsp::load4(re.data() + k), dsp::load4(im.data() + k), out + 2 * k);
        for (; k < bins; ++k) out[2 * k] = re[k], out[2 * k + 1] = im[k];
    }
}

std::vector<float> mel_filterbank(double sample_rate, int n_fft, int n_mels, double fmin, double fmax) {
    if (!(sample_rate > 0) || n_fft < 2 || n_mels < 1 || !(fmin >= 0) || !(fmax > fmin)) {
        throw std::invalid_argument("mel_filterbank needs sample_rate > 0, n_fft >= 2, n_mels >= 1, 0 <= fmin < fmax");
    }
    return dsp::slaney_mel_matrix(sample_rate, n_fft, n_mels, fmin, fmax);
}

std::vector<float> resample(const float* input, std::size_t length, double in_rate, double out_rate) {
    dsp::Resampler resampler(in_rate, out_rate);
    if (resampler.is_identity()) return std::vector<float>(input, input + length);
    constexpr std::size_t kBlock = 65536;
    resampler.reserve(kBlock);
    std::vector<float> output;
    std::vector<float> block(std::max(resampler.max_output(kBlock), resampler.max_tail()));
    for (std::size_t at = 0; at < length; at += kBlock) {
        const std::size_t count = std::min(kBlock, length - at);
        const std::size_t made = resampler.process(input + at, count, block.data());
        output.insert(output.end(), block.begin(), block.begin() + made);
    }
    const std::size_t tail = resampler.finish(block.data());
    output.insert(output.end(), block.begin(), block.begin() + tail);
    return output;
}

}  // namespace samplemind
