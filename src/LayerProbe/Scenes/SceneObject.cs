using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>
/// One Fashion-MNIST item placed in a scene: which item, where its scaled sprite's top-left corner lies (may be
/// outside the image), its colouring, and — once the scene is composed — its VOC annotation.
/// </summary>
sealed class SceneObject(int classIndex, int item, FashionSprite sprite, int x0, int y0, bool cut, ObjectPaint paint)
{
    public int ClassIndex { get; } = classIndex;
    /// <summary>Index of the item in its Fashion-MNIST split.</summary>
    public int Item { get; } = item;
    public FashionSprite Sprite { get; } = sprite;
    public int X0 { get; } = x0;
    public int Y0 { get; } = y0;
    /// <summary>Placed across the image border on purpose (opaque pixels outside the image).</summary>
    public bool Cut { get; } = cut;
    public ObjectPaint Paint { get; } = paint;

    /// <summary>Tight box (VOC 1-based inclusive) of the pixels where the object shows through with opacity ≥ ½.</summary>
    public PixelBox Box { get; set; }
    /// <summary>Number of such visible pixels.</summary>
    public int VisiblePixels { get; set; }
    /// <summary>Opaque pixels of the sprite inside the image (before occlusion by later objects).</summary>
    public int OpaqueInImage { get; set; }
    /// <summary>VOC's truncated flag: the object extends beyond the image border.</summary>
    public bool Truncated => Cut;
    /// <summary>VOC's difficult flag: the visible box is smaller than <see cref="SceneLayout.DifficultArea"/> pixels.</summary>
    public bool Difficult => Box.Area < SceneLayout.DifficultArea;

    /// <summary>The sprite's opaque box in image coordinates, clipped to the image (0-based inclusive as a PixelBox).</summary>
    public PixelBox ClippedOpaqueBox(int width, int height)
    {
        var o = Sprite.OpaqueBox;
        return new PixelBox(Math.Max(0, X0 + o.X1), Math.Max(0, Y0 + o.Y1), Math.Min(width - 1, X0 + o.X2), Math.Min(height - 1, Y0 + o.Y2));
    }
}

/// <summary>How an object is coloured: an HSV tint and a stripe/check texture that darkens part of it.</summary>
readonly record struct ObjectPaint(byte R, byte G, byte B, int Pattern, int Period, int Dark)
{
    /// <summary>Texture factor 0–255 at sprite pixel (x, y).</summary>
    public int Texture(int x, int y) => Pattern switch
    {
        1 => y / Period % 2 == 0 ? 255 : Dark,                  // horizontal stripes
        2 => x / Period % 2 == 0 ? 255 : Dark,                  // vertical stripes
        3 => (x + y) / Period % 2 == 0 ? 255 : Dark,            // diagonal stripes
        4 => (x / Period + y / Period) % 2 == 0 ? 255 : Dark,   // checks
        _ => 255,                                               // plain
    };

    /// <summary>A random paint: hue anywhere, saturation 25–90 %, value 60–100 %, one of five patterns.</summary>
    public static ObjectPaint Draw(ref SceneRandom random)
    {
        int hue = random.Below(6 * 256), saturation = random.Between(64, 230), value = random.Between(153, 255);
        int sector = hue >> 8, f = hue & 255;
        int p = value * (255 - saturation) / 255, q = value * (255 * 255 - saturation * f) / (255 * 255),
            t = value * (255 * 255 - saturation * (255 - f)) / (255 * 255);
        var (r, g, b) = sector switch
        {
            0 => (value, t, p), 1 => (q, value, p), 2 => (p, value, t),
            3 => (p, q, value), 4 => (t, p, value), _ => (value, p, q),
        };
        return new ObjectPaint((byte)r, (byte)g, (byte)b, random.Below(5), random.Between(3, 10), random.Between(140, 210));
    }
}
