using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>A scored proposal of one class: its test image (index in the split), its region row, box and score.</summary>
public readonly record struct Candidate(int Image, int Region, PixelBox Box, double Score);

/// <summary>
/// R-CNN's pruning of one class's scored proposals, image by image in split order (<c>rcnn_test.m</c>): an image
/// contributes its proposals scoring above the class's current threshold, at most the best
/// <see cref="DetectionSettings.MaxPerImage"/>; all contributed scores are kept sorted and, once there are more than
/// <c>max_per_set</c> = <see cref="DetectionSettings.BoxesPerImageOverall"/> × #images, cut to that many, the threshold
/// becoming the lowest kept score. At the end, boxes scoring below the final threshold are dropped. Memory: the
/// threshold never decreases, so stored boxes already below it are purged as they accumulate; what is held is
/// about max_per_set scores and boxes, whatever the number of regions.
/// </summary>
public sealed class RcnnPruning
{
    readonly int _maxPerImage, _maxPerSet;
    readonly PriorityQueue<double, double> _topScores = new(); // min-heap of the contributed scores, ≤ max_per_set
    List<Candidate> _kept = [];
    int _lastImage = -1;

    /// <summary>Pruning for a split of <paramref name="images"/> images.</summary>
    public RcnnPruning(DetectionSettings settings, int images)
    {
        _maxPerImage = settings.MaxPerImage;
        _maxPerSet = settings.MaxPerClass(images);
    }

    /// <summary>The current threshold (−∞ until more than max_per_set scores were contributed).</summary>
    public double Threshold { get; private set; } = double.NegativeInfinity;

    /// <summary>Adds the scored proposals of one image (images in increasing order, each once).</summary>
    public void AddImage(int image, ReadOnlySpan<int> regions, ReadOnlySpan<PixelBox> boxes, ReadOnlySpan<double> scores)
    {
        if (image <= _lastImage) throw new ArgumentException($"image {image} after image {_lastImage}: images must come in split order, once each");
        _lastImage = image;
        var passing = new List<int>();
        for (int i = 0; i < scores.Length; i++)
            if (scores[i] > Threshold) passing.Add(i);
        var passingScores = new double[passing.Count];
        for (int i = 0; i < passing.Count; i++) passingScores[i] = scores[passing[i]];
        int[] order = Ranking.Descending(passingScores);
        int n = Math.Min(order.Length, _maxPerImage);
        for (int k = 0; k < n; k++)
        {
            int i = passing[order[k]];
            _kept.Add(new Candidate(image, regions[i], boxes[i], scores[i]));
            _topScores.Enqueue(scores[i], scores[i]);
        }
        if (_topScores.Count > _maxPerSet)
        {
            while (_topScores.Count > _maxPerSet) _topScores.Dequeue();
            Threshold = _topScores.Peek();
        }
        if (_kept.Count > 2 * _maxPerSet + _maxPerImage) Purge();
    }

    /// <summary>The surviving boxes (score ≥ the final threshold), in image order and, within an image, best first.</summary>
    public IReadOnlyList<Candidate> Finish()
    {
        Purge();
        return _kept;
    }

    void Purge()
    {
        double t = Threshold;
        _kept = _kept.Where(c => c.Score >= t).ToList();
    }
}
