namespace LayerProbe.Probes;

/// <summary>
/// All K one-vs-rest SVMs of a task trained together in the primal: for each class k minimise
/// f_k(w) = ½‖ŵ‖² + Σᵢ c_ik·max(0, 1 − y_ik·ŵ·x̂ᵢ)² (squared hinge, liblinear type 2's objective; x̂ = [x, B],
/// c_ik = C·w1 for positives, C for negatives, 0 for label 0) by Newton's method with diagonally preconditioned conjugate gradient and a
/// backtracking line search. Each CG step needs H_k·p_k = p_k + 2·Xᵀ D_k X·p_k for every class: these are computed
/// for all classes in one pass over X as X·Pᵀ (N×K) and Xᵀ·U (K×D) (<see cref="BatchedProducts"/>), skipping rows
/// that are inside the margin for every class. The forward half of each product, X·p_k, is kept: X·s_k for the line
/// search is their sum weighted by the CG step sizes, so the line search costs no pass over X whenever every row was
/// visited. Stops class k when ‖∇f_k‖ ≤ Tolerance·‖∇f_k(0)‖ (default 1e-4: ENVIRONMENT.md §3 found looser
/// tolerances lose AP, and on the solver benchmark's 5,000 × 9,216 problem 5e-4 still left a class 0.87 AP points
/// from liblinear's converged solution, 1e-4 0.25, for 10 % more time). RAM: a few K×D and N×K arrays, never a copy of X.
/// </summary>
public static class BatchedNewtonSvm
{
    /// <summary>
    /// Preconditioner M = (1 − α)·I + α·diag(H), the mixed form of Hsia, Chiang &amp; Lin (2018). Measured on the
    /// benchmark problem (2000 × 4096, 20 classes): α = 0 → 66 passes, 0.01 → 56, 0.1 → 77, 1 (pure diagonal) → 103.
    /// </summary>
    const double PreconditionerMix = 0.01;

    /// <summary>Default relative gradient-norm tolerance.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary><paramref name="settings"/> (squared hinge) with this solver's own stopping rule: tolerance 1e-4, at most 100 Newton iterations.</summary>
    public static SvmSettings Tuned(SvmSettings settings) => settings with { Loss = SvmLoss.SquaredHinge, Tolerance = DefaultTolerance, MaxIterations = 100 };

    /// <summary>Diagnostics of one training run.</summary>
    public sealed record Report(int NewtonIterations, int HessianProducts, bool Converged);

    /// <summary>Trains one model per class; <see cref="SvmSettings.Loss"/> must be squared hinge.</summary>
    public static LinearModel[] Train(IFeatureRows x, OneVsRestLabels labels, SvmSettings settings) => Train(x, labels, settings, out _);

    /// <summary>As <see cref="Train(IFeatureRows, OneVsRestLabels, SvmSettings)"/>, with diagnostics.</summary>
    public static LinearModel[] Train(IFeatureRows x, OneVsRestLabels labels, SvmSettings settings, out Report report)
    {
        if (settings.Loss != SvmLoss.SquaredHinge) throw new ArgumentException("BatchedNewtonSvm solves the squared-hinge primal only");
        if (labels.Count != x.Count) throw new ArgumentException($"{labels.Count} labels for {x.Count} rows");
        int n = x.Count, d = x.Dimensions, k = labels.Classes;
        double bias = settings.BiasFeature > 0 ? settings.BiasFeature : 0;
        var y = new sbyte[n * k];
        var cost = new double[n * k];
        for (int c = 0; c < k; c++)
        {
            var l = labels.Of(c);
            for (int i = 0; i < n; i++)
            {
                y[i * k + c] = l[i];
                cost[i * k + c] = l[i] == 0 ? 0 : settings.C * (l[i] > 0 ? settings.PositiveWeight : 1);
            }
        }
        var allRows = Enumerable.Range(0, n).ToArray();
        var w = new float[k * d]; var wb = new double[k];
        var z = new double[n * k];
        var g = new float[k * d]; var gb = new double[k];
        var s = new float[k * d]; var sb = new double[k];
        var r = new float[k * d]; var rb = new double[k];
        var p = new float[k * d]; var pb = new double[k];
        var hp = new float[k * d]; var hpb = new double[k];
        var m = new float[k * d]; var mb = new double[k];
        var work = new CompactWork(new float[k * d], new double[k], new float[n * k], new float[k * d], new double[k], new double[n * k]);
        var u = new double[n * k];
        var coef = new float[n * k];
        var zs = new double[n * k];
        var zp = new double[n * k];
        var activeRows = new int[n];
        var gNorm0 = new double[k];
        var done = new bool[k];
        int newton = 0, products = 0;
        bool converged = false;
        for (; newton < settings.MaxIterations; newton++)
        {
            // Gradient: g = w + 2·Xᵀ(c·(z − y)) over margin violators; D = 2c on the same set.
            int active = 0;
            for (int i = 0; i < n; i++)
            {
                bool any = false;
                for (int c = 0; c < k; c++)
                {
                    int ic = i * k + c;
                    bool violates = cost[ic] > 0 && y[ic] * z[ic] < 1;
                    u[ic] = violates ? 2 * cost[ic] * (z[ic] - y[ic]) : 0;
                    coef[ic] = violates ? (float)(2 * cost[ic]) : 0;
                    any |= violates;
                }
                if (any) activeRows[active++] = i;
            }
            BatchedProducts.Backward(x, activeRows, active, u, bias, k, g, gb);
            products++;
            bool all = true;
            for (int c = 0; c < k; c++)
            {
                AddInto(g, w, c, d); gb[c] += wb[c];
                double gn = Math.Sqrt(Norm2(g, c, d) + gb[c] * gb[c]);
                if (newton == 0) gNorm0[c] = gn;
                done[c] = gn <= settings.Tolerance * gNorm0[c];
                all &= done[c];
            }
            if (all) { converged = true; break; }

            // Preconditioner from diag(H_k) = 1 + Σᵢ 2c_ik·x̂ᵢ⊙x̂ᵢ over the margin violators.
            BatchedProducts.SquaredBackward(x, activeRows, active, coef, bias, k, m, mb);
            products++;
            for (int j = 0; j < m.Length; j++) m[j] = (float)(1 / (1 - PreconditionerMix + PreconditionerMix * (1 + m[j])));
            for (int c = 0; c < k; c++) mb[c] = 1 / (1 - PreconditionerMix + PreconditionerMix * (1 + mb[c]));

            // Preconditioned conjugate gradient on H_k s_k = −g_k for every class not yet done, in lockstep.
            Array.Clear(s); Array.Clear(sb);
            Array.Clear(zs);
            var rz = new double[k]; var cgDone = new bool[k]; var rStop = new double[k];
            for (int c = 0; c < k; c++)
            {
                for (int j = c * d; j < (c + 1) * d; j++) { r[j] = -g[j]; p[j] = r[j] * m[j]; }
                rb[c] = -gb[c]; pb[c] = rb[c] * mb[c];
                rz[c] = DotClass(r, p, c, d) + rb[c] * pb[c];
                rStop[c] = 0.1 * 0.1 * (Norm2(r, c, d) + rb[c] * rb[c]);
                cgDone[c] = done[c];
                if (done[c]) { ClearClass(p, c, d); pb[c] = 0; }
            }
            for (int cg = 0; cg < 250 && cgDone.Contains(false); cg++)
            {
                HessianProducts(x, activeRows, active, cgDone, p, pb, bias, k, coef, hp, hpb, zp, work);
                products++;
                for (int c = 0; c < k; c++)
                {
                    if (cgDone[c]) continue;
                    AddInto(hp, p, c, d); hpb[c] += pb[c];
                    double pHp = DotClass(p, hp, c, d) + pb[c] * hpb[c];
                    double alpha = rz[c] / pHp;
                    int o = c * d;
                    for (int j = o; j < o + d; j++) { s[j] += (float)(alpha * p[j]); r[j] -= (float)(alpha * hp[j]); }
                    sb[c] += alpha * pb[c]; rb[c] -= alpha * hpb[c];
                    if (active == n) for (int i = c; i < zs.Length; i += k) zs[i] += alpha * zp[i];
                    if (Norm2(r, c, d) + rb[c] * rb[c] <= rStop[c]) { cgDone[c] = true; ClearClass(p, c, d); pb[c] = 0; continue; }
                    double rzNew = 0;
                    for (int j = o; j < o + d; j++) rzNew += (double)r[j] * r[j] * m[j];
                    rzNew += rb[c] * rb[c] * mb[c];
                    double beta = rzNew / rz[c];
                    rz[c] = rzNew;
                    for (int j = o; j < o + d; j++) p[j] = r[j] * m[j] + (float)(beta * p[j]);
                    pb[c] = rb[c] * mb[c] + beta * pb[c];
                }
            }

            // Line search along s: f is a cheap function of t once X·s is known (a pass over X only when some rows were inactive).
            if (active < n) { BatchedProducts.Forward(x, allRows, n, s, sb, bias, k, zs); products++; }
            for (int c = 0; c < k; c++)
            {
                if (done[c]) continue;
                double ww = Norm2(w, c, d) + wb[c] * wb[c];
                double ws = DotClass(w, s, c, d) + wb[c] * sb[c];
                double ss = Norm2(s, c, d) + sb[c] * sb[c];
                double gs = DotClass(g, s, c, d) + gb[c] * sb[c];
                double f0 = Objective(0, c);
                double t = 1;
                while (t > 1e-10 && Objective(t, c) > f0 + 0.01 * t * gs) t *= 0.5;
                int o = c * d;
                for (int j = o; j < o + d; j++) w[j] += (float)(t * s[j]);
                wb[c] += t * sb[c];
                for (int i = 0; i < n; i++) z[i * k + c] += t * zs[i * k + c];

                double Objective(double step, int cls)
                {
                    double f = 0.5 * (ww + 2 * step * ws + step * step * ss);
                    for (int i = 0; i < n; i++)
                    {
                        int ic = i * k + cls;
                        if (cost[ic] == 0) continue;
                        double m = 1 - y[ic] * (z[ic] + step * zs[ic]);
                        if (m > 0) f += cost[ic] * m * m;
                    }
                    return f;
                }
            }
        }
        report = new Report(newton, products, converged);
        var models = new LinearModel[k];
        for (int c = 0; c < k; c++) models[c] = new LinearModel(w.AsSpan(c * d, d).ToArray(), wb[c] * bias);
        return models;
    }

    /// <summary>Buffers for the products restricted to the classes still in CG.</summary>
    sealed record CompactWork(float[] P, double[] Pb, float[] Coef, float[] Hp, double[] Hpb, double[] Z);

    /// <summary>
    /// H·p products (without the identity term) for the classes whose CG is still running: their columns are packed
    /// into K' ≤ K columns, so classes that finished early cost nothing; finished classes get H·p = 0 (their p is 0).
    /// Every active row is visited even when it is inside the margin for all live classes, because
    /// <paramref name="zp"/> must receive X̂·p̂ of the live classes on all active rows (the line search needs X·s there).
    /// </summary>
    static void HessianProducts(IFeatureRows x, int[] activeRows, int active, bool[] finished, float[] p, double[] pb, double bias, int k,
        float[] coef, float[] hp, double[] hpb, double[] zp, CompactWork w)
    {
        var live = Enumerable.Range(0, k).Where(c => !finished[c]).ToArray();
        if (live.Length == k) { BatchedProducts.ForwardBackward(x, activeRows, active, p, pb, bias, k, coef, hp, hpb, zp); return; }
        int d = x.Dimensions, kl = live.Length;
        for (int a = 0; a < active; a++)
        {
            int i = activeRows[a];
            for (int q = 0; q < kl; q++) w.Coef[i * kl + q] = coef[i * k + live[q]];
        }
        for (int q = 0; q < kl; q++) { Array.Copy(p, live[q] * d, w.P, q * d, d); w.Pb[q] = pb[live[q]]; }
        BatchedProducts.ForwardBackward(x, activeRows, active, w.P, w.Pb, bias, kl, w.Coef, w.Hp, w.Hpb, w.Z);
        Array.Clear(hp); Array.Clear(hpb);
        for (int q = 0; q < kl; q++) { Array.Copy(w.Hp, q * d, hp, live[q] * d, d); hpb[live[q]] = w.Hpb[q]; }
        for (int a = 0; a < active; a++)
        {
            int i = activeRows[a];
            for (int q = 0; q < kl; q++) zp[i * k + live[q]] = w.Z[i * kl + q];
        }
    }

    static double Norm2(float[] a, int c, int d) => DotClass(a, a, c, d);
    static double DotClass(float[] a, float[] b, int c, int d) => VectorMath.Dot(a.AsSpan(c * d, d), b.AsSpan(c * d, d));
    static void ClearClass(float[] a, int c, int d) => Array.Clear(a, c * d, d);
    static void AddInto(float[] target, float[] source, int c, int d)
    {
        for (int j = c * d; j < (c + 1) * d; j++) target[j] += source[j];
    }
}
