using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerProbe.Probes;

/// <summary>
/// The few float-vector operations the probe kernels need, so that a kernel is written once and compiled by the JIT
/// for each width (<see cref="Lanes512"/>, <see cref="Lanes256"/>; value types, so every call is inlined).
/// </summary>
internal interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }
    static abstract TSelf Load(ref float source, int offset);
    static abstract void Store(TSelf value, ref float destination, int offset);
    static abstract TSelf Broadcast(float value);
    static abstract TSelf Add(TSelf a, TSelf b);
    /// <summary>a·b + c, fused.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);
    /// <summary>The sum of the lanes, added in double.</summary>
    static abstract double Sum(TSelf a);
}

/// <summary>16 floats (AVX-512).</summary>
internal readonly struct Lanes512 : IFloatLanes<Lanes512>
{
    readonly Vector512<float> _v;
    Lanes512(Vector512<float> v) => _v = v;

    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ref float source, int offset) => new(Vector512.LoadUnsafe(ref source, (nuint)offset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512 value, ref float destination, int offset) => value._v.StoreUnsafe(ref destination, (nuint)offset);
    public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Add(Lanes512 a, Lanes512 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Lanes512 a) => Vector512.Sum(Vector512.WidenLower(a._v)) + Vector512.Sum(Vector512.WidenUpper(a._v));
}

/// <summary>8 floats (AVX2 and other 256-bit SIMD).</summary>
internal readonly struct Lanes256 : IFloatLanes<Lanes256>
{
    readonly Vector256<float> _v;
    Lanes256(Vector256<float> v) => _v = v;

    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref float source, int offset) => new(Vector256.LoadUnsafe(ref source, (nuint)offset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256 value, ref float destination, int offset) => value._v.StoreUnsafe(ref destination, (nuint)offset);
    public static Lanes256 Broadcast(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Add(Lanes256 a, Lanes256 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Lanes256 a) => Vector256.Sum(Vector256.WidenLower(a._v)) + Vector256.Sum(Vector256.WidenUpper(a._v));
}
