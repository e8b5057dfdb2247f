using LayerProbe.Features;
using LayerProbe.Features.Transforms;
using Xunit.Abstractions;
using LayerProbe.Tests.Cli;

namespace LayerProbe.Tests.Features;

/// <summary>
/// Real child processes of the built CLI: SIGKILLed at random moments during <c>extract</c> and <c>transform</c>, run
/// two at a time on one output folder, and read from while they write. Every fault must end, after plain reruns, in
/// the bytes of an uninterrupted run.
/// </summary>
[Collection("Store faults")]
public class StoreFaultTests(ChildExtraction fixture, ITestOutputHelper log)
{
    /// <summary>
    /// Kills a run of <paramref name="args"/>: the first of each pair at a uniformly random moment of a whole run's
    /// time (start-up included), the second at a random moment in the first 60 % of the writing phase after its first
    /// committed row — so kills land in start-up, between commits and at the end. Returns whether it was still running.
    /// </summary>
    static bool KillSomewhere(string[] args, string output, Random random, (TimeSpan Whole, TimeSpan Writing) time, bool whileWriting)
    {
        using var child = ChildCli.Start(args);
        if (whileWriting) child.WaitUntil(() => ChildExtraction.CommittedRows(output).Any(r => r > 0), TimeSpan.FromMinutes(2));
        Thread.Sleep(random.NextDouble() * (whileWriting ? 0.6 * time.Writing : time.Whole)); // 0.6: a run may be quicker than the timed one
        bool running = !child.HasExited;
        child.Kill();
        return running;
    }

    static bool Partial(string output, long rows) => ChildExtraction.CommittedRows(output).Any(r => r > 0 && r < rows);

    /// <summary>
    /// For each of three seeds: two kills of <paramref name="command"/> into a fresh folder, then a plain rerun that must
    /// succeed and pass <paramref name="same"/>. Logs and checks that kills landed while stores were partial.
    /// </summary>
    void KillThenResume(string what, TempDir tmp, Func<string, string[]> command, (TimeSpan Whole, TimeSpan Writing) time, long rows, Action<string, int> same)
    {
        int kills = 0, midWrite = 0, survived = 0;
        int[] seeds = [1, 2, 3];
        foreach (int seed in seeds)
        {
            var random = new Random(seed);
            string output = tmp.Sub($"seed{seed}");
            for (int k = 0; k < 2; k++)
            {
                if (KillSomewhere(command(output), output, random, time, whileWriting: k == 1)) kills++;
                if (Partial(output, rows)) midWrite++;
            }
            using var rerun = ChildExtraction.Run(command(output));
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            same(output, seed);
            survived++;
        }
        log.WriteLine($"{what}: {kills} SIGKILLs of running processes ({midWrite} left partial stores), {survived}/{seeds.Length} folders resumed byte-identical");
        Assert.True(midWrite >= 1, "no kill landed while stores were partial");
    }

    [Fact]
    public void Extraction_killed_at_random_moments_resumes_to_the_bytes_of_an_uninterrupted_run()
    {
        using var tmp = new TempDir();
        KillThenResume("extract", tmp, output => fixture.Extract(output), (fixture.Duration, fixture.WritePhase), ChildExtraction.Items,
            (output, seed) => fixture.AssertSameAsReference(output, $"seed {seed}"));
    }

    [Fact]
    public void Transform_killed_at_random_moments_resumes_to_the_bytes_of_an_uninterrupted_run()
    {
        using var tmp = new TempDir();
        const int rows = 4096;
        string source = SyntheticStore(tmp.Sub("source"), rows); // 8 chunks of 512 rows, each committed
        string[] Transform(string output) => ["transform", "--store", source, "--transform", "sp-shuffle", "--seed", "3", "--out", output];

        string expected = TransformedStore.Write(source, FeatureTransforms.Create("sp-shuffle", 3), tmp.Sub("in-process"));
        var time = ChildExtraction.Timed(Transform(tmp.Sub("whole")), tmp.Sub("whole"));
        var reference = ChildExtraction.StoreBytes(tmp.Sub("in-process"));
        Assert.Equal(reference, ChildExtraction.StoreBytes(tmp.Sub("whole")));
        KillThenResume("transform", tmp, Transform, time, rows, (output, _) =>
        {
            Assert.Equal(reference, ChildExtraction.StoreBytes(output));
            Assert.Equal(Path.GetFileName(expected), Path.GetFileName(Directory.GetDirectories(output).Single()));
        });
    }

    [Fact]
    public void A_second_extract_on_the_same_folder_waits_for_the_first_and_never_truncates_its_stores()
    {
        // The issue's reproduction: a second run started when the first has committed 60 %, killed after the first
        // ended. The first is frozen (SIGSTOP) at 60 % so that the second surely meets it mid-write.
        using var tmp = new TempDir();
        string output = tmp.Sub("out");
        using var first = ChildCli.Start(fixture.Extract(output));
        first.WaitUntil(() => ChildExtraction.CommittedRows(output) is { Length: 3 } rows && rows.Min() >= 0.6 * ChildExtraction.Items, TimeSpan.FromMinutes(2));
        first.Pause();
        try
        {
            Assert.False(first.HasExited, "the first run ended before 60 % could be seen");
            long[] atPause = ChildExtraction.CommittedRows(output);
            using var second = ChildCli.Start(fixture.Extract(output, "fc6,conv3,pool1")); // other order: locks are taken in path order
            Assert.True(second.WaitUntil(() => second.Errors.Contains($"waiting for PID {first.Id} writing {output}"), TimeSpan.FromMinutes(2)),
                $"no waiting line: {second}");
            Assert.False(second.HasExited);
            Assert.Equal(atPause, ChildExtraction.CommittedRows(output)); // nothing cut back while the owner is frozen
            first.Resume();
            Assert.True(first.WaitForExit(TimeSpan.FromMinutes(3)) && first.ExitCode == 0, first.ToString());
            second.Kill();
            log.WriteLine($"two writers: the second waited for the first ({string.Join("/", atPause)} rows committed when it came); {second.Errors.Trim()}");
        }
        finally { first.Resume(); }
        fixture.AssertSameAsReference(output, "after two writers");

        using var rerun = ChildExtraction.Run(fixture.Extract(output));
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("all stores already complete", rerun.Output);
        fixture.AssertSameAsReference(output, "after the rerun");
    }

    [Fact]
    public void Readers_of_complete_stores_succeed_while_an_extraction_adds_layers_to_their_folder()
    {
        // The pause must land while the added stores are part-written; on a quiet machine the 200 items can be done
        // between two polls, so a run that finished first is tried again (the checks hold on every attempt).
        bool midWrite = false;
        for (int attempt = 1; attempt <= 4 && !midWrite; attempt++) midWrite = ReadWhileAddingLayers(attempt);
        Assert.True(midWrite, "the extraction was not caught mid-write in 4 attempts");
    }

    bool ReadWhileAddingLayers(int attempt)
    {
        using var tmp = new TempDir();
        string output = tmp.Sub("out");
        CopyFolder(fixture.Reference, output);
        var complete = Directory.GetDirectories(output);
        var before = complete.SelectMany(Directory.GetFiles).ToDictionary(f => f, f => (Bytes: File.ReadAllBytes(f), Time: File.GetLastWriteTimeUtc(f)));
        string conv3 = complete.Single(d => Path.GetFileName(d).StartsWith("conv3-")), fc6 = complete.Single(d => Path.GetFileName(d).StartsWith("fc6-"));
        void Read(string name)
        {
            using var cka = ChildExtraction.Run("cka", "--stores", $"conv3={conv3},fc6={fc6}", "--out", tmp.Sub(name));
            Assert.True(cka.ExitCode == 0, cka.ToString());
            using var m = FeatureMatrix.Open(fc6);
            Assert.Equal(ChildExtraction.Items, m.RowCount);
        }

        using var adder = ChildCli.Start(fixture.Extract(output, "pool1,conv3,fc6,pool2,conv4"));
        Read("cka-while-starting");
        // frozen in the middle of writing the added stores: the readers of the complete ones must not notice
        adder.WaitUntil(() => Directory.GetDirectories(output).Except(complete).Any(d => ChildExtraction.CommittedRows(output).Any(r => r is > 0 and < ChildExtraction.Items)),
            TimeSpan.FromMinutes(2));
        adder.Pause();
        bool midWrite = !adder.HasExited && ChildExtraction.CommittedRows(output).Any(r => r is > 0 and < ChildExtraction.Items);
        try { Read("cka-mid-write"); }
        finally { adder.Resume(); }
        Assert.True(adder.WaitForExit(TimeSpan.FromMinutes(3)) && adder.ExitCode == 0, adder.ToString());
        Assert.Equal(5, Directory.GetDirectories(output).Count(FeatureStoreFiles.IsComplete));
        foreach (var (file, (bytes, time)) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} was rewritten");
            Assert.Equal(time, File.GetLastWriteTimeUtc(file));
        }
        log.WriteLine($"attempt {attempt}, reader during a write: cka exit 0 during start-up and while the extraction was frozen mid-write ({midWrite}); complete stores untouched");
        return midWrite;
    }

    /// <summary>A complete 64×3×3 store of <paramref name="rows"/> seeded random rows, written in this process.</summary>
    static string SyntheticStore(string directory, int rows)
    {
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "5eed", DataName = "synthetic", DataFingerprint = "synthetic", Preprocessing = "none",
            LayerAlias = "pool5", LayerValue = "pool5", Shape = [64, 3, 3], DType = "float32", Key = "synthetic", FormatVersion = 1,
            ToolVersion = "t", DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        var random = new Random(9);
        using var w = FeatureStoreWriter.OpenOrCreate(directory, FeatureMatrixHeader.ForShape(FeatureDType.Float32, rows, [64, 3, 3]), manifest);
        var row = new float[576];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < row.Length; i++) row[i] = (float)random.NextDouble();
            w.Append(row, [$"item{r}"]);
        }
        w.Complete();
        return directory;
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }
}
