// Just enough of Thrift's compact protocol to decode one RowGroup struct of
// a Parquet footer: what a lazy open needs to read a column chunk without
// parsing the whole footer (see formats/parquet/index.go). Every read is
// bounds-checked and nesting is limited; malformed input throws Error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace usdparquet {

// Where one column chunk lies and how it is coded (ColumnMetaData).
struct ChunkInfo {
    int physicalType = -1;       // parquet::Type::type
    int codec = 0;               // Parquet's CompressionCodec (thrift value)
    int arrowCodec = -1;         // the same as arrow::Compression::type
    int64_t numValues = 0;
    int64_t totalUncompressed = 0;
    int64_t totalCompressed = 0;
    int64_t dataPageOffset = -1;
    int64_t dictionaryPageOffset = -1; // -1: none
};

struct RowGroupInfo {
    int64_t numRows = 0;
    std::vector<ChunkInfo> columns;
};

// DecodeRowGroup parses a thrift-compact RowGroup struct occupying all of
// [data, data+size).
RowGroupInfo DecodeRowGroup(const uint8_t* data, size_t size);

} // namespace usdparquet
