using System.Runtime.CompilerServices;

namespace LayerProbe.Probes;

/// <summary>
/// The dual coordinate descent of <see cref="DualCoordinateDescentSvm"/> for a contiguous group of classes, run on one
/// thread. Per (item, class): label yᵢ, dual variable αᵢ and whether the coordinate is still active (labelled and not
/// shrunk); the upper bound Uᵢ and diagonal Dᵢᵢ depend only on the label's sign. Per class: weights w (float, like the
/// feature rows), bias weight, the projected-gradient bounds of liblinear's shrinking, passes made and whether it has
/// stopped.
/// </summary>
internal sealed class DualClassGroup
{
    readonly IFeatureRows _x;
    readonly SvmSettings _settings;
    readonly int _n, _d, _k;
    readonly double _bias;
    readonly double[] _squaredNorms;
    readonly sbyte[] _y;          // n × k, item-major
    readonly double[] _alpha;
    readonly (double Upper, double Diagonal) _positive, _negative;
    readonly bool[] _active;
    readonly float[] _w;          // k × d
    readonly double[] _wBias;
    readonly int[] _labelled, _activeCount, _passes;
    readonly double[] _pgMaxOld, _pgMinOld, _pgMaxNew, _pgMinNew;
    readonly bool[] _done;

    /// <summary>Classes <paramref name="first"/> … first + count − 1 of <paramref name="labels"/>.</summary>
    public DualClassGroup(IFeatureRows x, OneVsRestLabels labels, int first, int count, SvmSettings settings, double[] squaredNorms)
        : this(x, ItemMajor(labels, first, count), count, settings, squaredNorms, null)
    {
    }

    /// <summary>
    /// <paramref name="count"/> classes with item-major labels (<c>labels[i·count + q]</c>, +1 / −1 / 0), optionally
    /// warm-started from dual variables <paramref name="alpha"/> (same layout; entries of unlabelled pairs are ignored):
    /// each class's weights start at w = Σ αᵢyᵢx̂ᵢ, so a problem that gained rows (α = 0) or lost rows continues from the
    /// previous optimum instead of from zero (detector retraining, docs/method.md §6.4).
    /// </summary>
    public DualClassGroup(IFeatureRows x, sbyte[] labels, int count, SvmSettings settings, double[] squaredNorms, double[]? alpha)
    {
        (_x, _settings, _squaredNorms) = (x, settings, squaredNorms);
        (_n, _d, _k) = (x.Count, x.Dimensions, count);
        if (labels.Length != _n * _k) throw new ArgumentException($"{labels.Length} labels for {_n} rows × {_k} classes");
        _bias = settings.BiasFeature > 0 ? settings.BiasFeature : 0;
        _y = labels;
        _alpha = new double[_n * _k];
        (_positive, _negative) = (Bounds(settings.C * settings.PositiveWeight), Bounds(settings.C));
        _active = new bool[_n * _k];
        _w = new float[_k * _d]; _wBias = new double[_k];
        _labelled = new int[_k]; _activeCount = new int[_k]; _passes = new int[_k];
        _pgMaxOld = new double[_k]; _pgMinOld = new double[_k]; _pgMaxNew = new double[_k]; _pgMinNew = new double[_k];
        _done = new bool[_k];
        for (int q = 0; q < _k; q++)
        {
            for (int i = 0; i < _n; i++)
            {
                int iq = i * _k + q;
                if (_y[iq] == 0) continue;
                _active[iq] = true;
                _labelled[q]++;
            }
            _activeCount[q] = _labelled[q];
            (_pgMaxOld[q], _pgMinOld[q]) = (double.PositiveInfinity, double.NegativeInfinity);
            _done[q] = _labelled[q] == 0;
        }
        if (alpha is not null) WarmStart(alpha);

        (double, double) Bounds(double c) => settings.Loss == SvmLoss.Hinge ? (c, 0) : (double.PositiveInfinity, 0.5 / c);
    }

    static sbyte[] ItemMajor(OneVsRestLabels labels, int first, int count)
    {
        var y = new sbyte[labels.Count * count];
        for (int q = 0; q < count; q++)
        {
            var l = labels.Of(first + q);
            for (int i = 0; i < l.Length; i++) y[i * count + q] = l[i];
        }
        return y;
    }

    /// <summary>Sets α (clipped to its box) and w = Σ αᵢyᵢx̂ᵢ: one read of every row that has a non-zero α.</summary>
    void WarmStart(double[] alpha)
    {
        if (alpha.Length != _alpha.Length) throw new ArgumentException($"{alpha.Length} dual variables for {_alpha.Length} (row, class) pairs");
        for (int i = 0; i < _n; i++)
        {
            ReadOnlySpan<float> row = default;
            bool read = false;
            for (int q = 0; q < _k; q++)
            {
                int iq = i * _k + q;
                if (_y[iq] == 0 || alpha[iq] <= 0) continue;
                double a = Math.Min(alpha[iq], (_y[iq] > 0 ? _positive : _negative).Upper);
                _alpha[iq] = a;
                if (!read) { row = _x.Row(i); read = true; }
                double delta = a * _y[iq];
                VectorMath.AddScaled(_w.AsSpan(q * _d, _d), (float)delta, row);
                _wBias[q] += delta * _bias;
            }
        }
    }

    /// <summary>Runs passes until every class has stopped (tolerance met on its full set, or the pass limit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Solve()
    {
        var order = new int[_n];
        for (int i = 0; i < _n; i++) order[i] = i;
        var rng = new Random(_settings.Seed);
        var live = new int[_k];
        var dots = new double[_k];
        while (Array.IndexOf(_done, false) >= 0)
        {
            rng.Shuffle(order);
            for (int q = 0; q < _k; q++) (_pgMaxNew[q], _pgMinNew[q]) = (double.NegativeInfinity, double.PositiveInfinity);
            foreach (int i in order)
            {
                int m = 0;
                for (int q = 0; q < _k; q++) if (!_done[q] && _active[i * _k + q]) live[m++] = q;
                if (m == 0) continue;
                var row = _x.Row(i);
                VectorMath.Dots(row, _w, live.AsSpan(0, m), dots);
                for (int t = 0; t < m; t++) Step(i, live[t], row, dots[t]);
            }
            for (int q = 0; q < _k; q++) if (!_done[q]) EndPass(q);
        }
    }

    /// <summary>The model of the group's class <paramref name="q"/>.</summary>
    public LinearModel Model(int q) => new(_w.AsSpan(q * _d, _d).ToArray(), _wBias[q] * _bias);

    /// <summary>Dual variable of row <paramref name="i"/> for the group's class <paramref name="q"/> (0 for unlabelled pairs).</summary>
    public double Alpha(int i, int q) => _alpha[i * _k + q];

    /// <summary>Passes class <paramref name="q"/> made.</summary>
    public int Passes(int q) => _passes[q];

    /// <summary>One coordinate step of class q on item i, given w_q·xᵢ: shrink the coordinate or move it to its optimum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Step(int i, int q, ReadOnlySpan<float> row, double dot)
    {
        int iq = i * _k + q;
        double alpha = _alpha[iq], y = _y[iq];
        var (upper, diagonal) = y > 0 ? _positive : _negative;
        double g = y * (dot + _wBias[q] * _bias) - 1 + alpha * diagonal;
        double pg = 0;
        if (alpha == 0)
        {
            if (_settings.Shrinking && g > _pgMaxOld[q]) { Shrink(iq, q); return; }
            if (g < 0) pg = g;
        }
        else if (alpha == upper)
        {
            if (_settings.Shrinking && g < _pgMinOld[q]) { Shrink(iq, q); return; }
            if (g > 0) pg = g;
        }
        else pg = g;
        _pgMaxNew[q] = Math.Max(_pgMaxNew[q], pg);
        _pgMinNew[q] = Math.Min(_pgMinNew[q], pg);
        if (Math.Abs(pg) <= 1e-12) return;
        double qd = diagonal + _squaredNorms[i] + _bias * _bias;
        double updated = Math.Min(Math.Max(alpha - g / qd, 0), upper);
        _alpha[iq] = updated;
        double delta = (updated - alpha) * y;
        VectorMath.AddScaled(_w.AsSpan(q * _d, _d), (float)delta, row);
        _wBias[q] += delta * _bias;
    }

    void Shrink(int iq, int q)
    {
        _active[iq] = false;
        _activeCount[q]--;
    }

    /// <summary>liblinear's end-of-pass rule: stop, or un-shrink and check the full set, or tighten the shrinking bounds.</summary>
    void EndPass(int q)
    {
        _passes[q]++;
        if (_pgMaxNew[q] - _pgMinNew[q] <= _settings.Tolerance)
        {
            if (_activeCount[q] == _labelled[q]) { _done[q] = true; return; }
            for (int iq = q; iq < _active.Length; iq += _k) _active[iq] = _y[iq] != 0;
            _activeCount[q] = _labelled[q];
            (_pgMaxOld[q], _pgMinOld[q]) = (double.PositiveInfinity, double.NegativeInfinity);
        }
        else
        {
            _pgMaxOld[q] = _pgMaxNew[q] <= 0 ? double.PositiveInfinity : _pgMaxNew[q];
            _pgMinOld[q] = _pgMinNew[q] >= 0 ? double.NegativeInfinity : _pgMinNew[q];
        }
        if (_passes[q] >= _settings.MaxIterations) _done[q] = true;
    }
}
