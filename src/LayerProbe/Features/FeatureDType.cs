namespace LayerProbe.Features;

/// <summary>Element type of a stored feature matrix.</summary>
public enum FeatureDType
{
    /// <summary>IEEE 754 binary32 (4 bytes per value).</summary>
    Float32 = 1,
    /// <summary>IEEE 754 binary16 (2 bytes per value), converted to float32 on read.</summary>
    Float16 = 2,
}

/// <summary>Helpers for <see cref="FeatureDType"/>.</summary>
public static class FeatureDTypes
{
    /// <summary>Bytes per stored value.</summary>
    public static int Size(this FeatureDType dtype) => dtype switch
    {
        FeatureDType.Float32 => 4,
        FeatureDType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown feature dtype"),
    };

    /// <summary>Lower-case name used in keys and manifests ("float32", "float16").</summary>
    public static string Name(this FeatureDType dtype) => dtype switch
    {
        FeatureDType.Float32 => "float32",
        FeatureDType.Float16 => "float16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown feature dtype"),
    };
}
