#include "model/category_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "samplemind/category.hpp"
#include "samplemind/embedding.hpp"

namespace samplemind::model {
namespace {

// Reads the model's fields in order, refusing to run past the end.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(take(1)[0]) << (8 * i);
        return v;
    }
    std::string text(std::size_t n) {
        const auto b = take(n);
        return std::string(b.begin(), b.end());
    }
    std::vector<float> floats(std::size_t n) {
        std::vector<float> out(n);
        const auto b = take(4 * n);
        std::memcpy(out.data(), b.data(), 4 * n);  // little-endian hosts only (all we build for)
        for (const float v : out) {
            if (!std::isfinite(v)) throw std::invalid_argument("category model: a weight is not finite");
        }
        return out;
    }
    bool done() const { return offset_ == bytes_.size(); }

private:
    std::span<const std::uint8_t> take(std::size_t n) {
        if (n > bytes_.size() - offset_) throw std::invalid_argument("category model: truncated");
        const auto out = bytes_.subspan(offset_, n);
        offset_ += n;
        return out;
    }
    std::span<const std::uint8_t> bytes_;
    std::size_t offset_ = 0;
};

constexpr std::size_t kLoopClasses = 3;  // the vocabulary's last three

}  // namespace

CategoryModel::CategoryModel(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    Reader r(bytes);
    if (r.text(4) != "SMCM") throw std::invalid_argument("category model: not a SampleMind model (magic)");
    if (r.u32() != 1) throw std::invalid_argument("category model: unknown format version");
    if (r.u32() != static_cast<std::uint32_t>(kCategoryModelVersion)) {
        throw std::invalid_argument("category model: built for another model version; retrain it");
    }
    features_ = r.u32(), hidden_ = r.u32(), classes_ = r.u32(), embed_ = r.u32();
    const auto& vocabulary = category_vocabulary();
    if (features_ != kModelFeatureCount || classes_ != vocabulary.size() || hidden_ == 0 || hidden_ > 4096 || embed_ != kLearnedTimbreSize) {
        throw std::invalid_argument("category model: sizes do not match this build's features and vocabulary");
    }
    for (std::size_t c = 0; c < classes_; ++c) {
        const std::uint32_t length = r.u32();
        if (length > 64) throw std::invalid_argument("category model: class name too long");
        names_.push_back(r.text(length));
        if (names_.back() != vocabulary[c].name) throw std::invalid_argument("category model: class " + names_.back() + " out of order");
    }
    mean_ = r.floats(features_), scale_ = r.floats(features_);
    w1_ = r.floats(hidden_ * features_), b1_ = r.floats(hidden_);
    w2_ = r.floats(classes_ * hidden_), b2_ = r.floats(classes_);
    projection_ = r.floats(embed_ * hidden_), projection_bias_ = r.floats(embed_);
    if (!r.done()) throw std::invalid_argument("category model: trailing bytes");
}

std::vector<double> CategoryModel::hidden(const std::vector<float>& features) const {
    if (features.size() != features_) throw std::invalid_argument("category model: expects " + std::to_string(features_) + " features");
    std::vector<double> x(features_), h(hidden_);
    for (std::size_t i = 0; i < features_; ++i) x[i] = (features[i] - mean_[i]) / scale_[i];
    for (std::size_t j = 0; j < hidden_; ++j) {
        double sum = b1_[j];
        const float* w = w1_.data() + j * features_;
        for (std::size_t i = 0; i < features_; ++i) sum += w[i] * x[i];
        h[j] = std::max(0.0, sum);
    }
    return h;
}

CategoryStats CategoryModel::classify(const std::vector<float>& features, bool is_loop) const {
    CategoryStats out;
    if (empty()) return out;
    const std::vector<double> h = hidden(features);
    // Softmax over the classes a loop (or a one-shot) may have.
    const std::size_t first = is_loop ? classes_ - kLoopClasses : 0, last = is_loop ? classes_ : classes_ - kLoopClasses;
    std::vector<std::pair<double, std::size_t>> scored;
    double top = -1e300;
    for (std::size_t c = first; c < last; ++c) {
        double logit = b2_[c];
        for (std::size_t j = 0; j < hidden_; ++j) logit += w2_[c * hidden_ + j] * h[j];
        scored.push_back({logit, c});
        top = std::max(top, logit);
    }
    double total = 0.0;
    for (auto& [value, c] : scored) total += value = std::exp(value - top);
    for (auto& [value, c] : scored) value /= total;
    std::sort(scored.begin(), scored.end(), std::greater<>());
    for (std::size_t i = 0; i < std::min<std::size_t>(3, scored.size()); ++i) out.top.push_back({names_[scored[i].second], scored[i].first});
    out.confidence = scored.front().first;
    if (out.confidence >= kUnknownBelow) {
        out.category = names_[scored.front().second];
        out.family = std::string(category_vocabulary()[scored.front().second].family);
    }
    return out;
}

std::vector<double> CategoryModel::project(const std::vector<float>& features) const {
    std::vector<double> out(embed_, 0.0);
    if (empty()) return out;
    const std::vector<double> h = hidden(features);
    for (std::size_t e = 0; e < embed_; ++e) {
        out[e] = projection_bias_[e];
        for (std::size_t j = 0; j < hidden_; ++j) out[e] += projection_[e * hidden_ + j] * h[j];
    }
    return out;
}

}  // namespace samplemind::model
