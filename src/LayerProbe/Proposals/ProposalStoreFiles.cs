using LayerProbe.Features;

namespace LayerProbe.Proposals;

/// <summary>
/// A proposals store: one folder, named by the content key (image bytes + method + parameters), holding
/// <see cref="Boxes"/> (a feature-matrix file: the 64-byte <see cref="FeatureMatrixHeader"/>, then one float32 row
/// <c>x1 y1 x2 y2</c> per (image, box) in image order, VOC 1-based inclusive pixels, memory-mappable),
/// <see cref="Images"/> (the image ids in data-set order with each image's first row, row count, size and SHA-256),
/// <see cref="Manifest"/> and, written last, <see cref="Complete"/>. Only <see cref="Boxes"/> and <see cref="Images"/>
/// are the store proper (byte-identical however often a run was interrupted).
/// </summary>
public static class ProposalStoreFiles
{
    /// <summary>The box matrix.</summary>
    public const string Boxes = "boxes.lpfm";
    /// <summary>Tab-separated: image_id, first_row, rows, width, height, sha256 (one line per image, after a '#' header).</summary>
    public const string Images = "images.tsv";
    /// <summary>JSON manifest (method, settings, counts, versions).</summary>
    public const string Manifest = "manifest.json";
    /// <summary>Marker written last, by rename; holds the key.</summary>
    public const string Complete = FeatureStoreFiles.Complete;
    /// <summary>Per-image results of a computation in progress (removed when the store is complete).</summary>
    public const string Pending = "pending";

    /// <summary>Columns of a box row.</summary>
    public const int Cols = 4;

    /// <summary>True when the store in <paramref name="directory"/> is finished.</summary>
    public static bool IsComplete(string directory) => File.Exists(Path.Combine(directory, Complete));

    /// <summary>The store's content key: <paramref name="method"/> (with its implementation version), the images' content
    /// fingerprint and the parameters, hashed like a feature store's.</summary>
    public static FeatureStoreKey Key(string method, string imagesFingerprint, string parameters) =>
        new(ModelSha256: method, ItemsFingerprint: imagesFingerprint, Preprocessing: parameters, LayerValue: "proposal-boxes x1,y1,x2,y2",
            DType: FeatureDType.Float32);
}

/// <summary>One image of a proposals store: its id, rows [<paramref name="FirstRow"/>, +<paramref name="Rows"/>), size and content hash.</summary>
/// <param name="Id">Image id.</param>
/// <param name="FirstRow">First row of its boxes in the matrix.</param>
/// <param name="Rows">Number of boxes.</param>
/// <param name="Width">Image width.</param>
/// <param name="Height">Image height.</param>
/// <param name="Sha256">SHA-256 of the image file's bytes (hex).</param>
public sealed record ProposalStoreImage(string Id, long FirstRow, int Rows, int Width, int Height, string Sha256);
