using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

public class FeatureStoreKeyTests
{
    static readonly FeatureStoreKey Base = new("a1b2", "items:10", "resize 16", "pool5", FeatureDType.Float32);

    [Fact]
    public void Same_inputs_give_the_same_key()
    {
        Assert.Equal(Base.Hash, new FeatureStoreKey("a1b2", "items:10", "resize 16", "pool5", FeatureDType.Float32).Hash);
        Assert.Equal(64, Base.Hash.Length);
    }

    [Fact]
    public void Changing_any_input_changes_the_key()
    {
        var variants = new[]
        {
            Base with { ModelSha256 = "a1b3" },
            Base with { ItemsFingerprint = "items:11" },
            Base with { Preprocessing = "resize 17" },
            Base with { LayerValue = "pool4" },
            Base with { DType = FeatureDType.Float16 },
            Base with { FormatVersion = 2 },
            // Field boundaries are unambiguous: moving text between fields is a different key.
            Base with { ItemsFingerprint = "items:10r", Preprocessing = "esize 16" },
        };
        var hashes = variants.Select(v => v.Hash).Append(Base.Hash).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Fact]
    public void Directory_name_is_a_safe_label_plus_the_key()
    {
        string name = Base.DirectoryName("res3b/../x");
        Assert.Equal($"res3b____x-{Base.Hash[..32]}", name);
    }
}
