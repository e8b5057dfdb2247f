using LayerProbe.Data;

namespace LayerProbe.Detection;

/// <summary>
/// R-CNN's box-regression parameterisation (docs/method.md §6.6, <c>rcnn_train_bbox_regressor.m</c> and
/// <c>rcnn_predict_bbox_regressor.m</c>): for a proposal P and a box G, with w = x2 − x1 + eps and the centre at
/// x1 + w/2 (the code's widths: <b>no</b> +1, eps = 2⁻⁵² as MATLAB's <c>eps</c>), the targets are
/// t_x = (G_x − P_x)/P_w, t_y = (G_y − P_y)/P_h, t_w = log(G_w/P_w), t_h = log(G_h/P_h). <see cref="Decode"/> is the
/// exact inverse; <see cref="Clip"/> is the clipping R-CNN applies to regressed boxes at test time.
/// </summary>
public static class BoxTargets
{
    /// <summary>MATLAB's <c>eps</c> (2⁻⁵²), added to every width and height as R-CNN's code does.</summary>
    public const double Eps = 2.220446049250313e-16;

    /// <summary>Number of targets per box (dx, dy, dw, dh).</summary>
    public const int Count = 4;

    /// <summary>The targets that move <paramref name="proposal"/> onto <paramref name="target"/>, into <paramref name="t"/>.</summary>
    public static void Encode(in PixelBox proposal, in PixelBox target, Span<double> t)
    {
        var (pw, ph, px, py) = Geometry(proposal);
        var (gw, gh, gx, gy) = Geometry(target);
        t[0] = (gx - px) / pw;
        t[1] = (gy - py) / ph;
        t[2] = Math.Log(gw / pw);
        t[3] = Math.Log(gh / ph);
    }

    /// <summary>The box that targets <paramref name="t"/> make of <paramref name="proposal"/> (not clipped).</summary>
    public static PixelBox Decode(in PixelBox proposal, ReadOnlySpan<double> t)
    {
        var (pw, ph, px, py) = Geometry(proposal);
        double cx = t[0] * pw + px, cy = t[1] * ph + py;
        double w = Math.Exp(t[2]) * pw, h = Math.Exp(t[3]) * ph;
        return new PixelBox(cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h);
    }

    /// <summary>R-CNN's test-time clipping (<c>rcnn_test_bbox_regressor.m</c>): x1, y1 ≥ 1, x2 ≤ width, y2 ≤ height.</summary>
    public static PixelBox Clip(in PixelBox box, int width, int height) =>
        new(Math.Max(box.X1, 1), Math.Max(box.Y1, 1), Math.Min(box.X2, width), Math.Min(box.Y2, height));

    static (double W, double H, double Cx, double Cy) Geometry(in PixelBox b)
    {
        double w = b.X2 - b.X1 + Eps, h = b.Y2 - b.Y1 + Eps;
        return (w, h, b.X1 + 0.5 * w, b.Y1 + 0.5 * h);
    }
}
