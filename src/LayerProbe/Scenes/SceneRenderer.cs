using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>
/// Paints a scene: the background crop, then each object back to front, blended through its matte —
/// pixel = background·(1 − α) + colour·α, colour = tint × shading × texture — in integers.
/// </summary>
static class SceneRenderer
{
    /// <summary>Paints <paramref name="objects"/> over <paramref name="background"/> (changed in place).</summary>
    public static void Paint(RgbImage background, IReadOnlyList<SceneObject> objects)
    {
        int width = background.Width, height = background.Height;
        var px = background.Pixels;
        foreach (var o in objects)
        {
            var s = o.Sprite;
            var paint = o.Paint;
            for (int sy = Math.Max(0, -o.Y0); sy < s.Size && o.Y0 + sy < height; sy++)
                for (int sx = Math.Max(0, -o.X0); sx < s.Size && o.X0 + sx < width; sx++)
                {
                    int a = s.Alpha[sy * s.Size + sx];
                    if (a == 0) continue;
                    int light = s.Shade[sy * s.Size + sx] * paint.Texture(sx, sy); // 0–255²
                    int i = 3 * ((o.Y0 + sy) * width + o.X0 + sx);
                    px[i] = Blend(px[i], paint.R, light, a);
                    px[i + 1] = Blend(px[i + 1], paint.G, light, a);
                    px[i + 2] = Blend(px[i + 2], paint.B, light, a);
                }
        }
    }

    static byte Blend(int background, int tint, int light, int alpha)
    {
        int colour = tint * light / (255 * 255);
        return (byte)((background * (255 - alpha) + colour * alpha + 127) / 255);
    }
}
