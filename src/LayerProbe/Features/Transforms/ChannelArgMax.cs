namespace LayerProbe.Features.Transforms;

/// <summary>Arg-max of one channel's map; ties go to the first position in row-major (y, x) order.</summary>
internal static class ChannelArgMax
{
    public static int Of(ReadOnlySpan<float> map)
    {
        int best = 0;
        for (int j = 1; j < map.Length; j++) if (map[j] > map[best]) best = j;
        return best;
    }
}
