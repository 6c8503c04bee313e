"""Writes scene.usdc, the layer examples/source-dataset.hcl imports, with
OpenUSD (usd-core): a small set-dressing layer of the kind users bring.

Usage: make_scene.py OUT.usdc

It holds what real assets hold and the scene model has to deal with:
meshes with points, normals, UVs (texCoord2f[]), face counts and indices,
display colours and extents; transforms as translate/orient/scale and as a
matrix, with xformOpOrder (uniform token[]); material bindings
(relationships) and a texture (asset); "radius" as a float on some prims
and a double on others; attributes declared without a value, animated with
time samples only, or blocked; types the scene model does not carry
(quatf[], matrix3d, half3, uchar); and a variant set.
"""
import sys

from pxr import Gf, Sdf, Vt


def attr(prim, name, tn, value=None, uniform=False):
    a = Sdf.AttributeSpec(prim, name, Sdf.ValueTypeNames.Find(tn),
                          Sdf.VariabilityUniform if uniform else Sdf.VariabilityVarying)
    if value is not None:
        a.default = value
    return a


def prim(layer, path, type_name):
    p = Sdf.CreatePrimInLayer(layer, path)
    p.specifier = Sdf.SpecifierDef
    p.typeName = type_name
    return p


def main(out):
    layer = Sdf.Layer.CreateNew(out)
    layer.defaultPrim = "Room"
    layer.pseudoRoot.SetInfo("upAxis", "Y")
    layer.pseudoRoot.SetInfo("metersPerUnit", 0.01)
    room = prim(layer, "/Room", "Xform")
    room.kind = "assembly"
    looks = prim(layer, "/Room/Looks", "Scope")
    mat = prim(layer, "/Room/Looks/Wood", "Material")
    tex = prim(layer, "/Room/Looks/Wood/Texture", "Shader")
    attr(tex, "inputs:file", "asset", Sdf.AssetPath("textures/wood_albedo.png"))
    attr(tex, "info:id", "token", "UsdUVTexture", uniform=True)
    a = attr(tex, "inputs:st", "float2")
    a.connectionPathList.explicitItems.append("/Room/Looks/Wood/Reader.outputs:result")
    for i in range(12):
        x = prim(layer, "/Room/Props/Item_%d" % i, "Xform")
        attr(x, "xformOp:translate", "double3", Gf.Vec3d(i * 1.5, 0, -i * 0.25))
        if i % 3 == 0:
            attr(x, "xformOp:orient", "quatf", Gf.Quatf(0.92388, 0, 0.38268, 0))
            attr(x, "xformOp:scale", "float3", Gf.Vec3f(1, 1.5, 1))
            attr(x, "xformOpOrder", "token[]", Vt.TokenArray(["xformOp:translate", "xformOp:orient", "xformOp:scale"]), uniform=True)
        else:
            attr(x, "xformOp:transform", "matrix4d",
                 Gf.Matrix4d(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, i, 0.5, 2 * i, 1))
            attr(x, "xformOpOrder", "token[]", Vt.TokenArray(["xformOp:translate", "xformOp:transform"]), uniform=True)
        # one name, two types: what merged assets carry
        if i % 2 == 0:
            attr(x, "radius", "float", 0.5 + i)
        else:
            attr(x, "radius", "double", 1.0 / 3 + i)
        attr(x, "userProperties:cost", "double", 100.0 + 7.5 * i)
        attr(x, "userProperties:tag", "string", "prop-%02d" % i)
        if i % 4 == 1:
            attr(x, "userProperties:note", "string")  # declared, no value
        m = prim(layer, "/Room/Props/Item_%d/Geom" % i, "Mesh")
        n = 4 + i % 3
        attr(m, "points", "point3f[]", Vt.Vec3fArray([(k * 0.1, (k * k) * 0.01 + i, -k * 0.2) for k in range(n)]))
        attr(m, "normals", "normal3f[]", Vt.Vec3fArray([(0, 1, 0)] * n))
        attr(m, "primvars:st", "texCoord2f[]", Vt.Vec2fArray([(k / n, 1 - k / n) for k in range(n)]))
        attr(m, "faceVertexCounts", "int[]", Vt.IntArray([n]))
        attr(m, "faceVertexIndices", "int[]", Vt.IntArray(list(range(n))))
        attr(m, "primvars:displayColor", "color3f[]", Vt.Vec3fArray([(0.6, 0.4 + 0.01 * i, 0.2)]))
        attr(m, "extent", "float3[]", Vt.Vec3fArray([(0, i, -0.6), (0.6, i + 0.4, 0)]))
        attr(m, "subdivisionScheme", "token", "none", uniform=True)
        attr(m, "doubleSided", "bool", i % 2 == 0, uniform=True)
        attr(m, "primvars:weights", "half[]", Vt.HalfArray([0.25, 0.5, 0.75][: 1 + i % 3]))
        attr(m, "userProperties:ids", "int64[]", Vt.Int64Array([i << 33, -i]))
        attr(m, "userProperties:flags", "bool[]", Vt.BoolArray([True, i % 2 == 1]))
        rel = Sdf.RelationshipSpec(m, "material:binding", custom=False)
        rel.targetPathList.explicitItems.append(mat.path)
        # what the scene model does not carry
        attr(m, "skel:rotations", "quatf[]", Vt.QuatfArray([Gf.Quatf(1, 0, 0, 0)]))
        attr(m, "userProperties:basis", "matrix3d", Gf.Matrix3d(1))
        attr(m, "userProperties:tint", "half3", Gf.Vec3h(1, 0.5, 0.25))
        attr(m, "userProperties:level", "uchar", 3)
        v = attr(m, "visibility", "token")  # animated: time samples only
        layer.SetTimeSample(v.path, 1.0, "inherited")
        layer.SetTimeSample(v.path, 24.0, "invisible")
        if i == 5:
            b = attr(m, "userProperties:blocked", "double")
            b.default = Sdf.ValueBlock()
    lamp = prim(layer, "/Room/Lamp", "SphereLight")
    attr(lamp, "inputs:intensity", "float", 800.0)
    attr(lamp, "radius", "double", 0.05)
    vs = Sdf.VariantSetSpec(lamp, "power")
    for name, w in (("low", 200.0), ("high", 1600.0)):
        var = Sdf.VariantSpec(vs, name)
        attr(var.primSpec, "inputs:intensity", "float", w)
    lamp.variantSelections["power"] = "low"
    lamp.variantSetNameList.prependedItems.append("power")
    layer.Save()


if __name__ == "__main__":
    main(sys.argv[1])
