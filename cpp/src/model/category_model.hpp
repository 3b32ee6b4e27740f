// The shipped category model: a one-hidden-layer network over model_features(),
// with a projection of its hidden layer that the embedding uses as its timbre aspect.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "samplemind/analysis.hpp"

namespace samplemind::model {

/// Parsed from the bytes written by bench/train_category.py (little-endian):
///   "SMCM", u32 format (1), u32 model version, u32 features, u32 hidden, u32 classes,
///   u32 embed; classes x (u32 length, name bytes); f32 mean[features], scale[features],
///   w1[hidden][features], b1[hidden], w2[classes][hidden], b2[classes],
///   projection[embed][hidden], projection_bias[embed].
/// Immutable once built; every method is const and thread-safe.
class CategoryModel {
public:
    /// Throws std::invalid_argument when the bytes are not a valid model of this
    /// build's vocabulary and input size.
    explicit CategoryModel(std::span<const std::uint8_t> bytes);

    bool empty() const noexcept { return hidden_ == 0; }
    std::size_t embed_size() const noexcept { return embed_; }
    /// The category of an analysis (its model_features), loop classes for a loop.
    CategoryStats classify(const std::vector<float>& features, bool is_loop) const;
    /// The learned timbre vector (embed_size() values; zeros for an empty model).
    std::vector<double> project(const std::vector<float>& features) const;

private:
    std::vector<double> hidden(const std::vector<float>& features) const;

    std::size_t features_ = 0, hidden_ = 0, classes_ = 0, embed_ = 0;
    std::vector<std::string> names_;
    std::vector<float> mean_, scale_, w1_, b1_, w2_, b2_, projection_, projection_bias_;
};

/// The model compiled into the library (cpp/models/category.smm); empty when the
/// build had none. Built once, on first use.
const CategoryModel& shipped_category_model();

}  // namespace samplemind::model
