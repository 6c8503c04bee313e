#include "layerData.h"

#include <pxr/gf/vec3d.h>
#include <pxr/gf/vec3f.h>
#include <pxr/sdf/schema.h>
#include <pxr/sdf/types.h>
#include <pxr/tf/diagnostic.h>
#include <pxr/tf/stringUtils.h>
#include <pxr/vt/array.h>
#include <pxr/vt/value.h>

#include <algorithm>
#include <cmath>

SDF_NAMESPACE_OPEN_SCOPE

using usdparquet::Block;
using usdparquet::Hierarchy;
using usdparquet::PropType;

namespace {

std::atomic<uint64_t> gNextId{1};

} // namespace

// What a thread resolved last, so that repeated reads skip the lookups:
// the last prim (reads of several properties of one prim, or of one prim's
// property again, skip the path hashing) and the last property path, with
// the value last read from it. Each names its data object by an id that is
// never reused. The data is read-only, so a value read once stays right for
// as long as its object lives: once a property's value is read a second
// time in a row, it is kept, and later reads copy it (for strings and
// arrays, a reference, as OpenUSD's own crate data hands out) rather than
// build it again from the block. A traversal, reading each value once,
// keeps nothing.
struct UsdParquetData::_ThreadCache {
    uint64_t primOwner = 0;
    SdfPath primPath;
    int32_t node = -1;
    int64_t row = -1;
    bool primExists = false;

    uint64_t propOwner = 0;
    SdfPath propPath;
    SdfSpecType propType = SdfSpecTypeUnknown;
    int32_t propNode = -1;
    int64_t propRow = -1;
    int propCol = -1;
    bool valueRead = false; // its default was read since it was resolved
    VtValue value;          // the default, empty until kept
    int sampleIndex = -1;   // the sample read last (QueryTimeSample), or -1
    bool sampleRead = false;
    VtValue sample;         // that sample, empty until kept
};

thread_local UsdParquetData::_ThreadCache UsdParquetData::_tCache;

namespace {

// Values up to this size are kept as the thread's last value; a larger
// one (a long array) is built on every read rather than pinned by a thread.
constexpr size_t kMaxKeptValueBytes = 64 << 10;

size_t ValueBytes(const Block& b, int64_t i) {
    switch (b.type) {
    case PropType::String:
    case PropType::Token: return b.off[i + 1] - b.off[i];
    case PropType::DoubleArray: return 8 * size_t(b.off[i + 1] - b.off[i]);
    case PropType::FloatArray:
    case PropType::IntArray: return 4 * size_t(b.off[i + 1] - b.off[i]);
    case PropType::Float3Array: return 12 * size_t(b.off[i + 1] - b.off[i]);
    default: return 24;
    }
}

VtValue ToValue(const Block& b, int64_t i) {
    switch (b.type) {
    case PropType::Double: return VtValue(b.f64[i]);
    case PropType::Float: return VtValue(b.f32[i]);
    case PropType::Int: return VtValue(int(b.i32[i]));
    case PropType::Int64: return VtValue(int64_t(b.i64[i]));
    case PropType::Bool: return VtValue(bool(b.bits[i]));
    case PropType::String: return VtValue(std::string(b.StringAt(i)));
    case PropType::Token: return VtValue(TfToken(std::string(b.StringAt(i))));
    case PropType::Float3: return VtValue(GfVec3f(&b.f32[3 * i]));
    case PropType::Double3: return VtValue(GfVec3d(&b.f64[3 * i]));
    case PropType::DoubleArray:
        return VtValue(VtArray<double>(b.f64.begin() + b.off[i], b.f64.begin() + b.off[i + 1]));
    case PropType::FloatArray:
        return VtValue(VtArray<float>(b.f32.begin() + b.off[i], b.f32.begin() + b.off[i + 1]));
    case PropType::IntArray:
        return VtValue(VtArray<int>(b.i32.begin() + b.off[i], b.i32.begin() + b.off[i + 1]));
    case PropType::Float3Array: {
        const size_t lo = b.off[i], hi = b.off[i + 1];
        VtArray<GfVec3f> a(hi - lo);
        GfVec3f* out = a.data();
        for (size_t k = lo; k < hi; k++) out[k - lo] = GfVec3f(&b.f32[3 * k]);
        return VtValue(std::move(a));
    }
    default: return VtValue();
    }
}

} // namespace

UsdParquetData::UsdParquetData(std::unique_ptr<usdparquet::Scene> scene, std::string file)
    : _scene(std::move(scene)), _file(std::move(file)), _id(gNextId.fetch_add(1)) {
    for (const auto& p : _scene->Properties()) {
        _propTokens.emplace_back(p.name);
        _typeTokens.emplace_back(usdparquet::TypeName(p.type));
    }
    // An open-addressing table from property token to column, at most half
    // full; tokens hash and compare by pointer.
    size_t n = 4;
    while (n < 2 * _propTokens.size()) n *= 2;
    _colSlots.assign(n, ColSlot{});
    _colMask = n - 1;
    for (size_t c = 0; c < _propTokens.size(); c++) {
        size_t j = _propTokens[c].Hash() & _colMask;
        while (_colSlots[j].col >= 0) j = (j + 1) & _colMask;
        _colSlots[j] = ColSlot{_propTokens[c], int(c)};
    }
}

UsdParquetData::~UsdParquetData() = default;

int UsdParquetData::_FindColumn(const TfToken& name) const {
    for (size_t j = name.Hash() & _colMask;; j = (j + 1) & _colMask) {
        const ColSlot& s = _colSlots[j];
        if (s.col < 0) return -1;
        if (s.name == name) return s.col;
    }
}

const Hierarchy* UsdParquetData::_Hierarchy() const {
    try {
        return &_scene->GetHierarchy();
    } catch (const std::exception& e) {
        // Post once: every later query would repeat it.
        if (!_hierErrorPosted.exchange(true))
            TF_RUNTIME_ERROR("Parquet layer @%s@: %s", _file.c_str(), e.what());
        return nullptr;
    }
}

bool UsdParquetData::_ResolvePrim(_ThreadCache& last, const SdfPath& primPath, Spec* s) const {
    if (last.primOwner == _id && last.primPath == primPath) {
        s->node = last.node;
        s->row = last.row;
        return last.primExists;
    }
    const std::string& str = primPath.GetString();
    bool exists = false;
    s->node = -1;
    s->row = -1;
    try {
        if (_scene->UsesHashIndex() && !_scene->HierarchyReady()) {
            // Lazy: the file's hash index knows the prims that have rows;
            // any other prim (an ancestor, or none) needs the hierarchy.
            s->row = _scene->FindRow(str);
            exists = s->row >= 0;
        }
        if (!exists) {
            if (const Hierarchy* h = _Hierarchy()) {
                s->node = h->Find(str);
                exists = s->node >= 0;
                s->row = exists ? h->nodes[s->node].row : -1;
            }
        }
    } catch (const std::exception& e) {
        TF_RUNTIME_ERROR("Parquet layer @%s@: prim <%s>: %s", _file.c_str(), str.c_str(), e.what());
        return false;
    }
    last.primOwner = _id;
    last.primPath = primPath;
    last.node = s->node;
    last.row = s->row;
    last.primExists = exists;
    return exists;
}

UsdParquetData::Spec UsdParquetData::_Resolve(const SdfPath& path) const {
    Spec s;
    _ThreadCache& last = _tCache;
    if (last.propOwner == _id && last.propPath == path) {
        s.type = last.propType;
        s.node = last.propNode;
        s.row = last.propRow;
        s.col = last.propCol;
        s.cache = &last;
        return s;
    }
    if (path == SdfPath::AbsoluteRootPath()) {
        s.type = SdfSpecTypePseudoRoot;
        s.node = 0;
        return s;
    }
    if (path.IsPrimPath()) {
        if (_ResolvePrim(last, path, &s)) s.type = SdfSpecTypePrim;
        return s;
    }
    if (path.IsPrimPropertyPath()) {
        s.col = _FindColumn(path.GetNameToken());
        if (s.col < 0) return s;
        const SdfPath prim = path.GetPrimPath();
        if (_ResolvePrim(last, prim, &s) && s.row >= 0) s.type = SdfSpecTypeAttribute;
        // Remember the property path, unless its prim failed to resolve
        // with an error (then the thread's last prim is another): the next
        // read should try, and post the error, again.
        if (last.primOwner == _id && last.primPath == prim) {
            last.propOwner = _id;
            last.propPath = path;
            last.propType = s.type;
            last.propNode = s.node;
            last.propRow = s.row;
            last.propCol = s.col;
            last.valueRead = false;
            last.value = VtValue();
            if (last.sampleIndex >= 0) {
                last.sampleIndex = -1;
                last.sampleRead = false;
                last.sample = VtValue();
            }
            s.cache = &last;
        }
        return s;
    }
    return s;
}

bool UsdParquetData::HasSpec(const SdfPath& path) const {
    return _Resolve(path).type != SdfSpecTypeUnknown;
}

SdfSpecType UsdParquetData::GetSpecType(const SdfPath& path) const { return _Resolve(path).type; }

bool UsdParquetData::_Children(const SdfPath& path, const Spec& s, VtValue* value) const {
    const Hierarchy* h = _Hierarchy();
    if (!h) return false;
    int32_t node = s.node;
    if (node < 0) node = h->Find(path.GetString());
    if (node < 0 || h->nodes[node].numChildren == 0) return false;
    if (!value) return true;
    const Hierarchy::Node& n = h->nodes[node];
    const bool cache = n.numChildren >= 64;
    if (cache) {
        std::lock_guard<std::mutex> lk(_childMu);
        auto it = _childCache.find(node);
        if (it != _childCache.end()) {
            *value = VtValue(*it->second);
            return true;
        }
    }
    TfTokenVector kids;
    kids.reserve(n.numChildren);
    for (int32_t c = n.firstChild; c >= 0; c = h->nodes[c].next) kids.emplace_back(std::string(h->Name(c)));
    if (cache) {
        auto shared = std::make_shared<const TfTokenVector>(kids);
        std::lock_guard<std::mutex> lk(_childMu);
        _childCache.emplace(node, std::move(shared));
    }
    *value = VtValue(std::move(kids));
    return true;
}

// The warm paths of value reads, kept small so that they inline: a value
// this thread kept is copied; anything else goes to _ReadBlock.
inline bool UsdParquetData::_Default(const SdfPath& path, const Spec& s, VtValue* value) const {
    if (s.cache && !s.cache->value.IsEmpty()) {
        // Kept on this thread: a copy of the same value.
        if (value) *value = s.cache->value;
        return true;
    }
    return _ReadBlock(path, s, s.col, -1, value);
}

inline bool UsdParquetData::_Sample(const SdfPath& path, const Spec& s, int k, VtValue* value) const {
    _ThreadCache* const c = s.cache;
    if (c && c->sampleIndex == k && !c->sample.IsEmpty()) {
        if (value) *value = c->sample;
        return true;
    }
    return _ReadBlock(path, s, _scene->SampleColumn(s.col, k), k, value);
}

bool UsdParquetData::_ReadBlock(const SdfPath& path, const Spec& s, int col, int which, VtValue* value) const {
    int64_t g = 0, i = 0;
    _scene->Locate(s.row, &g, &i);
    usdparquet::Scene::BlockRef b;
    try {
        b = _scene->GetBlock(col, g);
    } catch (const std::exception& e) {
        _ReadFailed(path, s, which, e.what());
        return false;
    }
    if (b->IsNull(i)) {
        _ReadFailed(path, s, which, "value is null");
        return false;
    }
    if (value) {
        *value = ToValue(*b, i);
        if (_ThreadCache* const c = s.cache) {
            // Kept from the second read in a row on.
            bool* read = &c->valueRead;
            VtValue* kept = &c->value;
            if (which >= 0) {
                if (c->sampleIndex != which) {
                    c->sampleIndex = which;
                    c->sampleRead = false;
                    c->sample = VtValue();
                }
                read = &c->sampleRead;
                kept = &c->sample;
            }
            if (*read && ValueBytes(*b, i) <= kMaxKeptValueBytes) *kept = *value;
            *read = true;
        }
    }
    return true;
}

void UsdParquetData::_ReadFailed(const SdfPath& path, const Spec& s, int which, const char* what) const {
    std::string at;
    if (which >= 0) at = " at time " + TfStringify(_scene->Times(s.col)[which]);
    TF_RUNTIME_ERROR("Parquet layer @%s@: prim <%s> property '%s'%s: %s", _file.c_str(), path.GetPrimPath().GetText(),
                     path.GetName().c_str(), at.c_str(), what);
}

const std::vector<double>* UsdParquetData::_Times(const Spec& s) const {
    if (s.type != SdfSpecTypeAttribute) return nullptr;
    const std::vector<double>& t = _scene->Times(s.col);
    return t.empty() ? nullptr : &t;
}

int UsdParquetData::_SampleAt(const Spec& s, double time) const {
    const std::vector<double>* t = _Times(s);
    if (!t) return -1;
    auto it = std::lower_bound(t->begin(), t->end(), time);
    return it != t->end() && *it == time ? int(it - t->begin()) : -1;
}

// The whole timeSamples field, for hosts that ask for it (SdfLayer's
// GetField, export): every sample of the attribute, read as QueryTimeSample
// reads one.
bool UsdParquetData::_TimeSamples(const SdfPath& path, const Spec& s, VtValue* value) const {
    const std::vector<double>* t = _Times(s);
    if (!t) return false;
    if (!value) return true;
    SdfTimeSampleMap m;
    Spec plain = s;
    plain.cache = nullptr; // a whole map is not a repeated read of one value
    for (size_t k = 0; k < t->size(); k++) {
        VtValue v;
        if (!_Sample(path, plain, int(k), &v)) return false;
        m.emplace_hint(m.end(), (*t)[k], std::move(v));
    }
    *value = VtValue(std::move(m));
    return true;
}

namespace {

// Bracket finds the samples around time in ascending times, as SdfData
// does: both the first (last) sample at or before (after) the ends, both
// the sample at an exact time, else the neighbours. False without samples,
// and for a NaN time, which has no place among them.
bool Bracket(const std::vector<double>& t, double time, double* lo, double* hi) {
    if (t.empty() || std::isnan(time)) return false;
    if (time <= t.front()) {
        *lo = *hi = t.front();
    } else if (time >= t.back()) {
        *lo = *hi = t.back();
    } else {
        auto it = std::lower_bound(t.begin(), t.end(), time);
        if (*it == time) {
            *lo = *hi = time;
        } else {
            *hi = *it;
            *lo = *(it - 1);
        }
    }
    return true;
}

} // namespace

std::set<double> UsdParquetData::ListAllTimeSamples() const {
    if (_scene->Rows() == 0) return {};
    const std::vector<double>& t = _scene->AllTimes();
    return std::set<double>(t.begin(), t.end());
}

std::set<double> UsdParquetData::ListTimeSamplesForPath(const SdfPath& path) const {
    const std::vector<double>* t = _Times(_Resolve(path));
    return t ? std::set<double>(t->begin(), t->end()) : std::set<double>();
}

size_t UsdParquetData::GetNumTimeSamplesForPath(const SdfPath& path) const {
    const std::vector<double>* t = _Times(_Resolve(path));
    return t ? t->size() : 0;
}

bool UsdParquetData::GetBracketingTimeSamples(double time, double* tLower, double* tUpper) const {
    return _scene->Rows() > 0 && Bracket(_scene->AllTimes(), time, tLower, tUpper);
}

bool UsdParquetData::GetBracketingTimeSamplesForPath(const SdfPath& path, double time, double* tLower,
                                                     double* tUpper) const {
    const std::vector<double>* t = _Times(_Resolve(path));
    return t && Bracket(*t, time, tLower, tUpper);
}

bool UsdParquetData::QueryTimeSample(const SdfPath& path, double time, VtValue* value) const {
    const Spec s = _Resolve(path);
    const int k = _SampleAt(s, time);
    return k >= 0 && _Sample(path, s, k, value);
}

bool UsdParquetData::QueryTimeSample(const SdfPath& path, double time, SdfAbstractDataValue* value) const {
    const Spec s = _Resolve(path);
    const int k = _SampleAt(s, time);
    if (k < 0) return false;
    if (!value) return _Sample(path, s, k, nullptr);
    VtValue v;
    return _Sample(path, s, k, &v) && value->StoreValue(std::move(v));
}

bool UsdParquetData::_Field(const SdfPath& path, const Spec& s, const TfToken& field, VtValue* value) const {
    switch (s.type) {
    case SdfSpecTypePseudoRoot:
        if (field == SdfChildrenKeys->PrimChildren) return _Children(path, s, value);
        return false;
    case SdfSpecTypePrim:
        if (field == SdfFieldKeys->Specifier) {
            if (value) *value = VtValue(SdfSpecifierOver);
            return true;
        }
        if (field == SdfChildrenKeys->PrimChildren) return _Children(path, s, value);
        if (field == SdfChildrenKeys->PropertyChildren) {
            if (s.row < 0 || _propTokens.empty()) return false;
            if (value) *value = VtValue(_propTokens);
            return true;
        }
        return false;
    case SdfSpecTypeAttribute:
        if (field == SdfFieldKeys->Default) return _Default(path, s, value);
        if (field == SdfFieldKeys->TimeSamples) return _TimeSamples(path, s, value);
        if (field == SdfFieldKeys->TypeName) {
            if (value) *value = VtValue(_typeTokens[s.col]);
            return true;
        }
        if (field == SdfFieldKeys->Custom) {
            if (value) *value = VtValue(false);
            return true;
        }
        if (field == SdfFieldKeys->Variability) {
            if (value) *value = VtValue(SdfVariabilityVarying);
            return true;
        }
        return false;
    default:
        return false;
    }
}

bool UsdParquetData::Has(const SdfPath& path, const TfToken& field, VtValue* value) const {
    return _Field(path, _Resolve(path), field, value);
}

bool UsdParquetData::Has(const SdfPath& path, const TfToken& field, SdfAbstractDataValue* value) const {
    if (!value) return _Field(path, _Resolve(path), field, nullptr);
    VtValue v;
    if (!_Field(path, _Resolve(path), field, &v)) return false;
    return value->StoreValue(std::move(v));
}

bool UsdParquetData::HasSpecAndField(const SdfPath& path, const TfToken& field, VtValue* value,
                                     SdfSpecType* specType) const {
    const Spec s = _Resolve(path);
    *specType = s.type;
    return s.type != SdfSpecTypeUnknown && _Field(path, s, field, value);
}

bool UsdParquetData::HasSpecAndField(const SdfPath& path, const TfToken& field, SdfAbstractDataValue* value,
                                     SdfSpecType* specType) const {
    const Spec s = _Resolve(path);
    *specType = s.type;
    if (s.type == SdfSpecTypeUnknown) return false;
    if (!value) return _Field(path, s, field, nullptr);
    VtValue v;
    if (!_Field(path, s, field, &v)) return false;
    return value->StoreValue(std::move(v));
}

VtValue UsdParquetData::Get(const SdfPath& path, const TfToken& field) const {
    VtValue v;
    _Field(path, _Resolve(path), field, &v);
    return v;
}

std::vector<TfToken> UsdParquetData::List(const SdfPath& path) const {
    const Spec s = _Resolve(path);
    std::vector<TfToken> out;
    switch (s.type) {
    case SdfSpecTypePseudoRoot:
        if (_Children(path, s, nullptr)) out.push_back(SdfChildrenKeys->PrimChildren);
        break;
    case SdfSpecTypePrim:
        out.push_back(SdfFieldKeys->Specifier);
        if (_Children(path, s, nullptr)) out.push_back(SdfChildrenKeys->PrimChildren);
        if (s.row >= 0 && !_propTokens.empty()) out.push_back(SdfChildrenKeys->PropertyChildren);
        break;
    case SdfSpecTypeAttribute:
        out = {SdfFieldKeys->TypeName, SdfFieldKeys->Custom, SdfFieldKeys->Variability, SdfFieldKeys->Default};
        if (_Times(s)) out.push_back(SdfFieldKeys->TimeSamples);
        break;
    default:
        break;
    }
    return out;
}

void UsdParquetData::_VisitSpecs(SdfAbstractDataSpecVisitor* visitor) const {
    if (!visitor->VisitSpec(*this, SdfPath::AbsoluteRootPath())) return;
    const Hierarchy* h = _Hierarchy();
    if (!h) return;
    // Depth first, so that each prim path is built from its parent's.
    std::vector<int32_t> stack;
    auto pushChildren = [&](int32_t n) {
        const size_t at = stack.size();
        for (int32_t c = h->nodes[n].firstChild; c >= 0; c = h->nodes[c].next) stack.push_back(c);
        std::reverse(stack.begin() + at, stack.end());
    };
    std::vector<SdfPath> paths(h->nodes.size());
    paths[0] = SdfPath::AbsoluteRootPath();
    pushChildren(0);
    while (!stack.empty()) {
        const int32_t n = stack.back();
        stack.pop_back();
        const Hierarchy::Node& node = h->nodes[n];
        const SdfPath path = paths[node.parent].AppendChild(TfToken(std::string(h->Name(n))));
        if (!visitor->VisitSpec(*this, path)) return;
        if (node.row >= 0)
            for (const TfToken& p : _propTokens)
                if (!visitor->VisitSpec(*this, path.AppendProperty(p))) return;
        if (node.firstChild >= 0) {
            paths[n] = path;
            pushChildren(n);
        }
    }
}

void UsdParquetData::_ReadOnly(const char* what, const SdfPath& path) const {
    TF_RUNTIME_ERROR("Cannot %s <%s>: @%s@ is a read-only Parquet layer", what, path.GetText(), _file.c_str());
}

void UsdParquetData::CreateSpec(const SdfPath& path, SdfSpecType) { _ReadOnly("create a spec at", path); }
void UsdParquetData::EraseSpec(const SdfPath& path) { _ReadOnly("erase the spec at", path); }
void UsdParquetData::MoveSpec(const SdfPath& oldPath, const SdfPath&) { _ReadOnly("move the spec at", oldPath); }
void UsdParquetData::Set(const SdfPath& path, const TfToken&, const VtValue&) { _ReadOnly("set a field on", path); }
void UsdParquetData::Set(const SdfPath& path, const TfToken&, const SdfAbstractDataConstValue&) {
    _ReadOnly("set a field on", path);
}
void UsdParquetData::Erase(const SdfPath& path, const TfToken&) { _ReadOnly("erase a field on", path); }
void UsdParquetData::SetTimeSample(const SdfPath& path, double, const VtValue&) {
    _ReadOnly("set a time sample on", path);
}
void UsdParquetData::EraseTimeSample(const SdfPath& path, double) { _ReadOnly("erase a time sample on", path); }

SDF_NAMESPACE_CLOSE_SCOPE
