using System.Text;
using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// The file of a <see cref="BoxRegressors"/> set (little-endian): magic <c>LPBOXREG</c>, version, dimensions, class count,
/// the layer the regressors read (version 2; "" when unknown), the feature scaling and the settings, then per class its name, pair count (0 = no regressor) and, for a regressor,
/// μ (4), T (16), T⁻¹ (16) and β ((d+1)×4) as doubles. Written under a temporary name and renamed; a truncated,
/// foreign or non-finite file is refused with one line naming it.
/// </summary>
public static class BoxRegressorFile
{
    static readonly byte[] Magic = "LPBOXREG"u8.ToArray();
    const int Version = 2;
    const int K = BoxTargets.Count;

    /// <summary>
    /// The key of regressors trained from the feature store with content key <paramref name="featureStoreKey"/>, the
    /// region table <paramref name="regionTable"/> (its file name: content-addressed by the regions' fingerprint),
    /// <paramref name="layer"/>, <paramref name="settings"/> and the feature scaling's sample (<paramref name="scaling"/>'s
    /// target norm, sample size and seed): lowercase hex SHA-256. A change of any of them names another file.
    /// </summary>
    public static string Key(string featureStoreKey, string regionTable, string layer, BoxRegressionSettings settings, DetectorTrainingSettings scaling) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', "box regressors v1", featureStoreKey,
            Path.GetFileName(regionTable), layer, System.Text.Json.JsonSerializer.Serialize(settings),
            FormattableString.Invariant($"{scaling.TargetNorm:R} {scaling.ScalingSampleSize} {scaling.ScalingSeed}")))));

    /// <summary>The file of key <paramref name="key"/> in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, string key) => Path.Combine(directory, $"box-regressors-{key[..32]}.lpbox");

    /// <summary>Writes <paramref name="set"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, BoxRegressors set) => AtomicFile.Write(path, stream =>
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(set.Dimensions);
        w.Write(set.Classes.Count);
        w.Write(set.Layer);
        var s = set.Scaling;
        w.Write(s.MeanNorm); w.Write(s.Factor); w.Write(s.TargetNorm); w.Write(s.SampleSize); w.Write(s.Seed);
        var o = set.Settings;
        w.Write(o.Lambda); w.Write(o.MinOverlap); w.Write(o.WhiteningRidge); w.Write(o.BlockRows);
        for (int c = 0; c < set.Classes.Count; c++)
        {
            w.Write(set.Classes[c]);
            var m = set.Models[c];
            w.Write(m?.Pairs ?? 0);
            if (m is null) continue;
            foreach (var values in new[] { m.Whitening.Mean, m.Whitening.Transform, m.Whitening.Inverse, m.Beta })
                foreach (double v in values) w.Write(v);
        }
    });

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    public static BoxRegressors Read(string path)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "no such file");
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw LayerProbeException.For(path, "not a box-regressor file");
            if (r.ReadInt32() is var version && version != Version) throw LayerProbeException.For(path, $"box-regressor file version {version}, this build reads {Version}");
            int d = r.ReadInt32(), classes = r.ReadInt32();
            // each class takes at least 5 bytes: bounds what a damaged header can make us allocate (β is checked where it is read)
            if (d < 1 || classes < 1 || classes > r.BaseStream.Length / 5)
                throw LayerProbeException.For(path, $"implausible header ({d} dimensions, {classes} classes)");
            string layer = r.ReadString();
            var scaling = new FeatureScaling(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt32(), r.ReadInt32());
            var settings = new BoxRegressionSettings(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt32());
            var names = new string[classes];
            var models = new BoxRegressor?[classes];
            for (int c = 0; c < classes; c++)
            {
                names[c] = r.ReadString();
                int pairs = r.ReadInt32();
                if (pairs < 0) throw LayerProbeException.For(path, $"class {names[c]}: {pairs} pairs");
                if (pairs == 0) continue;
                double[] Values(int n)
                {
                    var v = new double[n];
                    for (int i = 0; i < n; i++)
                        if (!double.IsFinite(v[i] = r.ReadDouble())) throw LayerProbeException.For(path, $"class {names[c]}: a non-finite coefficient");
                    return v;
                }
                if ((long)(d + 1 + 2 * K + 1) * K * 8 > r.BaseStream.Length - r.BaseStream.Position) throw LayerProbeException.For(path, "truncated");
                var whitening = new TargetWhitening(Values(K), Values(K * K), Values(K * K));
                models[c] = new BoxRegressor(pairs, whitening, Values((d + 1) * K));
            }
            if (r.BaseStream.Position != r.BaseStream.Length) throw LayerProbeException.For(path, "trailing bytes after the last class");
            if (!double.IsFinite(scaling.Factor) || scaling.Factor <= 0) throw LayerProbeException.For(path, $"feature scale factor {scaling.Factor}");
            return new BoxRegressors(names, models, d, scaling, settings, layer);
        }
        catch (EndOfStreamException) { throw LayerProbeException.For(path, "truncated"); }
        catch (FormatException) { throw LayerProbeException.For(path, "damaged (a class name's length is not a valid number)"); }
        catch (IOException e) { throw LayerProbeException.For(path, $"cannot read ({e.Message})", e); }
    }
}
