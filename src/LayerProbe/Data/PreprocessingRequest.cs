namespace LayerProbe.Data;

/// <summary>
/// What the user asked for on the command line (<c>--preprocess NAME</c> and the overrides <c>--channels</c>,
/// <c>--scale</c>, <c>--mean</c>, <c>--std</c>, <c>--size</c>); null fields are not given. Without a preset the network's
/// own evidence picks one (<see cref="Preprocessing.ConventionOf"/>), or all four numbers must be given.
/// </summary>
/// <param name="Preset">A preset name (<see cref="InputConvention.Presets"/>), or null for the automatic choice.</param>
/// <param name="Channels">Channel order override.</param>
/// <param name="Scale">Scale override (the 0–255 pixel is multiplied by it).</param>
/// <param name="Mean">Per-channel mean override, in the scaled range and channel order.</param>
/// <param name="MeanImage">Mean image file override (.binaryproto or .npy, BGR 0–255).</param>
/// <param name="Std">Per-channel std override.</param>
/// <param name="Size">Input side (null: the network's declared side, else <see cref="Networks.OnnxNetwork.DefaultInputSide"/>).</param>
public sealed record PreprocessingRequest(string? Preset = null, ChannelOrder? Channels = null, float? Scale = null, float[]? Mean = null,
    string? MeanImage = null, float[]? Std = null, int? Size = null)
{
    /// <summary>Nothing asked: the network's own evidence decides.</summary>
    public static PreprocessingRequest Automatic { get; } = new();

    /// <summary>Whether every number of a convention is given (then no preset is needed).</summary>
    public bool IsComplete => Channels is not null && Scale is not null && (Mean is not null || MeanImage is not null) && Std is not null;

    /// <summary>Whether any override is given.</summary>
    public bool HasOverrides => Channels is not null || Scale is not null || Mean is not null || MeanImage is not null || Std is not null;

    /// <summary><paramref name="convention"/> with this request's overrides applied (named <c>NAME+overrides</c> when changed).</summary>
    public InputConvention Apply(InputConvention convention)
    {
        if (!HasOverrides) return convention;
        var result = convention with
        {
            Name = convention.Name + "+overrides",
            Channels = Channels ?? convention.Channels,
            Scale = Scale ?? convention.Scale,
            Mean = Mean ?? (MeanImage is not null ? [] : convention.Mean),
            MeanImage = Mean is not null ? MeanImage : MeanImage ?? convention.MeanImage,
            Std = Std ?? convention.Std,
        };
        // the preset's numbers belong to colours: RGB <-> BGR reverses them (grey needs its own --mean/--std)
        if (result.Channels != convention.Channels && result.ChannelCount == 3 && convention.ChannelCount == 3)
            result = result with { Mean = Mean ?? [.. result.Mean.Reverse()], Std = Std ?? [.. result.Std.Reverse()] };
        return result;
    }
}
