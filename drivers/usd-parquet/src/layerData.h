// UsdParquetData presents a Scene as an SdfAbstractData: the pseudo-root,
// one `over` prim spec per prim path (intermediate prims included), and one
// attribute spec per property of every prim that has a row, whose default
// is read on demand. Read-only: edits post a runtime error.
#pragma once

#include "scene.h"

#include <pxr/sdf/abstractData.h>
#include <pxr/sdf/path.h>
#include <pxr/tf/token.h>
#include <pxr/vt/value.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

SDF_NAMESPACE_OPEN_SCOPE

TF_DECLARE_WEAK_AND_REF_PTRS(UsdParquetData);

class UsdParquetData final : public SdfAbstractData {
public:
    UsdParquetData(std::unique_ptr<usdparquet::Scene> scene, std::string file);
    ~UsdParquetData() override;

    const usdparquet::Scene& GetScene() const { return *_scene; }

    bool StreamsData() const override { return true; }
    bool IsDetached() const override { return false; }
    bool IsEmpty() const override { return false; }

    void CreateSpec(const SdfPath& path, SdfSpecType specType) override;
    bool HasSpec(const SdfPath& path) const override;
    void EraseSpec(const SdfPath& path) override;
    void MoveSpec(const SdfPath& oldPath, const SdfPath& newPath) override;
    SdfSpecType GetSpecType(const SdfPath& path) const override;

    bool Has(const SdfPath& path, const TfToken& field, SdfAbstractDataValue* value) const override;
    bool Has(const SdfPath& path, const TfToken& field, VtValue* value = nullptr) const override;
    bool HasSpecAndField(const SdfPath& path, const TfToken& field, SdfAbstractDataValue* value,
                         SdfSpecType* specType) const override;
    bool HasSpecAndField(const SdfPath& path, const TfToken& field, VtValue* value,
                         SdfSpecType* specType) const override;
    VtValue Get(const SdfPath& path, const TfToken& field) const override;
    void Set(const SdfPath& path, const TfToken& field, const VtValue& value) override;
    void Set(const SdfPath& path, const TfToken& field, const SdfAbstractDataConstValue& value) override;
    void Erase(const SdfPath& path, const TfToken& field) override;
    std::vector<TfToken> List(const SdfPath& path) const override;

    // Time samples: an animated property's attribute specs answer these
    // from the scene's times and the property's sample columns.
    std::set<double> ListAllTimeSamples() const override;
    std::set<double> ListTimeSamplesForPath(const SdfPath& path) const override;
    bool GetBracketingTimeSamples(double time, double* tLower, double* tUpper) const override;
    size_t GetNumTimeSamplesForPath(const SdfPath& path) const override;
    bool GetBracketingTimeSamplesForPath(const SdfPath& path, double time, double* tLower,
                                         double* tUpper) const override;
    bool QueryTimeSample(const SdfPath& path, double time, VtValue* value) const override;
    bool QueryTimeSample(const SdfPath& path, double time, SdfAbstractDataValue* value) const override;
    void SetTimeSample(const SdfPath& path, double time, const VtValue& value) override;
    void EraseTimeSample(const SdfPath& path, double time) override;

protected:
    void _VisitSpecs(SdfAbstractDataSpecVisitor* visitor) const override;

private:
    struct _ThreadCache; // what a thread resolved and read last (layerData.cpp)
    static thread_local _ThreadCache _tCache;

    // What a path names: the spec type, the hierarchy node (-1 while the
    // hierarchy is not built), the row and the property column.
    struct Spec {
        SdfSpecType type = SdfSpecTypeUnknown;
        int32_t node = -1;
        int64_t row = -1;
        int col = -1;
        _ThreadCache* cache = nullptr; // property paths: the thread's entry for it
    };
    Spec _Resolve(const SdfPath& path) const;
    bool _ResolvePrim(_ThreadCache& cache, const SdfPath& primPath, Spec* s) const;
    bool _Field(const SdfPath& path, const Spec& s, const TfToken& field, VtValue* value) const;
    bool _Children(const SdfPath& path, const Spec& s, VtValue* value) const;
    // _Default reads the default at s's row, _Sample sample k;
    // _ReadBlock reads column col (the property's own, or its sample
    // column `which`; -1 for the default) from its block.
    bool _Default(const SdfPath& path, const Spec& s, VtValue* value) const;
    bool _Sample(const SdfPath& path, const Spec& s, int k, VtValue* value) const;
    bool _ReadBlock(const SdfPath& path, const Spec& s, int col, int which, VtValue* value) const;
    void _ReadFailed(const SdfPath& path, const Spec& s, int which, const char* what) const;
    bool _TimeSamples(const SdfPath& path, const Spec& s, VtValue* value) const;
    const std::vector<double>* _Times(const Spec& s) const; // an attribute's sample times, or null
    int _SampleAt(const Spec& s, double time) const;       // sample index at time, or -1
    int _FindColumn(const TfToken& name) const; // property column, or -1
    const usdparquet::Hierarchy* _Hierarchy() const;
    void _ReadOnly(const char* what, const SdfPath& path) const;

    std::unique_ptr<usdparquet::Scene> _scene;
    std::string _file;
    uint64_t _id; // tells this object apart in the per-thread lookup cache
    TfTokenVector _propTokens;
    std::vector<TfToken> _typeTokens;
    struct ColSlot {
        TfToken name;
        int col = -1; // -1: empty
    };
    std::vector<ColSlot> _colSlots; // property token -> column
    size_t _colMask = 0;

    mutable std::mutex _childMu;
    mutable std::unordered_map<int32_t, std::shared_ptr<const TfTokenVector>> _childCache;
    mutable std::atomic<bool> _hierErrorPosted{false};
};

SDF_NAMESPACE_CLOSE_SCOPE
