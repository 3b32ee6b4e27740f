// The whole public C++ API of SampleMind in one include.
#pragma once

#include "samplemind/analysis.hpp"
#include "samplemind/analyzer.hpp"
#include "samplemind/audio_info.hpp"
#include "samplemind/batch.hpp"
#include "samplemind/category.hpp"
#include "samplemind/config.hpp"
#include "samplemind/decoder.hpp"
#include "samplemind/embedding.hpp"
#include "samplemind/error.hpp"
#include "samplemind/kernels.hpp"
#include "samplemind/metadata.hpp"
#include "samplemind/stage_timing.hpp"
#include "samplemind/version.hpp"
#include "samplemind/waveform.hpp"
