// Decoding one column chunk into a Block through Arrow C++'s Parquet column
// readers, and rebuilding rows from definition/repetition levels (the same
// rules as formats/parquet/block.go).
#pragma once

#include "scene.h"

namespace parquet {
class ColumnReader;
}

namespace usdparquet {

// DecodeChunk reads every value of a column chunk of `rows` rows whose
// metadata declares numValues values (levels included). Throws Error.
std::shared_ptr<Block> DecodeChunk(parquet::ColumnReader* reader, const ColumnShape& c,
                                   int64_t rows, int64_t numValues);

} // namespace usdparquet
