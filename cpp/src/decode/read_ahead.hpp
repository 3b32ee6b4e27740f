// Decoding on a second thread, one block ahead of the consumer.
#pragma once

#include <memory>

#include "samplemind/decoder.hpp"

namespace samplemind::decode {

/// Wraps a decoder so that blocks are decoded on a background thread while the
/// caller analyses the previous ones; worth it for compressed formats, whose
/// decoding costs as much as analysis. At most kBlocks blocks are buffered, so memory
/// stays bounded. A decoding error is rethrown from read() on the caller's thread;
/// destroying the wrapper stops and joins the thread. Not thread-safe itself (one
/// consumer).
std::unique_ptr<AudioDecoder> read_ahead(std::unique_ptr<AudioDecoder> inner);

}  // namespace samplemind::decode
