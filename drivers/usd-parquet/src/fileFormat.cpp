#include "fileFormat.h"

#include "layerData.h"
#include "scene.h"

#include <pxr/ar/asset.h>
#include <pxr/ar/resolvedPath.h>
#include <pxr/ar/resolver.h>
#include <pxr/sdf/layer.h>
#include <pxr/sdf/usdaFileFormat.h>
#include <pxr/tf/diagnostic.h>
#include <pxr/tf/registryManager.h>
#include <pxr/tf/type.h>
#include <pxr/trace/trace.h>

#include <charconv>
#include <cstring>

SDF_NAMESPACE_OPEN_SCOPE

TF_DEFINE_PUBLIC_TOKENS(UsdParquetFileFormatTokens, USD_PARQUET_FILE_FORMAT_TOKENS);

TF_REGISTRY_FUNCTION(TfType) {
    SDF_DEFINE_FILE_FORMAT(UsdParquetFileFormat, SdfFileFormat);
}

namespace {

// AssetSource reads a layer's file through Ar, so that whatever the resolver
// can open (a plain file, a package member) the plugin can read.
class AssetSource final : public usdparquet::ByteSource {
public:
    explicit AssetSource(std::shared_ptr<ArAsset> a) : _asset(std::move(a)), _size(int64_t(_asset->GetSize())) {}
    int64_t Size() const override { return _size; }
    void ReadAt(int64_t off, int64_t n, void* dst) const override {
        if (off < 0 || n < 0 || off > _size || n > _size - off)
            throw usdparquet::Error("read of " + std::to_string(n) + " bytes at offset " + std::to_string(off) +
                                    " past the end of the file (" + std::to_string(_size) + " bytes)");
        if (n == 0) return;
        const size_t got = _asset->Read(dst, size_t(n), size_t(off));
        if (int64_t(got) != n)
            throw usdparquet::Error("short read: " + std::to_string(got) + " of " + std::to_string(n) +
                                    " bytes at offset " + std::to_string(off));
    }

private:
    std::shared_ptr<ArAsset> _asset;
    int64_t _size;
};

bool ParseArguments(const SdfFileFormat::FileFormatArguments& args, usdparquet::Options* o, std::string* err) {
    for (const auto& [key, value] : args) {
        if (key == "index") {
            if (value == "eager") o->lazy = false;
            else if (value == "lazy") o->lazy = true;
            else {
                *err = "file format argument index=\"" + value + "\": expected eager or lazy";
                return false;
            }
        } else if (key == "cache_budget") {
            int64_t v = -1;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc() || p != value.data() + value.size() || v < 0) {
                *err = "file format argument cache_budget=\"" + value + "\": expected bytes, 0 or more";
                return false;
            }
            o->cacheBudget = v;
        }
        // Other arguments (a host's "target", say) are not ours.
    }
    return true;
}

bool ValidUnicodeName(std::string_view name) { return SdfPath::IsValidIdentifier(std::string(name)); }

} // namespace

UsdParquetFileFormat::UsdParquetFileFormat()
    : SdfFileFormat(UsdParquetFileFormatTokens->Id, UsdParquetFileFormatTokens->Version,
                    UsdParquetFileFormatTokens->Target, UsdParquetFileFormatTokens->Extension.GetString()) {
}

UsdParquetFileFormat::~UsdParquetFileFormat() = default;

bool UsdParquetFileFormat::CanRead(const std::string& file) const {
    std::shared_ptr<ArAsset> a = ArGetResolver().OpenAsset(ArResolvedPath(file));
    if (!a || a->GetSize() < 12) return false;
    char head[4];
    return a->Read(head, 4, 0) == 4 && std::memcmp(head, "PAR1", 4) == 0;
}

bool UsdParquetFileFormat::Read(SdfLayer* layer, const std::string& resolvedPath, bool metadataOnly) const {
    TRACE_FUNCTION();
    usdparquet::Options opts;
    opts.validUnicodeName = &ValidUnicodeName;
    std::string err;
    if (!ParseArguments(layer->GetFileFormatArguments(), &opts, &err)) {
        TF_RUNTIME_ERROR("Cannot open Parquet layer @%s@: %s", resolvedPath.c_str(), err.c_str());
        return false;
    }
    // An eager open asked for metadata only still reads the path column,
    // but on first need.
    if (metadataOnly) opts.deferIndex = true;
    std::shared_ptr<ArAsset> asset = ArGetResolver().OpenAsset(ArResolvedPath(resolvedPath));
    if (!asset) {
        TF_RUNTIME_ERROR("Cannot open Parquet layer @%s@: the file cannot be opened", resolvedPath.c_str());
        return false;
    }
    std::unique_ptr<usdparquet::Scene> scene;
    try {
        scene = usdparquet::Scene::Open(std::make_shared<AssetSource>(std::move(asset)), opts);
        for (const auto& p : scene->Properties())
            if (!SdfPath::IsValidNamespacedIdentifier(p.name))
                throw usdparquet::Error("property \"" + p.name + "\" is not a valid USD property name");
    } catch (const std::exception& e) {
        TF_RUNTIME_ERROR("Cannot open Parquet layer @%s@: %s", resolvedPath.c_str(), e.what());
        return false;
    }
    SdfAbstractDataRefPtr data = TfCreateRefPtr(new UsdParquetData(std::move(scene), resolvedPath));
    _SetLayerData(layer, data);
    layer->SetPermissionToEdit(false);
    layer->SetPermissionToSave(false);
    return true;
}

bool UsdParquetFileFormat::WriteToFile(const SdfLayer& layer, const std::string& filePath, const std::string&,
                                       const FileFormatArguments&) const {
    TF_RUNTIME_ERROR("Cannot write @%s@: the Parquet file format plugin is read-only (export the layer to "
                     ".usda or .usdc instead)", filePath.c_str());
    return false;
}

bool UsdParquetFileFormat::SaveToFile(const SdfLayer& layer, const std::string& filePath,
                                      const std::string& comment, const FileFormatArguments& args) const {
    return WriteToFile(layer, filePath, comment, args);
}

bool UsdParquetFileFormat::ReadFromString(SdfLayer* layer, const std::string&) const {
    TF_RUNTIME_ERROR("Cannot read a Parquet layer from a string: Parquet is a binary format");
    return false;
}

bool UsdParquetFileFormat::WriteToString(const SdfLayer& layer, std::string* str, const std::string& comment) const {
    return SdfFileFormat::FindById(SdfUsdaFileFormatTokens->Id)->WriteToString(layer, str, comment);
}

bool UsdParquetFileFormat::WriteToStream(const SdfSpecHandle& spec, std::ostream& out, size_t indent) const {
    return SdfFileFormat::FindById(SdfUsdaFileFormatTokens->Id)->WriteToStream(spec, out, indent);
}

SDF_NAMESPACE_CLOSE_SCOPE
