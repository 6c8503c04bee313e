// sdfdump: opens a layer through SdfLayer::FindOrOpen, with file format
// arguments from the command line, and prints it the way `runner cat -json`
// prints a file: one JSON object per attribute default, prims in layer
// order, properties in their order, numbers formatted as Go formats them.
// It is the test and timing host for the usdParquet plugin (load it with
// PXR_PLUGINPATH_NAME=<build>/plugin) and works on any layer Sdf can open.
//
//   sdfdump [-a KEY=VALUE]... [-threads N] FILE    JSON lines (default); with
//                  -threads, N threads dump at once and must agree
//   sdfdump ... -reads K ...                       with a dump or -get: read each
//                  value K times in a row; every read must give the first's
//   sdfdump ... -samples ...                       with a dump: after each
//                  attribute's line, one line per time sample (time order,
//                  SdfLayer::QueryTimeSample) with "time" before "value"
//   sdfdump [-a KEY=VALUE]... -paths FILE          prim paths, layer order
//   sdfdump [-a KEY=VALUE]... -specs FILE          every spec, as SdfLayer::Traverse visits them
//   sdfdump [-a KEY=VALUE]... -get PRIM PROP FILE  one attribute as a JSON line
//   sdfdump [-a KEY=VALUE]... -time PRIM PROP [-n N] [-warm FILE2] FILE
//                  one JSON object: start-up, open, cold and warm get times;
//                  with -has, the warm reads are the openusd-cpp driver's:
//                  SdfLayer::HasField into one reused VtValue, then a check
//                  that it holds no SdfValueBlock
//   sdfdump ... -at T ...                          with -get or -time: read the
//                  time sample at time T (SdfLayer::QueryTimeSample) instead
//                  of the default; with -get the line also gives "time"
//   sdfdump [-a KEY=VALUE]... -export OUT FILE     SdfLayer::Export to OUT
//   sdfdump [-a KEY=VALUE]... -edit FILE           try to edit and save the
//                  layer; exits 1 when OpenUSD refuses (a read-only layer)
//
// Exit status: 0 success, 1 the layer failed to open or a read failed (the
// errors, naming the file, on stderr), 2 bad usage.
#include <pxr/ar/resolver.h>
#include <pxr/gf/vec3d.h>
#include <pxr/gf/vec3f.h>
#include <pxr/sdf/fileFormat.h>
#include <pxr/sdf/layer.h>
#include <pxr/sdf/path.h>
#include <pxr/sdf/primSpec.h>
#include <pxr/sdf/schema.h>
#include <pxr/sdf/types.h>
#include <pxr/tf/errorMark.h>
#include <pxr/tf/token.h>
#include <pxr/vt/array.h>
#include <pxr/vt/value.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace pxr;

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// ---- JSON text exactly as formats/cat prints it --------------------------

// AppendFloat prints x as Go's strconv.AppendFloat(b, x, 'g', -1, bits)
// does: the shortest digits that round-trip, in %e form when the decimal
// exponent is below -4 or at least 6 (shortest %g uses precision 6 for that
// choice), else in %f form. NaN and infinities print as the strings "nan",
// "inf" and "-inf".
void AppendFloat(std::string& b, double x, bool is32) {
    if (std::isnan(x)) { b += "\"nan\""; return; }
    if (std::isinf(x)) { b += x > 0 ? "\"inf\"" : "\"-inf\""; return; }
    char buf[64];
    std::to_chars_result r = is32 ? std::to_chars(buf, buf + sizeof buf, float(x), std::chars_format::scientific)
                                  : std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    // buf holds [-]d[.ddd]e(+|-)dd
    std::string_view s(buf, r.ptr - buf);
    bool neg = false;
    if (s[0] == '-') { neg = true; s.remove_prefix(1); }
    const size_t e = s.find('e');
    std::string digits;
    for (char c : s.substr(0, e)) if (c != '.') digits += c;
    int exp = 0;
    std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp);
    if (neg) b += '-';
    const int nd = int(digits.size());
    if (exp < -4 || exp >= 6) {
        b += digits[0];
        if (nd > 1) { b += '.'; b.append(digits, 1, std::string::npos); }
        b += 'e';
        b += exp < 0 ? '-' : '+';
        int ax = exp < 0 ? -exp : exp;
        if (ax < 10) b += '0';
        b += std::to_string(ax);
        return;
    }
    const int dp = exp + 1; // digits before the decimal point
    if (dp <= 0) {
        b += "0.";
        b.append(size_t(-dp), '0');
        b += digits;
    } else if (dp >= nd) {
        b += digits;
        b.append(size_t(dp - nd), '0');
    } else {
        b.append(digits, 0, dp);
        b += '.';
        b.append(digits, dp, std::string::npos);
    }
}

// DecodeRune decodes one UTF-8 sequence as Go's utf8.DecodeRuneInString:
// size 1 and -1 for invalid input.
int DecodeRune(const unsigned char* p, size_t n, int* size) {
    unsigned char c = p[0];
    auto cont = [&](size_t i) { return i < n && (p[i] & 0xC0) == 0x80; };
    if (c < 0x80) { *size = 1; return c; }
    if (c >= 0xC2 && c <= 0xDF && cont(1)) { *size = 2; return (c & 0x1F) << 6 | (p[1] & 0x3F); }
    if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
        int r = (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        if (r >= 0x800 && !(r >= 0xD800 && r <= 0xDFFF)) { *size = 3; return r; }
    }
    if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
        int r = (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
        if (r >= 0x10000 && r <= 0x10FFFF) { *size = 4; return r; }
    }
    *size = 1;
    return -1;
}

void AppendString(std::string& b, const std::string& s) {
    static const char hex[] = "0123456789abcdef";
    b += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (size_t i = 0; i < s.size();) {
        unsigned char c = p[i];
        if (c < 0x80) {
            if (c == '"' || c == '\\') { b += '\\'; b += char(c); }
            else if (c == '\n') b += "\\n";
            else if (c == '\r') b += "\\r";
            else if (c == '\t') b += "\\t";
            else if (c < 0x20 || c == 0x7f) { b += "\\u00"; b += hex[c >> 4]; b += hex[c & 15]; }
            else b += char(c);
            i++;
            continue;
        }
        int size;
        int r = DecodeRune(p + i, s.size() - i, &size);
        if (r < 0) b += "\\ufffd";
        else if (r == 0x2028 || r == 0x2029) { b += "\\u202"; b += hex[r & 15]; }
        else b.append(s, i, size);
        i += size;
    }
    b += '"';
}

template <typename T>
void AppendVec3(std::string& b, const T& v, bool is32) {
    b += '[';
    for (int k = 0; k < 3; k++) {
        if (k) b += ',';
        AppendFloat(b, double(v[k]), is32);
    }
    b += ']';
}

bool AppendValue(std::string& b, const VtValue& v) {
    if (v.IsHolding<double>()) AppendFloat(b, v.UncheckedGet<double>(), false);
    else if (v.IsHolding<float>()) AppendFloat(b, v.UncheckedGet<float>(), true);
    else if (v.IsHolding<int>()) b += std::to_string(v.UncheckedGet<int>());
    else if (v.IsHolding<int64_t>()) b += std::to_string(v.UncheckedGet<int64_t>());
    else if (v.IsHolding<bool>()) b += v.UncheckedGet<bool>() ? "true" : "false";
    else if (v.IsHolding<std::string>()) AppendString(b, v.UncheckedGet<std::string>());
    else if (v.IsHolding<TfToken>()) AppendString(b, v.UncheckedGet<TfToken>().GetString());
    else if (v.IsHolding<GfVec3f>()) AppendVec3(b, v.UncheckedGet<GfVec3f>(), true);
    else if (v.IsHolding<GfVec3d>()) AppendVec3(b, v.UncheckedGet<GfVec3d>(), false);
    else if (v.IsHolding<VtArray<double>>() || v.IsHolding<VtArray<float>>()) {
        const bool is32 = v.IsHolding<VtArray<float>>();
        b += '[';
        auto each = [&](const auto& a) {
            for (size_t i = 0; i < a.size(); i++) {
                if (i) b += ',';
                AppendFloat(b, double(a[i]), is32);
            }
        };
        if (is32) each(v.UncheckedGet<VtArray<float>>());
        else each(v.UncheckedGet<VtArray<double>>());
        b += ']';
    } else if (v.IsHolding<VtArray<int>>()) {
        const auto& a = v.UncheckedGet<VtArray<int>>();
        b += '[';
        for (size_t i = 0; i < a.size(); i++) {
            if (i) b += ',';
            b += std::to_string(a[i]);
        }
        b += ']';
    } else if (v.IsHolding<VtArray<GfVec3f>>()) {
        const auto& a = v.UncheckedGet<VtArray<GfVec3f>>();
        b += '[';
        for (size_t i = 0; i < a.size(); i++) {
            if (i) b += ',';
            AppendVec3(b, a[i], true);
        }
        b += ']';
    } else {
        return false;
    }
    return true;
}

// ---- the program ---------------------------------------------------------

const char* gFile = "";

[[noreturn]] void Usage(const char* msg) {
    std::fprintf(stderr,
                 "sdfdump: %s\nusage: sdfdump [-a KEY=VALUE]... [-paths | -specs | -get PRIM PROP | "
                 "-time PRIM PROP [-n N] [-has]] [-at T] FILE\n",
                 msg);
    std::exit(2);
}

// Fail prints the errors OpenUSD posted (or msg) and exits 1.
[[noreturn]] void Fail(TfErrorMark& m, const std::string& msg) {
    bool any = false;
    for (const TfError& e : m) {
        std::fprintf(stderr, "sdfdump: %s\n", e.GetCommentary().c_str());
        any = true;
    }
    m.Clear();
    if (!any || !msg.empty()) std::fprintf(stderr, "sdfdump: %s: %s\n", gFile, msg.c_str());
    std::fflush(stdout);
    std::_Exit(1);
}

void Flush(std::string& out, bool force) {
    if (out.size() > (1 << 16) || (force && !out.empty())) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    }
}

long RssKiB() {
    long pages = 0, rss = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
        std::fclose(f);
    }
    return rss * 4;
}

// Prims in layer order: depth first through primChildren.
template <typename Fn>
void EachPrim(const SdfLayerHandle& layer, Fn fn) {
    std::vector<SdfPath> stack;
    auto push = [&](const SdfPath& p) {
        TfTokenVector kids = layer->GetFieldAs<TfTokenVector>(p, SdfChildrenKeys->PrimChildren);
        for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(p.AppendChild(*it));
    };
    push(SdfPath::AbsoluteRootPath());
    while (!stack.empty()) {
        SdfPath p = stack.back();
        stack.pop_back();
        fn(p);
        push(p);
    }
}

// Times each attribute's default is read in a row (-reads): every read
// must give what the first gave, a value or a failure.
int gReads = 1;
// Whether a dump prints each attribute's time samples too (-samples).
bool gSamples = false;

bool AppendAttribute(std::string& out, const SdfLayerHandle& layer, const SdfPath& prim, const TfToken& prop,
                     std::string* err) {
    const SdfPath attr = prim.AppendProperty(prop);
    const TfToken type = layer->GetFieldAs<TfToken>(attr, SdfFieldKeys->TypeName);
    std::string first;
    for (int r = 0; r < gReads; r++) {
        const VtValue v = layer->GetField(attr, SdfFieldKeys->Default);
        std::string text;
        if (!v.IsEmpty() && !AppendValue(text, v)) {
            *err = "<" + attr.GetString() + "> holds a " + v.GetTypeName() + ", which sdfdump cannot print";
            return false;
        }
        if (r == 0) {
            first = std::move(text);
        } else if (text != first) {
            *err = "read " + std::to_string(r + 1) + " of <" + attr.GetString() + "> gave " +
                   (text.empty() ? std::string("nothing") : text) + ", the first " +
                   (first.empty() ? std::string("nothing") : first);
            return false;
        }
    }
    if (first.empty()) {
        *err = "no default value at <" + attr.GetString() + ">";
        return false;
    }
    out += "{\"path\":";
    AppendString(out, prim.GetString());
    out += ",\"property\":";
    AppendString(out, prop.GetString());
    out += ",\"type\":\"";
    out += type.GetString();
    out += "\",\"value\":";
    out += first;
    out += "}\n";
    if (gSamples) {
        for (double t : layer->ListTimeSamplesForPath(attr)) {
            std::string text;
            for (int r = 0; r < gReads; r++) {
                VtValue v;
                std::string again;
                if (!layer->QueryTimeSample(attr, t, &v) || !AppendValue(again, v)) {
                    *err = "no time sample at " + std::to_string(t) + " on <" + attr.GetString() + ">";
                    return false;
                }
                if (r == 0) {
                    text = std::move(again);
                } else if (again != text) {
                    *err = "read " + std::to_string(r + 1) + " of <" + attr.GetString() + "> at " +
                           std::to_string(t) + " gave " + again + ", the first " + text;
                    return false;
                }
            }
            out += "{\"path\":";
            AppendString(out, prim.GetString());
            out += ",\"property\":";
            AppendString(out, prop.GetString());
            out += ",\"type\":\"";
            out += type.GetString();
            out += "\",\"time\":";
            AppendFloat(out, t, false);
            out += ",\"value\":";
            out += text;
            out += "}\n";
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    SdfLayer::FileFormatArguments args;
    std::string mode = "json", prim, prop;
    long repeats = 1000;
    std::string warmFile;
    int threads = 1;
    bool viaHas = false;
    bool atSet = false;
    double atTime = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        std::string a = argv[i];
        if (a == "-a" || a == "--arg") {
            if (++i >= argc) Usage("-a needs KEY=VALUE");
            std::string kv = argv[i];
            size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) Usage("-a needs KEY=VALUE");
            args[kv.substr(0, eq)] = kv.substr(eq + 1);
        } else if (a == "-paths" || a == "-specs" || a == "-json" || a == "-edit") {
            mode = a.substr(1);
        } else if (a == "-export") {
            if (++i >= argc) Usage("-export needs an output FILE");
            mode = "export";
            prim = argv[i];
        } else if (a == "-get" || a == "-time") {
            if (i + 2 >= argc) Usage((a + " needs PRIM PROPERTY").c_str());
            mode = a.substr(1);
            prim = argv[++i];
            prop = argv[++i];
        } else if (a == "-at") {
            if (++i >= argc) Usage("-at needs a time");
            char* end = nullptr;
            atTime = std::strtod(argv[i], &end);
            if (end == argv[i] || *end || !std::isfinite(atTime)) Usage("-at needs a finite time");
            atSet = true;
        } else if (a == "-samples") {
            gSamples = true;
        } else if (a == "-has") {
            viaHas = true;
        } else if (a == "-warm") {
            if (++i >= argc) Usage("-warm needs a FILE");
            warmFile = argv[i];
        } else if (a == "-threads") {
            if (++i >= argc || (threads = std::atoi(argv[i])) <= 0) Usage("-threads needs a positive count");
        } else if (a == "-reads") {
            if (++i >= argc || (gReads = std::atoi(argv[i])) <= 0) Usage("-reads needs a positive count");
        } else if (a == "-n") {
            if (++i >= argc || (repeats = std::atol(argv[i])) <= 0) Usage("-n needs a positive count");
        } else if (a == "-h" || a == "-help" || a == "--help") {
            Usage("help");
        } else {
            Usage(("unknown flag " + a).c_str());
        }
    }
    if (i != argc - 1) Usage("one FILE expected");
    gFile = argv[i];
    const std::string file = gFile;

    TfErrorMark mark;
    // Library start-up (the plugin registry, file format plugins and their
    // libraries) is kept out of the open's time.
    const auto t0 = Clock::now();
    ArGetResolver();
    SdfFileFormat::FindByExtension(file, args);
    const double startupMs = Ms(Clock::now() - t0);
    // -warm: open another file of the same format and read one value from
    // it first, so that one-time costs of the format's first use (Arrow's
    // codecs, Sdf's first layer) fall outside the timed open and reads.
    double warmMs = 0;
    if (!warmFile.empty()) {
        const auto w0 = Clock::now();
        SdfLayerRefPtr w = SdfLayer::FindOrOpen(warmFile, args);
        if (!w || !mark.IsClean()) Fail(mark, "cannot open the -warm layer " + warmFile);
        std::string sink, e;
        bool done = false;
        EachPrim(w, [&](const SdfPath& p) {
            if (done) return;
            for (const TfToken& name : w->GetFieldAs<TfTokenVector>(p, SdfChildrenKeys->PropertyChildren)) {
                AppendAttribute(sink, w, p, name, &e);
                done = true;
                break;
            }
        });
        warmMs = Ms(Clock::now() - w0);
    }

    const auto t1 = Clock::now();
    SdfLayerRefPtr layer = SdfLayer::FindOrOpen(file, args);
    const double openMs = Ms(Clock::now() - t1);
    if (!layer || !mark.IsClean()) Fail(mark, layer ? "" : "cannot open the layer");
    const long rssOpen = RssKiB();

    std::string out;
    std::string err;
    if (mode == "json" && threads > 1) {
        // The same dump from several threads at once, all starting on the
        // fresh layer (hierarchy, index buckets and blocks loaded under
        // contention): every thread must print the same text, printed once.
        std::vector<std::string> outs(threads), errs(threads);
        std::vector<std::thread> pool;
        std::atomic<int> ready{0};
        for (int k = 0; k < threads; k++) {
            pool.emplace_back([&, k] {
                TfErrorMark m;
                ready++;
                while (ready.load() < threads) {}
                EachPrim(layer, [&](const SdfPath& p) {
                    if (!errs[k].empty()) return;
                    for (const TfToken& name :
                         layer->GetFieldAs<TfTokenVector>(p, SdfChildrenKeys->PropertyChildren))
                        if (!AppendAttribute(outs[k], layer, p, name, &errs[k])) return;
                });
                for (const TfError& e : m) errs[k] += e.GetCommentary() + "\n";
                m.Clear();
            });
        }
        for (auto& t : pool) t.join();
        for (int k = 0; k < threads; k++) {
            if (!errs[k].empty()) Fail(mark, "thread " + std::to_string(k) + ": " + errs[k]);
            if (outs[k] != outs[0]) Fail(mark, "thread " + std::to_string(k) + " read other values than thread 0");
        }
        out = std::move(outs[0]);
    } else if (mode == "json") {
        bool ok = true;
        EachPrim(layer, [&](const SdfPath& p) {
            if (!ok) return;
            for (const TfToken& name : layer->GetFieldAs<TfTokenVector>(p, SdfChildrenKeys->PropertyChildren)) {
                if (!AppendAttribute(out, layer, p, name, &err) || !mark.IsClean()) {
                    ok = false;
                    return;
                }
            }
            Flush(out, false);
        });
        if (!ok || !mark.IsClean()) { Flush(out, true); Fail(mark, err); }
    } else if (mode == "paths") {
        EachPrim(layer, [&](const SdfPath& p) {
            out += p.GetString();
            out += '\n';
            Flush(out, false);
        });
    } else if (mode == "specs") {
        layer->Traverse(SdfPath::AbsoluteRootPath(), [&](const SdfPath& p) {
            out += p.GetString();
            out += '\n';
            Flush(out, false);
        });
    } else if (mode == "get" && atSet) {
        if (!SdfPath::IsValidPathString(prim)) Usage("PRIM is not a path");
        const SdfPath attr = SdfPath(prim).AppendProperty(TfToken(prop));
        VtValue v;
        std::string text;
        if (!layer->QueryTimeSample(attr, atTime, &v) || !mark.IsClean())
            Fail(mark, "no time sample at " + std::to_string(atTime) + " on <" + attr.GetString() + ">");
        if (!AppendValue(text, v)) Fail(mark, "<" + attr.GetString() + "> holds a " + v.GetTypeName());
        out += "{\"path\":";
        AppendString(out, prim);
        out += ",\"property\":";
        AppendString(out, prop);
        out += ",\"time\":";
        AppendFloat(out, atTime, false);
        out += ",\"value\":" + text + "}\n";
    } else if (mode == "get") {
        if (!SdfPath::IsValidPathString(prim)) Usage("PRIM is not a path");
        if (!AppendAttribute(out, layer, SdfPath(prim), TfToken(prop), &err)) { Flush(out, true); Fail(mark, err); }
    } else if (mode == "export") {
        if (!layer->Export(prim) || !mark.IsClean()) Fail(mark, "cannot export to " + prim);
    } else if (mode == "edit") {
        // Every edit must be refused with an error, and leave the layer as
        // it was.
        SdfPath attr;
        EachPrim(layer, [&](const SdfPath& p) {
            if (!attr.IsEmpty()) return;
            for (const TfToken& name : layer->GetFieldAs<TfTokenVector>(p, SdfChildrenKeys->PropertyChildren)) {
                attr = p.AppendProperty(name);
                break;
            }
        });
        if (attr.IsEmpty()) Fail(mark, "no attribute to edit");
        const VtValue before = layer->GetField(attr, SdfFieldKeys->Default);
        layer->SetField(attr, SdfFieldKeys->Default, VtValue(std::string("edited")));
        layer->EraseField(attr, SdfFieldKeys->Default);
        SdfPrimSpec::New(layer->GetPseudoRoot(), "Edited", SdfSpecifierDef);
        layer->Save(/*force=*/true);
        const bool refused = !mark.IsClean();
        const bool unchanged = layer->GetField(attr, SdfFieldKeys->Default) == before &&
                               !layer->HasSpec(SdfPath("/Edited"));
        if (!unchanged) {
            std::fprintf(stderr, "sdfdump: %s: an edit went through\n", gFile);
            std::_Exit(3);
        }
        if (refused) Fail(mark, "edits refused");
        std::fprintf(stderr, "sdfdump: %s: edits raised no error\n", gFile);
        std::_Exit(3);
    } else if (mode == "time") {
        if (!SdfPath::IsValidPathString(prim)) Usage("PRIM is not a path");
        const SdfPath attr = SdfPath(prim).AppendProperty(TfToken(prop));
        const auto c0 = Clock::now();
        VtValue v;
        if (atSet) layer->QueryTimeSample(attr, atTime, &v);
        else v = layer->GetField(attr, SdfFieldKeys->Default);
        const double coldUs = Ms(Clock::now() - c0) * 1000;
        if (v.IsEmpty() || !mark.IsClean()) Fail(mark, "no value at <" + attr.GetString() + ">");
        // Warm: batches of N reads; the median batch's time per read.
        std::vector<double> per;
        for (int k = 0; k < 7; k++) {
            const auto w0 = Clock::now();
            if (atSet) {
                for (long j = 0; j < repeats; j++)
                    if (!layer->QueryTimeSample(attr, atTime, &v))
                        Fail(mark, "no time sample at <" + attr.GetString() + ">");
            } else if (viaHas) {
                for (long j = 0; j < repeats; j++)
                    if (!layer->HasField(attr, SdfFieldKeys->Default, &v) || v.IsHolding<SdfValueBlock>())
                        Fail(mark, "no value at <" + attr.GetString() + ">");
            } else {
                for (long j = 0; j < repeats; j++) v = layer->GetField(attr, SdfFieldKeys->Default);
            }
            per.push_back(Ms(Clock::now() - w0) * 1000 / double(repeats));
        }
        std::sort(per.begin(), per.end());
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "{\"file\":\"%s\",\"startup_ms\":%.3f,\"warm_ms\":%.3f,\"open_ms\":%.4f,\"cold_get_us\":%.2f,"
                      "\"warm_get_us\":%.4f,\"rss_open_kib\":%ld,\"rss_end_kib\":%ld,\"value\":",
                      file.c_str(), startupMs, warmMs, openMs, coldUs, per[per.size() / 2], rssOpen, RssKiB());
        out += buf;
        AppendValue(out, v);
        if (atSet) {
            out += ",\"at\":";
            AppendFloat(out, atTime, false);
        }
        out += "}\n";
    }
    Flush(out, true);
    std::fflush(stdout);
    if (!mark.IsClean()) Fail(mark, "");
    // Skip static destruction of the whole library stack: exit as soon as
    // the output is out.
    std::_Exit(0);
}
