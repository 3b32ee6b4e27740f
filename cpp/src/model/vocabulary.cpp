#include "samplemind/category.hpp"

namespace samplemind {

const std::array<CategoryName, 24>& category_vocabulary() {
    static constexpr std::array<CategoryName, 24> vocabulary = {{
        {"kick", "drums"}, {"snare", "drums"}, {"clap", "drums"}, {"rim", "drums"},
        {"hihat_closed", "drums"}, {"hihat_open", "drums"}, {"cymbal_crash", "drums"}, {"cymbal_ride", "drums"},
        {"tom", "drums"}, {"percussion", "drums"},
        {"bass", "tonal"}, {"synth_lead", "tonal"}, {"pad", "tonal"}, {"keys", "tonal"}, {"guitar", "tonal"},
        {"strings", "tonal"}, {"brass", "tonal"}, {"woodwind", "tonal"}, {"mallet", "tonal"}, {"vocal", "tonal"},
        {"fx", "fx"},
        {"drum_loop", "loops"}, {"bass_loop", "loops"}, {"melodic_loop", "loops"},
    }};
    return vocabulary;
}

}  // namespace samplemind
