using System.Buffers.Binary;
using System.Text;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Fuzz;

/// <summary>
/// Every reader of user files takes thousands of mutated inputs (fixed seeds, so a run is repeatable) and must either
/// accept one or refuse it with one <see cref="LayerProbeException"/> line naming the file — never another exception,
/// a hang or an allocation the file's size does not justify. The input counts are the numbers the README states.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    /// <summary>Inputs per campaign.</summary>
    public const int OnnxBytes = 2000, OnnxStructure = 1000, Voc = 6000, Idx = 10000, IdxGzip = 5000, Npy = 10000,
        BinaryProto = 10000, Proposals = 10000, StoreHeader = 10000, StoreCommit = 3000, BoxRegressors = 3000;

    [Fact]
    public void Onnx_reader_and_layer_table_survive_mutated_models()
    {
        using var dir = new ScratchDir();
        var seeds = FuzzSeeds.Onnx(dir.Path);
        Assert.Equal(["stem", "stem-relu", "pool1", "res2a", "res3a", "pool5"], OnnxNetwork.FromBytes(seeds[2], "residual").Aliases.Names);
        string path = dir.Combine("model.onnx");
        void Parse(byte[] input)
        {
            File.WriteAllBytes(path, input);
            var network = OnnxNetwork.Load(path);
            foreach (var layer in LayerTable.Read(network)) _ = layer.Dimensions;
        }
        // The layer table's zero image is the one allocation a model may ask for whatever its size (bounded by LayerTable),
        // and running a model on up to that bound takes ONNX Runtime seconds (a 2×8×2^20 input: 3.6 s on a loaded machine).
        const long zeroImage = LayerTable.MaxInputValues * sizeof(float);
        var slow = TimeSpan.FromSeconds(20);
        var bytes = new Mutator(1301, seeds);
        new FuzzCampaign("onnx-bytes", output).Run(OnnxBytes, bytes.Next, Parse, path, zeroImage, slow).AssertNoFindings();
        var structure = new OnnxModelMutator(1302, seeds);
        new FuzzCampaign("onnx-structure", output).Run(OnnxStructure, structure.Next, Parse, path, zeroImage, slow).AssertNoFindings();
    }

    [Fact]
    public void Voc_annotation_reader_survives_mutated_xml()
    {
        using var dir = new ScratchDir();
        string path = dir.Combine("000005.xml");
        var mutator = new Mutator(1303, FuzzSeeds.VocXml(), Mutator.TextTokens);
        new FuzzCampaign("voc-xml", output).Run(Voc, mutator.Next, input =>
        {
            File.WriteAllBytes(path, input);
            _ = VocAnnotationReader.Read(path);
        }, path).AssertNoFindings();
    }

    [Fact]
    public void Idx_reader_survives_mutated_files_plain_and_gzipped()
    {
        using var dir = new ScratchDir();
        var seeds = FuzzSeeds.Idx3();
        string plain = dir.Combine("images-idx3-ubyte"), gzipped = dir.Combine("images-idx3-ubyte.gz");
        var mutator = new Mutator(1304, seeds);
        new FuzzCampaign("idx", output).Run(Idx, mutator.Next, input =>
        {
            File.WriteAllBytes(plain, input);
            _ = IdxFile.ReadBytes(plain, 3);
        }, plain).AssertNoFindings();
        // Half the gzip inputs are mutated IDX bytes compressed (the IDX checks behind gzip), half mutated gzip bytes.
        var inner = new Mutator(1305, seeds);
        var outer = new Mutator(1306, [.. seeds.Select(FuzzSeeds.Gzip)]);
        int n = 0;
        new FuzzCampaign("idx-gzip", output).Run(IdxGzip, () => n++ % 2 == 0 ? FuzzSeeds.Gzip(inner.Next()) : outer.Next(), input =>
        {
            File.WriteAllBytes(gzipped, input);
            _ = IdxFile.ReadBytes(gzipped, 3);
        }, gzipped).AssertNoFindings();
    }

    [Fact]
    public void Mean_image_readers_survive_mutated_npy_and_binaryproto()
    {
        using var dir = new ScratchDir();
        string npy = dir.Combine("mean.npy"), proto = dir.Combine("mean.binaryproto");
        var npyMutator = new Mutator(1307, FuzzSeeds.Npy(), Mutator.TextTokens);
        new FuzzCampaign("npy", output).Run(Npy, npyMutator.Next, input =>
        {
            File.WriteAllBytes(npy, input);
            _ = MeanImageFile.Load(npy, 6);
        }, npy).AssertNoFindings();
        var protoMutator = new Mutator(1308, FuzzSeeds.BinaryProto());
        new FuzzCampaign("binaryproto", output).Run(BinaryProto, protoMutator.Next, input =>
        {
            File.WriteAllBytes(proto, input);
            _ = MeanImageFile.Load(proto, 6);
        }, proto).AssertNoFindings();
    }

    [Fact]
    public void Proposals_csv_reader_survives_mutated_files()
    {
        using var dir = new ScratchDir();
        string path = dir.Combine("proposals.csv");
        var mutator = new Mutator(1309, FuzzSeeds.ProposalsCsv(), Mutator.TextTokens);
        new FuzzCampaign("proposals-csv", output).Run(Proposals, mutator.Next, input =>
        {
            File.WriteAllBytes(path, input);
            _ = ProposalsCsv.Read(path, FuzzSeeds.ProposalImages);
        }, path).AssertNoFindings();
    }

    [Fact]
    public void Box_regressor_reader_survives_mutated_files()
    {
        using var dir = new ScratchDir();
        string path = dir.Combine("box-regressors.bin");
        var mutator = new Mutator(1311, FuzzSeeds.BoxRegressors(dir.Path));
        new FuzzCampaign("box-regressors", output).Run(BoxRegressors, mutator.Next, input =>
        {
            File.WriteAllBytes(path, input);
            _ = global::LayerProbe.Detection.BoxRegressors.Load(path);
        }, path).AssertNoFindings();
    }

    [Fact]
    public void Store_opening_survives_mutated_headers_and_commit_records()
    {
        using var dir = new ScratchDir();
        string f32 = dir.Combine("seed32"), f16 = dir.Combine("seed16"), store = dir.Combine("store");
        FuzzSeeds.Store(f32, FeatureDType.Float32);
        FuzzSeeds.Store(f16, FeatureDType.Float16);
        byte[][] matrices = [File.ReadAllBytes(Path.Combine(f32, FeatureStoreFiles.Matrix)), File.ReadAllBytes(Path.Combine(f16, FeatureStoreFiles.Matrix))];
        Directory.CreateDirectory(store);
        File.Copy(Path.Combine(f32, FeatureStoreFiles.Ids), Path.Combine(store, FeatureStoreFiles.Ids));
        string matrix = Path.Combine(store, FeatureStoreFiles.Matrix), commit = Path.Combine(store, FeatureStoreFiles.Commit);
        var buffer = new float[64];
        void OpenAndReadEveryRow(bool allowPartial)
        {
            using var m = FeatureMatrix.Open(store, allowPartial);
            var row = m.Cols <= buffer.Length ? buffer : new float[m.Cols];
            for (long r = 0; r < m.RowCount; r++) m.CopyRow(r, row);
            _ = m.Ids.Count;
        }

        // The header: mutations concentrated on its 64 bytes (the rest of each input is the seed's rows).
        var headers = new Mutator(1310, [.. matrices.Select(m => m[..FeatureMatrixHeader.Size])]);
        var random = new Random(1311);
        File.WriteAllText(Path.Combine(store, FeatureStoreFiles.Complete), "");
        new FuzzCampaign("store-header", output).Run(StoreHeader, () =>
        {
            var seed = matrices[random.Next(matrices.Length)];
            return random.Next(3) switch
            {
                0 => new Mutator(random.Next(), [seed]).Next(),
                1 => HeaderFieldMutation(seed, random),
                _ => [.. headers.Next(), .. seed.AsSpan(FeatureMatrixHeader.Size)],
            };
        }, input =>
        {
            File.WriteAllBytes(matrix, input);
            OpenAndReadEveryRow(allowPartial: false);
        }, store).AssertNoFindings();

        // A partial store: the commit record decides how many rows are visible.
        File.Delete(Path.Combine(store, FeatureStoreFiles.Complete));
        File.WriteAllBytes(matrix, matrices[0]);
        string[] counts = ["0", "5", "7", "100", "2147483647", "2147483648", "4294967296", "9223372036854775807", "-1", "99999999999999999999", " ", "\n"];
        var commits = new Mutator(1312, [Encoding.ASCII.GetBytes("rows 4\nid_bytes 8\n"), Encoding.ASCII.GetBytes("rows 6\nid_bytes 12\n")], counts);
        new FuzzCampaign("store-commit", output).Run(StoreCommit, commits.Next, input =>
        {
            File.WriteAllBytes(commit, input);
            OpenAndReadEveryRow(allowPartial: true);
        }, store).AssertNoFindings();
    }

    /// <summary>
    /// One header field (rows, cols, C, H, W) set to an interesting value, half the time with cols kept equal to C·H·W
    /// so the header stays self-consistent and the sizes reach the code behind the consistency check.
    /// </summary>
    static byte[] HeaderFieldMutation(byte[] seed, Random random)
    {
        long[] interesting = [0, 1, -1, 2, 7, 255, 65536, int.MaxValue, 1L << 31, 1L << 32, 1L << 40, long.MaxValue / 48, long.MaxValue];
        var bytes = (byte[])seed.Clone();
        var span = bytes.AsSpan();
        long value = interesting[random.Next(interesting.Length)];
        switch (random.Next(5))
        {
            case 0: BinaryPrimitives.WriteInt64LittleEndian(span[16..], value); break;
            case 1: BinaryPrimitives.WriteInt64LittleEndian(span[24..], value); break;
            default: BinaryPrimitives.WriteInt32LittleEndian(span[(32 + 4 * random.Next(3))..], unchecked((int)value)); break;
        }
        if (random.Next(2) == 0)
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], (long)BinaryPrimitives.ReadInt32LittleEndian(span[32..]) * BinaryPrimitives.ReadInt32LittleEndian(span[36..]) * BinaryPrimitives.ReadInt32LittleEndian(span[40..]));
        if (random.Next(3) == 0) BinaryPrimitives.WriteInt64LittleEndian(span[16..], 0);
        return bytes;
    }
}
