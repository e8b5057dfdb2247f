using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Scenes;

/// <summary>
/// Where the items of one scene go: 1–5 Fashion-MNIST items, sides 40–160 px (log-uniform), each either fully inside
/// the image (opaque pixels at least <see cref="Margin"/> px from the border) or cut by one border by 20–50 % of its
/// extent (truncated), with the clipped opaque boxes of any two items overlapping by IoU ≤ <see cref="PlacementIoU"/>.
/// Then visibility: later items cover earlier ones, a pixel belongs to an object where its opacity times what the
/// items above let through is ≥ ½, and the GT box is the tight box of those pixels. A scene that breaks a rule after
/// occlusion (visible boxes overlapping by more than <see cref="MaxBoxIoU"/>, an object less than half visible, a cut
/// object whose visible part no longer reaches the border) loses its last item until it holds.
/// </summary>
static class SceneLayout
{
    public const int MinSide = 40, MaxSide = 160, MaxObjects = 5, Margin = 2, CutPercent = 25;
    public const double PlacementIoU = 0.2, MaxBoxIoU = 0.3;
    /// <summary>Visible boxes smaller than 40×40 pixels are marked difficult.</summary>
    public const double DifficultArea = 40 * 40;
    const int Attempts = 30;

    /// <summary>Cumulative weights ∝ 1/side for sides 40–160: a log-uniform size drawn without libm.</summary>
    static readonly long[] SideWeights = BuildSideWeights();

    /// <summary>Draws and places the items of one scene and computes their GT boxes.</summary>
    public static List<SceneObject> Compose(ref SceneRandom random, FashionMnist items, int width, int height)
    {
        while (true)
        {
            int wanted = random.Between(1, MaxObjects);
            var objects = new List<SceneObject>();
            for (int k = 0; k < wanted; k++)
                for (int attempt = 0; attempt < Attempts; attempt++)
                    if (TryPlace(ref random, items, width, height, objects) is { } placed) { objects.Add(placed); break; }
            while (objects.Count > 0 && !Annotate(objects, width, height)) objects.RemoveAt(objects.Count - 1);
            if (objects.Count > 0) return objects; // else draw the scene again (rare: one item that broke a rule)
        }
    }

    static SceneObject? TryPlace(ref SceneRandom random, FashionMnist items, int width, int height, List<SceneObject> placed)
    {
        int item = random.Below(items.Count);
        var sprite = new FashionSprite(items.Grey(item), FashionMnist.Side, DrawSide(ref random));
        var paint = ObjectPaint.Draw(ref random);
        bool cut = random.Percent(CutPercent);
        int side = random.Below(4);
        if (!sprite.HasObject) return null;
        var (bx1, by1, bx2, by2) = sprite.OpaqueBox;
        int ow = bx2 - bx1 + 1, oh = by2 - by1 + 1;
        if (ow > width - 2 * Margin || oh > height - 2 * Margin) return null;
        int x0 = random.Between(Margin - bx1, width - 1 - Margin - bx2);
        int y0 = random.Between(Margin - by1, height - 1 - Margin - by2);
        if (cut)
        {
            int percent = random.Between(20, 50);
            switch (side)
            {
                case 0: x0 = -(ow * percent / 100) - bx1; break;                  // left
                case 1: x0 = width - 1 + ow * percent / 100 - bx2; break;        // right
                case 2: y0 = -(oh * percent / 100) - by1; break;                  // top
                default: y0 = height - 1 + oh * percent / 100 - by2; break;      // bottom
            }
        }
        var candidate = new SceneObject(items.Labels[item], item, sprite, x0, y0, cut, paint);
        var box = candidate.ClippedOpaqueBox(width, height);
        foreach (var other in placed)
            if (BoxOverlap.IoU(box, other.ClippedOpaqueBox(width, height)) > PlacementIoU) return null;
        return candidate;
    }

    /// <summary>Computes visible pixels and boxes; false if a rule is broken.</summary>
    static bool Annotate(List<SceneObject> objects, int width, int height)
    {
        const int Opaque = 255 * 255;
        var through = new int[width * height]; // what the items above let through, 0–255²
        Array.Fill(through, Opaque);
        for (int k = objects.Count - 1; k >= 0; k--)
        {
            var o = objects[k];
            var s = o.Sprite;
            int x1 = int.MaxValue, y1 = int.MaxValue, x2 = -1, y2 = -1, visible = 0, opaque = 0;
            for (int sy = Math.Max(0, -o.Y0); sy < s.Size && o.Y0 + sy < height; sy++)
                for (int sx = Math.Max(0, -o.X0); sx < s.Size && o.X0 + sx < width; sx++)
                {
                    int a = s.Alpha[sy * s.Size + sx];
                    if (a == 0) continue;
                    int x = o.X0 + sx, y = o.Y0 + sy, i = y * width + x;
                    if (a >= FashionSprite.OpaqueAlpha) opaque++;
                    if (2L * a * through[i] >= 255L * Opaque)
                    {
                        visible++;
                        x1 = Math.Min(x1, x); x2 = Math.Max(x2, x); y1 = Math.Min(y1, y); y2 = Math.Max(y2, y);
                    }
                    through[i] = through[i] * (255 - a) / 255;
                }
            o.VisiblePixels = visible;
            o.OpaqueInImage = opaque;
            if (visible == 0 || 2 * visible < opaque) return false;
            o.Box = new PixelBox(x1 + 1, y1 + 1, x2 + 1, y2 + 1);
            bool touches = x1 == 0 || y1 == 0 || x2 == width - 1 || y2 == height - 1;
            if (touches != o.Cut) return false;
        }
        for (int i = 0; i < objects.Count; i++)
            for (int j = i + 1; j < objects.Count; j++)
                if (BoxOverlap.IoU(objects[i].Box, objects[j].Box) > MaxBoxIoU) return false;
        return true;
    }

    static int DrawSide(ref SceneRandom random)
    {
        long r = (long)(random.Unit() * SideWeights[^1]);
        int i = Array.BinarySearch(SideWeights, r + 1);
        return MinSide + (i >= 0 ? i : ~i);
    }

    static long[] BuildSideWeights()
    {
        var cumulative = new long[MaxSide - MinSide + 1];
        long sum = 0;
        for (int s = MinSide; s <= MaxSide; s++) cumulative[s - MinSide] = sum += 1_000_000_000L / s;
        return cumulative;
    }
}
