// UsdParquetFileFormat: the SdfFileFormat for runner's Parquet layout
// (.parquet). Registered through plugInfo.json; read-only.
//
// File format arguments (SdfLayer::FindOrOpen(path, {{"index", "lazy"}})):
//   index         eager (default): read the whole path column at open into a
//                 path map, as the original Parquet plugin does;
//                 lazy: open reads the tail, the prim index trailer, the scene
//                 JSON and the footer's schema; prims are found through the
//                 hash index stored in the file.
//   cache_budget  bytes of decoded column chunks kept (least recently used
//                 evicted); 0 (default) = unlimited.
#pragma once

#include <pxr/sdf/fileFormat.h>
#include <pxr/tf/staticTokens.h>

SDF_NAMESPACE_OPEN_SCOPE

#define USD_PARQUET_FILE_FORMAT_TOKENS \
    ((Id, "scenebenchParquet"))        \
    ((Version, "1.0"))                 \
    ((Target, "usd"))                  \
    ((Extension, "parquet"))

TF_DECLARE_PUBLIC_TOKENS(UsdParquetFileFormatTokens, USD_PARQUET_FILE_FORMAT_TOKENS);

TF_DECLARE_WEAK_AND_REF_PTRS(UsdParquetFileFormat);

class UsdParquetFileFormat : public SdfFileFormat {
public:
    bool CanRead(const std::string& file) const override;
    bool Read(SdfLayer* layer, const std::string& resolvedPath, bool metadataOnly) const override;
    bool WriteToFile(const SdfLayer& layer, const std::string& filePath, const std::string& comment,
                     const FileFormatArguments& args) const override;
    bool SaveToFile(const SdfLayer& layer, const std::string& filePath, const std::string& comment,
                    const FileFormatArguments& args) const override;
    bool ReadFromString(SdfLayer* layer, const std::string& str) const override;
    // Text export (SdfLayer::ExportToString) goes through the usda format.
    bool WriteToString(const SdfLayer& layer, std::string* str, const std::string& comment) const override;
    bool WriteToStream(const SdfSpecHandle& spec, std::ostream& out, size_t indent) const override;

protected:
    SDF_FILE_FORMAT_FACTORY_ACCESS;
    UsdParquetFileFormat();
    ~UsdParquetFileFormat() override;
};

SDF_NAMESPACE_CLOSE_SCOPE
