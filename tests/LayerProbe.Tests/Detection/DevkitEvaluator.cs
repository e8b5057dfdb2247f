using System.Globalization;
using System.Xml.Linq;

namespace LayerProbe.Tests.Detection;

/// <summary>
/// A line-by-line transcription of the VOC 2007 devkit's <c>VOCevaldet.m</c>, written for the tests and sharing no
/// code with LayerProbe: it reads the split file, the annotation XML and a <c>comp4_det_*</c> result file, and returns
/// the 11-point AP of one class (NaN as MATLAB's max over all-NaN precisions gives it).
/// </summary>
static class DevkitEvaluator
{
    public static double Ap(string devkitRoot, string split, string cls, string resultFile)
    {
        // gtids = textread(sprintf(VOCopts.imgsetpath, VOCopts.testset), '%s');
        var gtids = File.ReadAllLines(Path.Combine(devkitRoot, "ImageSets", "Main", split + ".txt"))
            .Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var bbs = new List<double[]>[gtids.Count];
        var diffs = new List<bool>[gtids.Count];
        var dets = new List<bool>[gtids.Count];
        int npos = 0;
        for (int i = 0; i < gtids.Count; i++)
        {
            var rec = XDocument.Load(Path.Combine(devkitRoot, "Annotations", gtids[i] + ".xml"));
            var objects = rec.Root!.Elements("object").Where(o => o.Element("name")!.Value.Trim() == cls).ToList();
            bbs[i] = objects.Select(o => new[] { "xmin", "ymin", "xmax", "ymax" }
                .Select(k => double.Parse(o.Element("bndbox")!.Element(k)!.Value, CultureInfo.InvariantCulture)).ToArray()).ToList();
            diffs[i] = objects.Select(o => o.Element("difficult")?.Value.Trim() == "1").ToList();
            dets[i] = objects.Select(_ => false).ToList();
            npos += diffs[i].Count(d => !d);
        }

        // [ids, confidence, b1, b2, b3, b4] = textread(sprintf(VOCopts.detrespath, id, cls), '%s %f %f %f %f %f');
        var lines = File.ReadAllLines(resultFile).Where(l => l.Trim().Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var ids = lines.Select(f => f[0]).ToArray();
        var confidence = lines.Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToArray();
        var BB = lines.Select(f => f.Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

        // [sc, si] = sort(-confidence); MATLAB's sort is stable (LINQ's OrderBy is too)
        var si = Enumerable.Range(0, confidence.Length).OrderBy(d => -confidence[d]).ToArray();
        int nd = si.Length;
        var tp = new double[nd];
        var fp = new double[nd];
        for (int d = 0; d < nd; d++)
        {
            int i = gtids.IndexOf(ids[si[d]]);
            if (i < 0) throw new InvalidOperationException($"unrecognized image {ids[si[d]]}");
            var bb = BB[si[d]];
            double ovmax = double.NegativeInfinity;
            int jmax = -1;
            for (int j = 0; j < bbs[i].Count; j++)
            {
                var bbgt = bbs[i][j];
                double[] bi = [Math.Max(bb[0], bbgt[0]), Math.Max(bb[1], bbgt[1]), Math.Min(bb[2], bbgt[2]), Math.Min(bb[3], bbgt[3])];
                double iw = bi[2] - bi[0] + 1, ih = bi[3] - bi[1] + 1;
                if (iw > 0 && ih > 0)
                {
                    double ua = (bb[2] - bb[0] + 1) * (bb[3] - bb[1] + 1) + (bbgt[2] - bbgt[0] + 1) * (bbgt[3] - bbgt[1] + 1) - iw * ih;
                    double ov = iw * ih / ua;
                    if (ov > ovmax) { ovmax = ov; jmax = j; }
                }
            }
            if (ovmax >= 0.5)
            {
                if (!diffs[i][jmax])
                {
                    if (!dets[i][jmax]) { tp[d] = 1; dets[i][jmax] = true; }
                    else fp[d] = 1;
                }
            }
            else fp[d] = 1;
        }
        for (int d = 1; d < nd; d++) { fp[d] += fp[d - 1]; tp[d] += tp[d - 1]; }
        var rec_ = tp.Select(t => t / npos).ToArray();
        var prec = Enumerable.Range(0, nd).Select(d => tp[d] / (fp[d] + tp[d])).ToArray();

        // ap = 0; for t = 0:0.1:1 — MATLAB's colon: k·0.1 for the first half, 1 − (10 − k)·0.1 for the second, 0.5 in the middle
        double ap = 0;
        for (int k = 0; k <= 10; k++)
        {
            double t = k < 5 ? k * 0.1 : k > 5 ? 1 - (10 - k) * 0.1 : 0.5;
            var candidates = Enumerable.Range(0, nd).Where(d => rec_[d] >= t).Select(d => prec[d]).ToList();
            double p = candidates.Count == 0 ? 0 // isempty(p): p = 0
                : candidates.All(double.IsNaN) ? double.NaN : candidates.Where(x => !double.IsNaN(x)).Max(); // max ignores NaN
            ap += p / 11;
        }
        return ap;
    }
}
